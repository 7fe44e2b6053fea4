"""The data protection lead's part of the console: the register of requests about supporters'
data, the search by address that shows everything held under it (exactly what the supporter
sees, and what is held under the address beside it), its export and erasure, and the retention
report. Every page needs `rights.handle_datarequest`; every write and every view of a person's
data goes through `rights.register` or `rights.operations`, which check it again and write the
audit entry."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from actionhub.core.email import suppressions_of
from actionhub.core.responses import see_other
from actionhub.core.text import counted
from actionhub.rights.console_forms import CloseForm, DataRequestForm, SearchForm
from actionhub.rights.exports import FORMATS
from actionhub.rights.inventory import period
from actionhub.rights.models import DataRequest
from actionhub.rights.operations import (
    records_erase,
    records_export,
    records_search,
    records_view,
    requests_closed_by_erasure,
)
from actionhub.rights.register import (
    CLOSED_KEPT,
    DEADLINE_NEAR_DAYS,
    HANDLE,
    data_request_change,
    data_request_close,
    data_request_record,
    days_left,
    days_left_words,
)
from actionhub.rights.retention import AHEAD_DAYS, retention_report
from actionhub.rights.selectors import data_requests_near, data_requests_overdue
from actionhub.supporters.models import Person

# What an erasure leaves of an address that bounced for good or reported us as spam.
SUPPRESSION_STAYS = (
    "nothing is held under that address any more but its place on the list never to email, as "
    "a keyed hash without the address, so that no email goes to it again."
)

BODY_CLASS = "app-rights model-datarequest"


class DeadlineFilter(admin.SimpleListFilter):
    title = "deadline"
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [
            ("overdue", "Open, past the deadline"),
            ("near", f"Open, due within {DEADLINE_NEAR_DAYS} days"),
        ]

    def queryset(self, request, queryset):
        chosen = {"overdue": data_requests_overdue, "near": data_requests_near}.get(self.value())
        return chosen(queryset, today=timezone.localdate()) if chosen else queryset


@admin.register(DataRequest)
class DataRequestAdmin(admin.ModelAdmin):
    form = DataRequestForm
    list_display = ["received_on", "kind_shown", "email_shown", "deadline", "time_left",
                    "status"]  # fmt: skip
    list_filter = [DeadlineFilter, "status", "kind"]
    change_list_template = "admin/rights/datarequest/change_list.html"
    change_form_template = "admin/rights/datarequest/change_form.html"

    # One permission for all of it: whoever handles requests sees supporters' data.

    def _may(self, request) -> bool:
        return request.user.has_perm(HANDLE)

    def has_module_permission(self, request):
        return self._may(request)

    def has_view_permission(self, request, obj=None):
        return self._may(request)

    def has_add_permission(self, request):
        return self._may(request)

    def has_change_permission(self, request, obj=None):
        """A closed request is the record of how it ended: it is not changed."""
        return self._may(request) and (obj is None or obj.is_open)

    def has_delete_permission(self, request, obj=None):
        return False  # closed requests are deleted by the retention task, a year on

    # The list

    @admin.display(description="What they ask for", ordering="kind")
    def kind_shown(self, data_request):
        return data_request.get_kind_display().split(":")[0]

    @admin.display(description="Email address")
    def email_shown(self, data_request):
        return data_request.email or "(removed when closed)"

    @admin.display(description="Time left", ordering="deadline")
    def time_left(self, data_request):
        words = days_left_words(data_request)
        left = days_left(data_request)
        if left is not None and left < 0:
            return format_html('<strong class="request-overdue">{}</strong>', words)
        if left is not None and left <= DEADLINE_NEAR_DAYS:
            return format_html('<strong class="request-near">{}</strong>', words)
        return words

    def lookup_allowed(self, lookup, value, request=None):
        """The list's own filters only: an address typed into the page's address
        (`?email=...`) would be kept in the browser's history and the web server's logs."""
        field = lookup.split("__")[0]
        return field in {"status", "kind", "deadline"} and super().lookup_allowed(
            lookup, value, request
        )

    # The form

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["kind", "email", "received_on", "notes"]
        if obj.is_open:
            return ["kind", "email", "received_on", "extended", "deadline", "time_left",
                    "person_shown", "notes"]  # fmt: skip
        refused = ["refusal_reason"] if obj.status == DataRequest.Status.REFUSED else []
        return ["kind", "received_on", "extended", "deadline", "status", *refused, "notes",
                "handled_by_label", "closed_at", "kept_until"]  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        if obj.is_open:
            return ["deadline", "time_left", "person_shown"]
        return self.get_fields(request, obj)

    @admin.display(description="Supporter")
    def person_shown(self, data_request):
        if data_request.person is None:
            return "No supporter has this address (search it to see what else is held under it)."
        return "A supporter has this address: find their data to see it."

    @admin.display(description="To be deleted on")
    def kept_until(self, data_request):
        moment = timezone.localtime(data_request.closed_at + CLOSED_KEPT)
        return f"{moment:%-d %B %Y}, {period(CLOSED_KEPT)} after closing (it holds no address)"

    def save_model(self, request, obj, form, change):
        if change:
            data_request_change(actor=request.user, data_request=obj, request=request)
        else:
            data_request_record(actor=request.user, data_request=obj, request=request)

    def response_add(self, request, obj, post_url_continue=None):
        """On to the request's page, with the way to find the person's data."""
        if "_addanother" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        self.message_user(
            request,
            f"Recorded. It is to be answered by {obj.deadline:%-d %B %Y}.",
            messages.SUCCESS,
        )
        return see_other(self._url("change", obj.pk))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        data_request = self.get_object(request, object_id)
        context = {**(extra_context or {})}
        if data_request is not None:
            context["data_request"] = data_request
            context["tools"] = self._tools(request, data_request)
        return super().change_view(request, object_id, form_url, context)

    def changelist_view(self, request, extra_context=None):
        context = {
            "search_url": self._url("search"),
            "retention_url": self._url("retention"),
            "near_days": DEADLINE_NEAR_DAYS,
            **(extra_context or {}),
        }
        return super().changelist_view(request, context)

    def _tools(self, request, data_request) -> list[tuple[str, str]]:
        if not data_request.is_open:
            return []
        return [
            (self._url("search") + f"?request={data_request.pk}", "Find their data"),
            (self._url("close", data_request.pk), "Close the request…"),
        ]

    # The pages beside the register

    def _url(self, name: str, *args) -> str:
        return reverse(f"admin:rights_datarequest_{name}", args=args)

    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(function)  # never cached, as every admin page

        return [
            path("search/", view(self.search_view), name="rights_datarequest_search"),
            path("retention/", view(self.retention_view), name="rights_datarequest_retention"),
            path("<int:pk>/close/", view(self.close_view), name="rights_datarequest_close"),
            path("supporter/<int:pk>/", view(self.person_view), name="rights_datarequest_person"),
            path("supporter/<int:pk>/export/<slug:kind>/", view(self.export_view),
                 name="rights_datarequest_export"),
            path("supporter/<int:pk>/erase/", view(self.erase_view),
                 name="rights_datarequest_erase"),
            *super().get_urls(),
        ]  # fmt: skip

    def _require(self, request) -> None:
        if not self._may(request):
            raise PermissionDenied

    def _context(self, request, title: str, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "register_url": self._url("changelist"),
            "body_class": BODY_CLASS,
            **extra,
        }

    def _chosen_request(self, request) -> DataRequest | None:
        """The open request a page was opened from (`?request=`), if any."""
        pk = request.POST.get("request") or request.GET.get("request")
        if not pk or not str(pk).isdigit():
            return None
        return DataRequest.objects.filter(pk=pk, status=DataRequest.Status.OPEN).first()

    def _records_page(self, request, records, chosen):
        person = records.person
        exports, erase_url = [], ""
        if person is not None:
            exports = [(self._url("export", person.pk, kind), f"Download it as {words}")
                       for kind, (_, _, _, words) in FORMATS.items()]  # fmt: skip
            erase_url = self._url("erase", person.pk) + (f"?request={chosen.pk}" if chosen else "")
        context = self._context(
            request, "Everything held under this address", records=records, chosen=chosen,
            exports=exports, erase_url=erase_url,
        )  # fmt: skip
        return TemplateResponse(request, "admin/rights/datarequest/records.html", context)

    def search_view(self, request):
        """The address is sent in the form's body, never in the page's address (which is kept
        in the browser's history and the web server's logs)."""
        self._require(request)
        chosen = self._chosen_request(request)
        if request.method == "POST":
            form = SearchForm(request.POST)
            if form.is_valid():
                records = records_search(
                    actor=request.user, email=form.cleaned_data["email"], request=request
                )
                return self._records_page(request, records, chosen)
        else:
            form = SearchForm(initial={"email": chosen.email, "request": chosen.pk} if chosen
                              else {})  # fmt: skip
        context = self._context(
            request,
            "Find a supporter’s data",
            form=form,
            chosen=chosen,
            chosen_url=self._url("change", chosen.pk) if chosen else "",
        )
        status = 400 if form.errors else 200
        return TemplateResponse(request, "admin/rights/datarequest/search.html", context,
                                status=status)  # fmt: skip

    def person_view(self, request, pk):
        self._require(request)
        person = get_object_or_404(Person, pk=pk)
        records = records_view(actor=request.user, person=person, request=request)
        return self._records_page(request, records, self._chosen_request(request))

    def export_view(self, request, pk, kind):
        self._require(request)
        if kind not in FORMATS:
            raise Http404("No such download.")
        if request.method != "POST":
            return see_other(self._url("person", pk))
        person = get_object_or_404(Person, pk=pk)
        download = records_export(actor=request.user, person=person, kind=kind, request=request)
        response = HttpResponse(download.content, content_type=download.content_type)
        response["Content-Disposition"] = f'attachment; filename="{download.name}"'
        return response

    def erase_view(self, request, pk):
        self._require(request)
        person = get_object_or_404(Person, pk=pk)
        chosen = self._chosen_request(request)
        suppressed = suppressions_of([person.email, person.email_normalised]).exists()
        if request.method == "POST" and request.POST.get("confirm"):
            closed = records_erase(actor=request.user, person=person, request=request)
            done = (
                f"Erased: {SUPPRESSION_STAYS}" if suppressed
                else "Erased: nothing is held under that address any more."
            )  # fmt: skip
            if closed:
                done += f" {counted(len(closed), 'request')} closed as done."
            self.message_user(request, done, messages.SUCCESS)
            if chosen is not None:
                return see_other(self._url("change", chosen.pk))
            return see_other(self._url("changelist"))
        records = records_view(actor=request.user, person=person, request=request)
        back = self._url("person", person.pk) + (f"?request={chosen.pk}" if chosen else "")
        closes = list(requests_closed_by_erasure(person))
        context = self._context(
            request, "Erase everything held under this address", records=records,
            closes=closes, not_closed=chosen if chosen and chosen not in closes else None,
            suppression_stays=suppressed,
            closed_kept=period(CLOSED_KEPT), back_url=back, chosen=chosen,
            form_action=request.get_full_path(),
        )  # fmt: skip
        return TemplateResponse(request, "admin/rights/datarequest/erase.html", context)

    def close_view(self, request, pk):
        self._require(request)
        data_request = get_object_or_404(DataRequest, pk=pk)
        change_url = self._url("change", data_request.pk)
        if not data_request.is_open:
            self.message_user(request, "This request has been closed already.", messages.WARNING)
            return see_other(change_url)
        form = CloseForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                data_request_close(
                    actor=request.user, data_request=data_request,
                    status=form.cleaned_data["outcome"], reason=form.cleaned_data["reason"],
                    request=request,
                )  # fmt: skip
            except ValidationError as problem:
                form.add_error(None, " ".join(problem.messages))
            else:
                self.message_user(request, "Closed: the address is no longer in the register.",
                                  messages.SUCCESS)  # fmt: skip
                return see_other(change_url)
        context = self._context(
            request, f"Close “{data_request}”", form=form, hidden=[],
            explanation=[
                f"Received {data_request.received_on:%-d %B %Y}, to answer by "
                f"{data_request.deadline:%-d %B %Y} ({days_left_words(data_request).lower()}).",
                "Closing takes the email address off this request, and every email address out "
                "of its notes and the reason: what stays is what was asked, when, how it ended "
                "and who closed it, and a code made "
                "from the address that finds this request again if the same address is "
                f"searched. It is deleted {period(CLOSED_KEPT)} after closing, and cannot be "
                "changed before then.",
            ],
            form_action=request.get_full_path(), button="Close the request",
            back_url=change_url, back_label=str(data_request),
            back_text="Go back without closing it",
        )  # fmt: skip
        return TemplateResponse(request, "admin/confirm.html", context,
                                status=400 if form.errors else 200)  # fmt: skip

    def retention_view(self, request):
        self._require(request)
        context = self._context(
            request, "What is held, and when it goes", parts=retention_report(),
            ahead=AHEAD_DAYS, made_at=timezone.localtime(),
        )  # fmt: skip
        return TemplateResponse(request, "admin/rights/datarequest/retention.html", context)
