from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path

from actionhub.campaigns.models import Campaign
from actionhub.core.admin import ReadOnlyModelAdmin
from actionhub.core.audit import audit_record
from actionhub.letters.models import Letter
from actionhub.letters.reports import (
    hexmap_rows,
    letters_hexmap_areas,
    letters_report,
    signatures_hexmap_areas,
)
from actionhub.parliament.hexmap import hexmap_svg

REPORT_PERMISSION = "letters.view_letter_report"


@admin.register(Letter)
class LetterAdmin(ReadOnlyModelAdmin):
    """Letters hold their writers' personal data: the list shows none, and opening one is audited.

    There is deliberately no search: searching would be by name, email or address.
    """

    list_display = [
        "template", "mp_name", "mp_party", "constituency", "delivery", "status",
        "personal_share", "reply", "submitted_at", "sent_at",
    ]  # fmt: skip
    list_filter = ["status", "delivery", "reply", "template"]
    list_select_related = ["template", "constituency"]
    ordering = ["-submitted_at"]
    date_hierarchy = "submitted_at"
    change_list_template = "admin/letters/letter/change_list.html"
    exclude = ["confirmation_nonce"]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        response = super().changeform_view(request, object_id, form_url, extra_context)
        if object_id and response.status_code == 200:
            audit_record(
                action="letter.viewed", request=request, summary=f"Viewed letter {object_id}"
            )
        return response

    def has_report_permission(self, request) -> bool:
        return request.user.has_perm(REPORT_PERMISSION)

    def changelist_view(self, request, extra_context=None):
        context = {"can_view_report": self.has_report_permission(request), **(extra_context or {})}
        return super().changelist_view(request, context)

    def get_urls(self):
        report = self.admin_site.admin_view(self.report_view)
        return [path("report/", report, name="letters_letter_report"), *super().get_urls()]

    def report_view(self, request):
        if not self.has_report_permission(request):
            raise PermissionDenied
        campaigns = list(Campaign.objects.order_by("-is_default", "name"))
        chosen = request.GET.get("campaign")
        campaign = next((c for c in campaigns if c.slug == chosen), None)
        if campaign is None and campaigns:
            campaign = campaigns[0]
        context = {
            **self.admin_site.each_context(request),
            "title": f"Letters report: {campaign}" if campaign else "Letters report",
            "opts": self.model._meta,
            "campaigns": campaigns,
            "campaign": campaign,
        }
        if campaign is not None:
            context["report"] = letters_report(campaign)
            context["maps"] = [
                _map(
                    letters_hexmap_areas(campaign),
                    title=f"Letters to MPs per constituency: {campaign}",
                    value_label="letters",
                    caption="Letters written to MPs, by the writer’s constituency.",
                ),
                _map(
                    signatures_hexmap_areas(campaign),
                    title=f"Pledge signatures per constituency: {campaign}",
                    value_label="signatures",
                    caption=(
                        "Confirmed signatures of the campaign’s pledges, by the signer’s "
                        "constituency, from the counts a periodic task refreshes."
                    ),
                ),
            ]
        return TemplateResponse(request, "admin/letters/letter/report.html", context)


def _map(areas, *, title: str, value_label: str, caption: str) -> dict:
    return {
        "svg": hexmap_svg(areas, title=title, value_label=value_label),
        "caption": caption,
        "value_label": value_label,
        "rows": hexmap_rows(areas),
    }
