"""The campaign's demonstration in the console: one plain form for its words, place, access
and weekly time, and a preview of what changes for the coming dates before it is saved."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from actionhub.campaigns.admin import OnePerCampaignAdmin, markdown_widget_attrs
from actionhub.campaigns.models import Demonstration
from actionhub.events.forms import DemonstrationForm
from actionhub.events.models import Series
from actionhub.events.operations import ScheduleChanged, schedule_apply, schedule_plan

TEMPLATES = "admin/campaigns/demonstration/"


@admin.register(Demonstration)
class DemonstrationAdmin(OnePerCampaignAdmin):
    list_display = ["title", "campaign", "start_time", "timezone"]

    def has_add_permission(self, request):
        return False  # one per campaign, made by the campaign pack

    def change_view(self, request, object_id, form_url="", extra_context=None):
        demonstration = self.get_object(request, object_id)
        if demonstration is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, demonstration):
            raise PermissionDenied
        series = Series.objects.filter(demonstration=demonstration).first()
        can_change = self.has_change_permission(request, demonstration)
        if request.method != "POST" or not can_change:
            form = DemonstrationForm(demonstration=demonstration, series=series)
            return self._page(request, demonstration, form, can_change=can_change)
        form = DemonstrationForm(request.POST, demonstration=demonstration, series=series)
        if not form.is_valid() or "edit" in request.POST:
            return self._page(request, demonstration, form, status=400 if form.errors else 200)
        values = form.values()
        if "confirm" not in request.POST:
            plan = schedule_plan(demonstration=demonstration, values=values)
            if not plan.changed_fields:
                messages.info(request, "Nothing was changed.")
                return self._back(demonstration)
            if plan.changes:
                return self._preview(request, demonstration, form, plan)
        try:
            plan = schedule_apply(
                demonstration=demonstration, values=values, user=request.user, request=request,
                seen=request.POST.get("seen") if "confirm" in request.POST else None,
            )  # fmt: skip
        except ScheduleChanged as changed:
            messages.warning(
                request,
                "The dates’ changes are not the same as a moment ago (someone replied, or the "
                "demonstration was changed meanwhile). Check them again.",
            )
            return self._preview(request, demonstration, form, changed.plan)
        emailed = plan.people_told
        told = f" {emailed} {'person was' if emailed == 1 else 'people were'} emailed."
        messages.success(request, f"The demonstration is saved.{told if emailed else ''}")
        return self._back(demonstration)

    def _context(self, request, demonstration, **context):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": demonstration,
            "title": f"Change the demonstration: {demonstration}",
            **context,
        }

    def _page(self, request, demonstration, form, *, can_change=True, status=200):
        for name in ("description", "safety"):
            form.fields[name].widget.attrs.update(markdown_widget_attrs())
        if not can_change:
            for field in form.fields.values():
                field.disabled = True
        context = self._context(request, demonstration, form=form, can_change=can_change)
        return TemplateResponse(request, TEMPLATES + "form.html", context, status=status)

    def _preview(self, request, demonstration, form, plan):
        context = self._context(
            request, demonstration, form=form, plan=plan, counts=plan.counts(),
            title=f"Check the changes: {demonstration}",
        )  # fmt: skip
        return TemplateResponse(request, TEMPLATES + "preview.html", context)

    @staticmethod
    def _back(demonstration):
        response = redirect("admin:campaigns_demonstration_change", demonstration.pk)
        response.status_code = 303
        return response
