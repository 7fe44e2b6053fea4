"""The organisers' console: the admin site with a dashboard at its front door and its sections
under plain names, the technical ones (lockouts, authenticators, the task queue) kept apart for
superusers."""

import csv

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from actionhub.console.dashboard import CHARTS, dashboard_for
from actionhub.core.admin_site import OrganiserAdminSite
from actionhub.core.markdown import render_markdown_uncached

MARKDOWN_PREVIEW_LIMIT = 100_000

# (section, the apps or (app, model) pairs in it), in the order organisers meet them.
SECTIONS = [
    ("Campaign content", {"campaigns"}),
    ("Pledge signatures", {"pledges"}),
    ("Letters", {"letters"}),
    ("Demonstrations", {"events"}),
    ("Brands and screening", {"brands"}),
    ("Campaign emails", {"mailings"}),
    ("Parliament data", {"parliament"}),
    ("Supporters", {"supporters"}),
    ("Data protection requests", {"rights"}),
    ("Organisers' accounts", {"auth", "staff"}),
    ("Audit log", {("core", "auditentry")}),
]
TECHNICAL = "Technical"
PLAIN_NAMES = {
    ("campaigns", "calltoaction"): "Call to Action",
    ("campaigns", "lettertemplate"): "Letters to write",
    ("campaigns", "engagementplan"): "Community engagement plan",
    ("events", "occurrence"): "Dates",
    ("events", "series"): "Events and their schedules",
    ("brands", "entitylist"): "Lists to screen against",
    ("brands", "screeninglink"): "Brands' screening links",
    ("brands", "screeningrun"): "Screening results",
    ("supporters", "person"): "Supporters who want to hear more",
    ("auth", "user"): "Organisers",
    ("auth", "group"): "Roles",
    ("core", "auditentry"): "Audit log",
    ("axes", "accessattempt"): "Locked-out sign-ins",
    ("axes", "accessfailurelog"): "Failed sign-ins",
    ("axes", "accesslog"): "Sign-in history",
    ("otp_totp", "totpdevice"): "Authenticator apps",
    ("django_tasks_database", "dbtaskresult"): "Background tasks",
    ("core", "outboundemail"): "Emails waiting to be sent",
    ("core", "suppressedaddress"): "Addresses no email goes to",
    ("mailings", "mailing"): "Campaign emails",
    ("rights", "datarequest"): "Register of requests",
}


class ConsoleAdminSite(OrganiserAdminSite):
    site_header = "Campaign console"
    site_title = "Campaign console"
    index_title = "Dashboard"
    index_template = "console/dashboard.html"

    def get_app_list(self, request, app_label=None):
        if app_label is not None:
            return super().get_app_list(request, app_label)
        models = [
            (app["app_label"], model)
            for app in super().get_app_list(request)
            for model in app["models"]
        ]
        sections = []
        for name, members in [*SECTIONS, (TECHNICAL, None)]:
            if name == TECHNICAL and not request.user.is_superuser:
                continue
            chosen = [model for app, model in models if _in(members, app, model)]
            for model in chosen:
                models.remove(next(pair for pair in models if pair[1] is model))
            if chosen:
                sections.append(_section(name, chosen))
        return sections

    def index(self, request, extra_context=None):
        context = {
            **self.each_context(request),
            "title": self.index_title,
            "subtitle": None,
            "app_list": self.get_app_list(request),
            "dashboard": dashboard_for(user=request.user),
            **(extra_context or {}),
        }
        request.current_app = self.name
        return TemplateResponse(request, self.index_template, context)

    def get_urls(self):
        chart_csv = self.admin_view(self.chart_csv_view)
        preview = self.admin_view(self.markdown_preview_view)
        return [
            path("dashboard/<slug:chart>.csv", chart_csv, name="console_chart_csv"),
            path("markdown-preview/", preview, name="markdown_preview"),
            *super().get_urls(),
        ]

    def chart_csv_view(self, request, chart):
        """A chart's numbers (counts, never people) as a spreadsheet."""
        if chart not in CHARTS:
            raise Http404("No such chart.")
        permission, build = CHARTS[chart]
        if not request.user.has_perm(permission):
            raise PermissionDenied
        figures = build(timezone.now())
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{chart}.csv"'
        writer = csv.writer(response)
        writer.writerow(figures.headings)
        writer.writerows(figures.rows)
        return response

    @method_decorator(require_POST)
    def markdown_preview_view(self, request):
        """Markdown as the public site shows it: the same renderer, the same sanitiser; for
        those who may change content, and never kept (each keystroke is a new draft)."""
        permissions = request.user.get_all_permissions()
        if not any(permission.startswith("campaigns.change_") for permission in permissions):
            raise PermissionDenied
        text = request.POST.get("text", "")
        if len(text) > MARKDOWN_PREVIEW_LIMIT:
            return HttpResponse("Too long to preview.", status=413, content_type="text/plain")
        response = HttpResponse(
            render_markdown_uncached(text), content_type="text/html; charset=utf-8"
        )
        response["Cache-Control"] = "no-store"
        return response


def _in(members, app: str, model: dict) -> bool:
    if members is None:  # the technical section takes whatever is left
        return True
    return app in members or (app, model["object_name"].lower()) in members


def _section(name: str, models: list[dict]) -> dict:
    slug = slugify(name)
    for model in models:
        key = (model["model"]._meta.app_label, model["model"]._meta.model_name)
        model["name"] = PLAIN_NAMES.get(key, model["name"])
    return {
        "name": name,
        "app_label": slug,
        "app_url": reverse("admin:index") + f"#section-{slug}",
        "has_module_perms": True,
        "models": models,
    }
