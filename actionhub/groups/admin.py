"""Community groups in the console: approve or decline registrations, see totals, remove."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from actionhub.core.admin import AuditedModelAdmin
from actionhub.groups.models import Group, Leader
from actionhub.groups.selectors import ACTIONS, groups_totals
from actionhub.groups.services import group_approve, group_decline, group_remove
from actionhub.pledges.models import Signature

OPERATIONS = {
    "approve": (group_approve, "Approve", "Approved: its leaders have been emailed their link."),
    "decline": (group_decline, "Decline", "Declined: the registration is deleted."),
    "remove": (group_remove, "Remove", "Removed: its code still counts, as a removed group."),
}


class LeaderInline(admin.TabularInline):
    model = Leader
    fields = ["person", "role", "confirmed_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Group)
class GroupAdmin(AuditedModelAdmin):
    list_display = ["name", "kind", "area", "code", "status_shown", "actions_total"]
    list_filter = ["status", "kind", "listed"]
    search_fields = ["name", "area", "code"]
    fields = ["name", "kind", "area", "code", "status", "listed", "show_totals",
              "confirmed_at", "approved_at", "approved_by", "removed_at"]  # fmt: skip
    readonly_fields = ["code", "status", "confirmed_at", "approved_at", "approved_by",
                       "removed_at"]  # fmt: skip
    inlines = [LeaderInline]
    change_form_template = "admin/groups/group/change_form.html"

    def has_add_permission(self, request):
        return False  # groups register themselves, and confirm by email

    def has_delete_permission(self, request, obj=None):
        return False  # removing keeps the group's code counting: see "Remove"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("campaign")

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if hasattr(response, "context_data") and "cl" in response.context_data:
            self._totals = groups_totals(response.context_data["cl"].result_list)
        return response

    @admin.display(description="Status", ordering="status")
    def status_shown(self, group):
        return (
            "Removed group" if group.status == Group.Status.REMOVED else group.get_status_display()
        )

    @admin.display(description="Actions taken through it")
    def actions_total(self, group):
        totals = getattr(self, "_totals", {}).get(group.pk) or groups_totals([group])[group.pk]
        return sum(totals.values())

    def change_view(self, request, object_id, form_url="", extra_context=None):
        group = self.get_object(request, object_id)
        extra = {}
        if group is not None:
            totals = groups_totals([group])[group.pk]
            extra = {
                "totals": [(ACTIONS[action], count) for action, count in totals.items()],
                "claimed_before": Signature.objects.filter(
                    source=group.code, confirmed_at__lt=group.created_at
                ).count(),
                "operations": [
                    (reverse(f"admin:groups_group_{name}", args=[group.pk]), label)
                    for name, label in self._operations_for(request, group)
                ],
            }
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def _operations_for(self, request, group) -> list[tuple[str, str]]:
        if not request.user.has_perm("groups.approve_group"):
            return []
        names = {
            Group.Status.UNCONFIRMED: ["decline"],
            Group.Status.AWAITING_APPROVAL: ["approve", "decline"],
            Group.Status.APPROVED: ["remove"],
        }.get(group.status, [])
        return [(name, OPERATIONS[name][1]) for name in names]

    def get_urls(self):
        view = self.admin_site.admin_view(self.operation_view)
        return [
            *(path(f"<int:pk>/{name}/", view, {"operation": name},
                   name=f"groups_group_{name}") for name in OPERATIONS),
            *super().get_urls(),
        ]  # fmt: skip

    def operation_view(self, request, pk, operation):
        group = get_object_or_404(Group, pk=pk)
        if operation not in dict(self._operations_for(request, group)):
            raise PermissionDenied
        function, button, done = OPERATIONS[operation]
        change_url = reverse("admin:groups_group_change", args=[group.pk])
        if request.method == "POST" and request.POST.get("confirm"):
            function(actor=request.user, group=group, request=request)
            self.message_user(request, done, messages.SUCCESS)
            after = (
                change_url if operation != "decline" else reverse("admin:groups_group_changelist")
            )
            response = HttpResponseRedirect(after)
            response.status_code = 303
            return response
        context = {
            **self.admin_site.each_context(request),
            "title": f"{button} “{group.name}”",
            "opts": self.model._meta,
            "explanation": _explanation(operation, group),
            "form": None, "hidden": [], "form_action": request.get_full_path(),
            "button": f"{button} the group", "dangerous": operation != "approve",
            "back_url": change_url, "back_label": group.name,
            "back_text": "Go back without changing anything", "body_class": "app-groups",
        }  # fmt: skip
        return TemplateResponse(request, "admin/confirm.html", context)


def _explanation(operation: str, group: Group) -> list[str]:
    if operation == "approve":
        return [
            f"{group.name} ({group.get_kind_display().lower()}, {group.area}), code {group.code}.",
            "Once approved, its leaders are emailed the private link to its page, and it is "
            "listed on the groups page if it chose to be.",
        ]
    if operation == "decline":
        return [
            "The registration and its leader’s details are deleted, and the leader is told "
            "by email. Its code is free again.",
        ]
    return [
        "Its page closes, it leaves the list, and its leaders are told by email; their details "
        "are then deleted.",
        f"Signatures, letters and RSVPs that came through its code ({group.code}) are kept and "
        "still count, as a removed group.",
    ]
