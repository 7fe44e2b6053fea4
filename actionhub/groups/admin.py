"""Community groups in the console: approve or decline registrations and events, see totals,
remove a group. Each operation is a confirmation page, then the service, which checks the
permission and writes the audit entry."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from actionhub.core.admin import AuditedModelAdmin
from actionhub.core.responses import see_other
from actionhub.groups.models import EventProposal, Group, Leader
from actionhub.groups.selectors import ACTIONS, groups_totals
from actionhub.groups.services import (
    event_approve,
    event_can_be_decided,
    event_decline,
    group_approve,
    group_decline,
    group_remove,
)
from actionhub.pledges.models import Signature

APPROVE = "groups.approve_group"


@dataclass(frozen=True)
class Operation:
    run: Callable  # (actor, obj, request)
    button: str
    done: str
    explain: Callable  # obj -> list of paragraphs
    dangerous: bool = True
    deletes: bool = False


class OperationsAdmin(AuditedModelAdmin):
    """Adds `operations` to a model's console page, each offered where `offered` allows it."""

    operations: dict[str, Operation] = {}

    def offered(self, obj) -> list[str]:
        """The operations open for `obj` as it stands; each admin names its own."""
        return []

    def _offered(self, request, obj) -> list[str]:
        return self.offered(obj) if request.user.has_perm(APPROVE) else []

    def _url(self, name: str, *args) -> str:
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{name}", args=args)

    def operation_links(self, request, obj) -> list[tuple[str, str]]:
        return [(self._url(name, obj.pk), self.operations[name].button)
                for name in self._offered(request, obj)]  # fmt: skip

    def get_urls(self):
        view = self.admin_site.admin_view(self.operation_view)
        opts = self.model._meta
        return [
            *(path(f"<int:pk>/{name}/", view, {"operation": name},
                   name=f"{opts.app_label}_{opts.model_name}_{name}")
              for name in self.operations),
            *super().get_urls(),
        ]  # fmt: skip

    def operation_view(self, request, pk, operation):
        obj = get_object_or_404(self.model, pk=pk)
        if operation not in self._offered(request, obj):
            raise PermissionDenied
        chosen = self.operations[operation]
        change_url = self._url("change", obj.pk)
        if request.method == "POST" and request.POST.get("confirm"):
            try:
                chosen.run(request.user, obj, request)
            except ValidationError as problem:
                self.message_user(request, " ".join(problem.messages), messages.ERROR)
                return see_other(change_url)
            self.message_user(request, chosen.done, messages.SUCCESS)
            return see_other(self._url("changelist") if chosen.deletes else change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": f"{chosen.button} “{obj}”", "opts": self.model._meta,
            "explanation": chosen.explain(obj), "form": None, "hidden": [],
            "form_action": request.get_full_path(), "button": chosen.button,
            "dangerous": chosen.dangerous, "back_url": change_url, "back_label": str(obj),
            "back_text": "Go back without changing anything", "body_class": "app-groups",
        }  # fmt: skip
        return TemplateResponse(request, "admin/confirm.html", context)


class LeaderInline(admin.TabularInline):
    model = Leader
    fields = ["person", "role", "confirmed_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


def _explain_approve(group: Group) -> list[str]:
    return [
        f"{group.name} ({group.get_kind_display().lower()}, {group.area}), code {group.code}.",
        "Once approved, its leaders are emailed the private link to its page, and it is listed "
        "on the groups page if it chose to be.",
    ]


def _explain_decline(group: Group) -> list[str]:
    return ["The registration and its leader’s details are deleted, and the leader is told by "
            "email. Its code is free again."]  # fmt: skip


def _explain_remove(group: Group) -> list[str]:
    return [
        "Its page closes, it leaves the list, and its leaders are told by email; their details "
        "are then deleted.",
        f"Signatures, letters and RSVPs that came through its code ({group.code}) are kept and "
        "still count, as a removed group. Its short link still works.",
    ]


@admin.register(Group)
class GroupAdmin(OperationsAdmin):
    list_display = ["name", "kind", "area", "code", "status_shown"]
    list_filter = ["status", "kind", "listed"]
    search_fields = ["name", "area", "code"]
    fields = ["name", "kind", "area", "code", "status", "listed", "show_totals",
              "confirmed_at", "approved_at", "approved_by", "removed_at"]  # fmt: skip
    # The group's words and choices are its leaders' own (an organiser listing a group that
    # chose not to be listed would out it): the console shows them and changes none.
    readonly_fields = fields
    inlines = [LeaderInline]
    change_form_template = "admin/groups/change_form.html"
    change_list_template = "admin/groups/group/change_list.html"
    operations = {
        "approve": Operation(
            run=lambda actor, group, request: group_approve(
                actor=actor, group=group, request=request),
            button="Approve the group", done="Approved: its leaders have been emailed their link.",
            explain=_explain_approve, dangerous=False,
        ),
        "decline": Operation(
            run=lambda actor, group, request: group_decline(
                actor=actor, group=group, request=request),
            button="Decline the group", done="Declined: the registration is deleted.",
            explain=_explain_decline, deletes=True,
        ),
        "remove": Operation(
            run=lambda actor, group, request: group_remove(
                actor=actor, group=group, request=request),
            button="Remove the group", done="Removed: its code still counts, as a removed group.",
            explain=_explain_remove,
        ),
    }  # fmt: skip

    def offered(self, group) -> list[str]:
        return {
            Group.Status.UNCONFIRMED: ["decline"],
            Group.Status.AWAITING_APPROVAL: ["approve", "decline"],
            Group.Status.APPROVED: ["remove"],
        }.get(group.status, [])

    def has_add_permission(self, request):
        return False  # groups register themselves, and confirm by email

    def changelist_view(self, request, extra_context=None):
        """News for group leaders is a campaign email with its own audience."""
        can_email = request.user.has_perm("mailings.add_mailing")
        context = {"can_email_leaders": can_email, **(extra_context or {})}
        return super().changelist_view(request, context)

    def has_delete_permission(self, request, obj=None):
        return False  # removing keeps the group's code counting: see "Remove"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("campaign")

    @admin.display(description="Status", ordering="status")
    def status_shown(self, group):
        if group.status == Group.Status.REMOVED:
            return "Removed group"
        return group.get_status_display()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        group = self.get_object(request, object_id)
        extra = {}
        if group is not None:
            totals = groups_totals([group])[group.pk]
            extra = {
                "totals": [(ACTIONS[action], count) for action, count in totals.items()],
                "totals_heading": f"Through its code, {group.code}",
                "claimed_before": Signature.objects.filter(
                    pledge__campaign=group.campaign,
                    source=group.code,
                    status=Signature.Status.CONFIRMED,
                    confirmed_at__lt=group.created_at,
                ).count(),
                "operations": self.operation_links(request, group),
            }
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})


def _explain_event(proposal: EventProposal) -> list[str]:
    return [
        f"{proposal.group.name} proposes {proposal.get_kind_display().lower()}, "
        f"“{proposal.title}”, on {proposal.date:%A %-d %B %Y} at {proposal.start_time:%H:%M}, "
        f"at {proposal.venue_name}, {proposal.street}, {proposal.town} {proposal.postcode}.",
        proposal.summary,
        "Once approved, it has its own page on the site and takes RSVPs, and the group’s "
        "leaders are emailed its link.",
    ]


@admin.register(EventProposal)
class EventProposalAdmin(OperationsAdmin):
    list_display = ["title", "group", "date", "status"]
    list_filter = ["status"]
    fields = ["group", "kind", "title", "summary", "date", "start_time", "duration_minutes",
              "venue_name", "street", "town", "postcode", "capacity", "accessibility", "status",
              "series", "decided_at", "decided_by"]  # fmt: skip
    readonly_fields = fields
    change_form_template = "admin/groups/change_form.html"
    operations = {
        "approve": Operation(
            run=lambda actor, proposal, request: event_approve(
                actor=actor, proposal=proposal, request=request),
            button="Approve the event", done="Approved: it takes RSVPs on its own page.",
            explain=_explain_event, dangerous=False,
        ),
        "decline": Operation(
            run=lambda actor, proposal, request: event_decline(
                actor=actor, proposal=proposal, request=request),
            button="Do not approve", done="Not approved: the group’s leaders have been told.",
            explain=lambda proposal: ["The group’s leaders are told by email."],
        ),
    }  # fmt: skip

    def offered(self, proposal) -> list[str]:
        if not event_can_be_decided(proposal):
            return []
        if proposal.date <= timezone.localdate():
            return ["decline"]  # too late to approve; turning it down tells the group
        return ["approve", "decline"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        proposal = self.get_object(request, object_id)
        extra = {"operations": self.operation_links(request, proposal)} if proposal else {}
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})
