import json

from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.db import models

from actionhub.core.audit import audit_record
from actionhub.core.email import suppressions_of
from actionhub.core.models import AuditEntry, OutboundEmail, SuppressedAddress


class AuditedModelAdmin(admin.ModelAdmin):
    """A ModelAdmin whose every addition, change and deletion is written to the audit log."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def log_addition(self, request, obj, message):
        audit_record(action="content.added", obj=obj, summary=str(obj), request=request)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        audit_record(
            action="content.changed",
            obj=obj,
            summary=f"{obj}: {describe_change(message)}",
            request=request,
        )
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            audit_record(action="content.deleted", obj=obj, summary=str(obj), request=request)
        return super().log_deletions(request, queryset)


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """Records to look at, never to add, edit or delete by hand (actions may still act)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def describe_change(message) -> str:
    """The admin's own words for a change, inline rows included ("Changed Text for demand ...")."""
    entry = LogEntry(change_message=message if isinstance(message, str) else json.dumps(message))
    return entry.get_change_message() or "No fields changed."


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    """What is waiting or failed, and why: never the message itself, which holds personal data
    and links that act for the recipient."""

    list_display = ["created_at", "subject", "status"]
    list_filter = ["status"]
    fields = ["created_at", "updated_at", "subject", "status", "last_error"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SuppressedAddress)
class SuppressedAddressAdmin(AuditedModelAdmin):
    """Addresses that bounced for good or reported us as spam. Deleting one lets email go to it
    again (someone whose mailbox works again asked for it)."""

    list_display = ["address_shown", "reason", "created_at"]
    list_filter = ["reason"]
    search_fields = ["=address"]
    fields = ["address_shown", "reason", "detail", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    @admin.display(description="Address", ordering="address")
    def address_shown(self, obj):
        return obj.address or "(erased: kept as a keyed hash)"

    def get_search_results(self, request, queryset, search_term):
        """An address as typed, however capitalised, finds its entry, erased ones too (by the
        keyed hash of what was typed)."""
        found, duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            found |= queryset.filter(pk__in=suppressions_of([search_term]).values("pk"))
        return found, duplicates


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyModelAdmin):
    list_display = ["at", "actor_label", "action", "object_type", "object_id", "summary"]
    list_filter = ["action"]
    search_fields = ["actor_label", "action", "summary", "object_id"]
    date_hierarchy = "at"
