from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

from actionhub.campaigns.models import Pledge
from actionhub.core.admin import ReadOnlyModelAdmin
from actionhub.core.audit import audit_record, search_fingerprint
from actionhub.core.responses import see_other
from actionhub.core.text import counted
from actionhub.pledges.forms import ReasonForm
from actionhub.pledges.models import ExportRequest, InvalidationBatch, Signature
from actionhub.pledges.operations import (
    EXPORT,
    ApprovalNeeded,
    export_needs_approval,
    export_request_create,
    export_request_decide,
    export_request_download,
    exported_lately,
    invalidation_batch_restore,
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


def _chosen(request) -> str:
    """Which signatures an action was run on, for the audit log: the list's filters, and
    whether every matching signature or only the ticked ones. A search term may be an email
    address, so it stays out."""
    filters = request.GET.copy()
    filters.pop("q", None)
    which = "every one matching" if request.POST.get("select_across") == "1" else "those ticked"
    return f"{which}, with {filters.urlencode() or 'no filters'}"


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

    def lookup_allowed(self, lookup, value, request=None):
        """Without the details permission, only the list's own filters: a filter typed into the
        address (?email_normalised=..., ?first_name=...) would say whether someone signed."""
        if request is not None and not self.can_see_details(request):
            field = lookup.split("__")[0]
            allowed = {"status", "source", "constituency", "pledge", "created_at", "confirmed_at"}
            return field in allowed and super().lookup_allowed(lookup, value, request)
        return super().lookup_allowed(lookup, value, request)

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

    def _confirm_page(self, request, queryset, *, action, form, title, explanation, button,
                      dangerous=False, back_text=""):  # fmt: skip
        """The page between choosing an action and doing it: it asks for the reason."""
        # "Select all" sends the ticks on the page too: the admin needs both to act on all.
        select_across = int(request.POST.get("select_across") == "1")
        selected = request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME)
        hidden = [("action", action), ("index", "0"), ("select_across", select_across)]
        hidden += [(admin.helpers.ACTION_CHECKBOX_NAME, pk) for pk in selected]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "explanation": explanation,
            "form": form,
            "hidden": hidden,
            "form_action": request.get_full_path(),
            "button": button,
            "dangerous": dangerous,
            "back_url": request.get_full_path(),
            "back_label": "Signatures",
            "back_text": back_text,
        }
        status = 400 if form.errors else 200
        return TemplateResponse(request, "admin/confirm.html", context, status=status)

    @admin.action(
        description="Export the confirmed signers among those selected (CSV)",
        permissions=["export"],
    )
    def export_csv(self, request, queryset):
        count = queryset.filter(status=Signature.Status.CONFIRMED).count()
        form = ReasonForm(
            request.POST if request.POST.get("confirm") else None,
            label="Why you need this export",
            help_text="For example: to send the signatures to the MP's office. It is kept in the "
            "audit log with your name and the number of people.",
        )
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            try:
                rows = signatures_export_csv(
                    actor=request.user, signatures=queryset, reason=reason,
                    described=_chosen(request), request=request,
                )  # fmt: skip
            except ApprovalNeeded:
                export_request = export_request_create(
                    actor=request.user, signatures=queryset, reason=reason, request=request
                )
                self.message_user(
                    request,
                    f"Another organiser must approve the export of {counted(count, 'signer')}. "
                    "Once they have, download it from Exports of signers, within "
                    "24 hours.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:pledges_exportrequest_change", args=[export_request.pk])
                )
            response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
            stamp = timezone.now().strftime("%Y%m%d-%H%M")
            response["Content-Disposition"] = f'attachment; filename="signers-{stamp}.csv"'
            return response
        explanation = [
            f"This exports {counted(count, 'confirmed signer')}: their names, email addresses "
            "and postcodes. Signing reveals a political opinion: keep the file safe and delete "
            "it when it has done its job."
        ]
        needs_approval = export_needs_approval(count=count, actor=request.user)
        if needs_approval:
            lately = exported_lately(request.user)
            before = (f"With the {counted(lately, 'signer')} you exported in the last 24 hours, "
                      "it is" if lately else "It is")  # fmt: skip
            explanation.append(
                f"{before} more than {settings.EXPORT_APPROVAL_ABOVE} people, so another "
                "organiser must approve it before you can download it."
            )
        return self._confirm_page(
            request, queryset, action="export_csv", form=form, explanation=explanation,
            title=f"Export {counted(count, 'signer')}",
            button="Ask for approval" if needs_approval else "Export",
            back_text="Go back without exporting",
        )  # fmt: skip

    @admin.action(
        description="Invalidate the selected signatures (they leave the count)",
        permissions=["invalidate"],
    )
    def invalidate(self, request, queryset):
        count = queryset.exclude(status=Signature.Status.INVALIDATED).count()
        form = ReasonForm(
            request.POST if request.POST.get("confirm") else None,
            label="Why they are taken out of the count",
            help_text="For example: 200 sign-ups from one address in a minute. It is kept in the "
            "audit log.",
        )
        if form.is_valid():
            batch = signatures_invalidate(
                actor=request.user,
                signatures=queryset,
                reason=form.cleaned_data["reason"]
                + f" (selected in the console: {_chosen(request)})",
                request=request,
            )
            self.message_user(
                request,
                f"{counted(batch.changed, 'signature')} taken out of the count. To put them "
                "back, restore them under Signatures taken out of the count.",
                messages.SUCCESS,
            )
            return None
        return self._confirm_page(
            request, queryset, action="invalidate", form=form,
            title=f"Take {counted(count, 'signature')} out of the count",
            explanation=[
                f"{counted(count, 'signature')} will leave the public count. They are kept, "
                "marked invalidated, and you can put them back later."
            ],
            button=f"Take {counted(count, 'signature')} out of the count",
            dangerous=True,
        )  # fmt: skip

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


@admin.register(InvalidationBatch)
class InvalidationBatchAdmin(ReadOnlyModelAdmin):
    """Each time signatures were taken out of the count, with why; each can be put back."""

    list_display = ["created_at", "actor_label", "reason", "signatures", "state", "restore_link"]
    list_display_links = None
    fields = ["created_at", "actor_label", "reason", "restored_at", "restored_by"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(signature_count=Count("items"))

    @admin.display(description="Signatures", ordering="signature_count")
    def signatures(self, batch):
        return f"{batch.signature_count:,}"

    @admin.display(description="State")
    def state(self, batch):
        if batch.restored_at is None:
            return "Out of the count"
        return f"Restored {date_format(timezone.localtime(batch.restored_at), 'j F Y, H:i')}"

    @admin.display(description="Put back")
    def restore_link(self, batch):
        if batch.restored_at is not None:
            return "–"
        url = reverse("admin:pledges_invalidationbatch_restore", args=[batch.pk])
        return format_html(
            '<a href="{}">Restore<span class="visually-hidden"> the signatures taken out '
            "on {}</span></a>",
            url, date_format(timezone.localtime(batch.created_at), "j F Y, H:i"),
        )  # fmt: skip

    def get_urls(self):
        restore = self.admin_site.admin_view(self.restore_view)
        return [
            path("<int:pk>/restore/", restore, name="pledges_invalidationbatch_restore"),
            *super().get_urls(),
        ]

    def restore_view(self, request, pk):
        if not request.user.has_perm("pledges.invalidate_signature"):
            raise PermissionDenied
        batch = get_object_or_404(InvalidationBatch, pk=pk)
        changelist = reverse("admin:pledges_invalidationbatch_changelist")
        if batch.restored_at is not None:
            self.message_user(request, "These signatures have already been put back.")
            return see_other(changelist)
        if request.method == "POST" and request.POST.get("confirm"):
            try:
                restored = invalidation_batch_restore(
                    actor=request.user, batch=batch, request=request
                )
            except ValidationError as problem:  # put back meanwhile, from another tab
                self.message_user(request, " ".join(problem.messages), messages.WARNING)
            else:
                self.message_user(
                    request, f"{counted(restored, 'signature')} put back.", messages.SUCCESS
                )
            return see_other(changelist)
        waiting = batch.items.filter(signature__status=Signature.Status.INVALIDATED).count()
        taken = date_format(timezone.localtime(batch.created_at), "j F Y, H:i")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Put back {counted(waiting, 'signature')}",
            "explanation": [
                f"Taken out of the count on {taken} by {batch.actor_label or 'a command'}, "
                f"because: {batch.reason}",
                f"{counted(waiting, 'signature')} will go back to what they were before (those "
                "confirmed count again). Any changed since are left as they are.",
            ],
            "form": None,
            "hidden": [],
            "form_action": request.get_full_path(),
            "button": f"Put back {counted(waiting, 'signature')}",
            "back_url": changelist,
            "back_label": "Signatures taken out of the count",
        }
        return TemplateResponse(request, "admin/confirm.html", context)


@admin.register(ExportRequest)
class ExportRequestAdmin(ReadOnlyModelAdmin):
    """Large exports of signers: a second organiser approves, then the one who asked downloads."""

    list_display = ["created_at", "requester", "reason", "count", "status_now"]
    list_display_links = None
    fields = ["created_at", "requester", "reason", "count", "status", "approver", "decided_at",
              "downloaded_at", "expires_at"]  # fmt: skip

    @admin.display(description="Status")
    def status_now(self, export_request):
        if export_request.expires_at <= timezone.now() and export_request.status in OPEN:
            return "Expired"
        return export_request.get_status_display()

    def get_list_display(self, request):
        @admin.display(description="Next step")
        def next_step(export_request):
            return _next_step(request.user, export_request)

        return [*self.list_display, next_step]

    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(function)

        return [
            path("<int:pk>/decide/", view(self.decide_view), name="pledges_exportrequest_decide"),
            path("<int:pk>/download/", view(self.download_view),
                 name="pledges_exportrequest_download"),
            *super().get_urls(),
        ]  # fmt: skip

    def decide_view(self, request, pk):
        export_request = get_object_or_404(ExportRequest, pk=pk)
        if not _may_decide(request.user, export_request):
            raise PermissionDenied
        changelist = reverse("admin:pledges_exportrequest_changelist")
        decision = request.POST.get("decision")
        if request.method == "POST" and decision in {"approve", "refuse"}:
            approve = decision == "approve"
            try:
                export_request_decide(
                    actor=request.user, export_request=export_request, approve=approve,
                    request=request,
                )  # fmt: skip
            except ValidationError as problem:
                self.message_user(request, " ".join(problem.messages), messages.WARNING)
            else:
                verb = "approved" if approve else "refused"
                self.message_user(request, f"Export {verb}.", messages.SUCCESS)
            return see_other(changelist)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Approve or refuse an export of {counted(export_request.count, 'signer')}",
            "export_request": export_request,
            "back_url": changelist,
        }
        return TemplateResponse(request, "admin/pledges/exportrequest/decide.html", context)

    def download_view(self, request, pk):
        export_request = get_object_or_404(ExportRequest, pk=pk)
        if not request.user.has_perm(EXPORT) or request.user.pk != export_request.requester_id:
            raise PermissionDenied
        changelist = reverse("admin:pledges_exportrequest_changelist")
        ready = (export_request.status == ExportRequest.Status.APPROVED
                 and export_request.expires_at > timezone.now())  # fmt: skip
        if not ready:
            self.message_user(
                request,
                f"This export cannot be downloaded now: {self.status_now(export_request).lower()}.",
                messages.WARNING,
            )
            return see_other(changelist)
        if not (request.method == "POST" and request.POST.get("confirm")):
            context = {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": f"Download the export of {counted(export_request.count, 'signer')}",
                "explanation": [
                    f"Approved by {export_request.approver}. You can download it once, until "
                    f"{date_format(timezone.localtime(export_request.expires_at), 'j F Y, H:i')}.",
                    "Keep the file safe and delete it when it has done its job.",
                ],
                "form": None,
                "hidden": [],
                "form_action": request.get_full_path(),
                "button": "Download the file",
                "back_url": changelist,
                "back_label": "Exports of signers",
                "back_text": "Go back without downloading",
            }
            return TemplateResponse(request, "admin/confirm.html", context)
        try:
            rows = export_request_download(
                actor=request.user, export_request=export_request, request=request
            )
        except ValidationError as problem:
            self.message_user(request, " ".join(problem.messages), messages.WARNING)
            return see_other(changelist)
        response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="signers-{stamp}.csv"'
        return response


OPEN = {ExportRequest.Status.PENDING, ExportRequest.Status.APPROVED}


def _next_step(user, export_request):
    """What this organiser can do with the request now: a link, or what it waits for."""
    if export_request.expires_at <= timezone.now() or export_request.status not in OPEN:
        return "–"
    own = user.pk == export_request.requester_id
    described = counted(export_request.count, "signer")
    if export_request.status == ExportRequest.Status.PENDING:
        if own:
            return "Waiting for another organiser"
        url = reverse("admin:pledges_exportrequest_decide", args=[export_request.pk])
        return format_html(
            '<a href="{}">Approve or refuse<span class="visually-hidden"> the export of {} '
            "asked for by {}</span></a>",
            url, described, export_request.requester,
        )  # fmt: skip
    if not own:
        return "Waiting for its download"
    url = reverse("admin:pledges_exportrequest_download", args=[export_request.pk])
    return format_html(
        '<a href="{}">Download<span class="visually-hidden"> the export of {}</span></a>',
        url, described,
    )  # fmt: skip


def _may_decide(user, export_request) -> bool:
    return (
        user.has_perm(EXPORT)
        and user.has_perm("pledges.view_signer_details")
        and user.pk != export_request.requester_id
    )
