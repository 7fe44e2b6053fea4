from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from actionhub.campaigns.models import Pledge
from actionhub.core.admin import ReadOnlyModelAdmin
from actionhub.core.audit import audit_record, search_fingerprint
from actionhub.core.text import counted
from actionhub.pledges.models import Signature
from actionhub.pledges.operations import (
    signatures_export_csv,
    signatures_invalidate,
    signatures_release,
    signatures_report,
)


class SourceFilter(admin.SimpleListFilter):
    title = "source code"
    parameter_name = "source"

    def lookups(self, request, model_admin):
        sources = Signature.objects.values_list("source", flat=True).distinct().order_by("source")
        return [(source or "-", source or "(no source)") for source in sources]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        return queryset.filter(source="" if self.value() == "-" else self.value())


PERSONAL_COLUMNS = {"signer", "email", "postcode"}


@admin.register(Signature)
class SignatureAdmin(ReadOnlyModelAdmin):
    """Signatures are personal data. Without "Can see signers' names, email addresses and
    postcodes" the list shows only counts' worth (status, source, constituency, dates), with no
    search and no single signature; with it, every list, search, view and export is audited."""

    list_display = [
        "signer", "email", "status", "source", "postcode", "constituency", "created_at",
        "confirmed_at",
    ]  # fmt: skip
    list_filter = [
        "status",
        SourceFilter,
        ("constituency", admin.RelatedOnlyFieldListFilter),
        "pledge",
        ("created_at", admin.DateFieldListFilter),
    ]
    search_fields = ["email_normalised", "person__email", "=ip_address"]
    search_help_text = (
        "Search by email address, by @domain for one email domain, or by an exact IP address."
    )
    list_select_related = ["person", "constituency"]
    date_hierarchy = "created_at"
    actions = ["export_csv", "invalidate", "release"]
    change_list_template = "admin/pledges/signature/change_list.html"
    exclude = ["confirmation_nonce"]

    @admin.display(description="Signer")
    def signer(self, signature):
        return " ".join(filter(None, [signature.first_name, signature.last_name]))

    @admin.display(description="Email", ordering="email_normalised")
    def email(self, signature):
        return signature.person.email

    def can_see_details(self, request) -> bool:
        return request.user.has_perm("pledges.view_signer_details")

    def get_list_display(self, request):
        if self.can_see_details(request):
            return self.list_display
        return [column for column in self.list_display if column not in PERSONAL_COLUMNS]

    def get_list_display_links(self, request, list_display):
        if not self.can_see_details(request):
            return None  # no signature to open
        return super().get_list_display_links(request, list_display)

    def get_search_fields(self, request):
        return self.search_fields if self.can_see_details(request) else []

    def changelist_view(self, request, extra_context=None):
        if self.can_see_details(request) and request.method == "GET":
            filters = request.GET.copy()
            filters.pop("q", None)  # a search is logged on its own, as a fingerprint
            audit_record(
                action="signatures.listed", request=request,
                summary=f"Listed signers' details with {filters.urlencode() or 'no filters'}",
            )  # fmt: skip
        return super().changelist_view(request, extra_context)

    def has_export_permission(self, request):
        return self.can_see_details(request) and request.user.has_perm("pledges.export_signature")

    def has_invalidate_permission(self, request):
        return request.user.has_perm("pledges.invalidate_signature")

    def get_search_results(self, request, queryset, search_term):
        if not self.can_see_details(request):
            return queryset, False  # searching is by email address: not without the permission
        if search_term:
            # The log must outlive an erasure without keeping the address searched for: it keeps
            # a keyed fingerprint, which shows whether a given address was searched, not which.
            audit_record(
                action="signatures.searched",
                request=request,
                summary=f"Searched signatures (term fingerprint {search_fingerprint(search_term)})",
            )
        if search_term.startswith("@"):
            domain = search_term[1:].strip().casefold()
            return queryset.filter(email_normalised__endswith="@" + domain), False
        return super().get_search_results(request, queryset, search_term)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if object_id and not self.can_see_details(request):
            raise PermissionDenied
        if object_id:
            audit_record(
                action="signature.viewed",
                request=request,
                summary=f"Viewed signature {object_id}",
            )
        return super().changeform_view(request, object_id, form_url, extra_context)

    @admin.action(
        description="Export the confirmed signers among those selected (CSV)",
        permissions=["export"],
    )
    def export_csv(self, request, queryset):
        rows = signatures_export_csv(actor=request.user, signatures=queryset, request=request)
        response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="signers-{stamp}.csv"'
        return response

    @admin.action(
        description="Invalidate the selected signatures (they leave the count)",
        permissions=["invalidate"],
    )
    def invalidate(self, request, queryset):
        filters = request.GET.copy()
        filters.pop("q", None)  # a search term may be an email address: it stays out of the log
        changed = signatures_invalidate(
            actor=request.user,
            signatures=queryset,
            reason=f"selected in the admin with {filters.urlencode() or 'no filters'}",
        )
        message = f"{counted(changed, 'signature')} invalidated."
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(
        description="Release the selected quarantined signatures (send confirmation)",
        permissions=["invalidate"],
    )
    def release(self, request, queryset):
        released = signatures_release(actor=request.user, signatures=queryset)
        self.message_user(request, f"{counted(released, 'signature')} released.", messages.SUCCESS)

    def get_urls(self):
        report = self.admin_site.admin_view(self.report_view)
        return [path("report/", report, name="pledges_signature_report"), *super().get_urls()]

    def report_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        reports = [(pledge, signatures_report(pledge=pledge)) for pledge in Pledge.objects.all()]
        context = {
            **self.admin_site.each_context(request),
            "title": "Signatures by source and by day",
            "reports": reports,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/pledges/signature/report.html", context)
