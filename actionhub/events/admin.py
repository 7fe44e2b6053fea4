"""Events for organisers: series, their dates, cancelling and moving a date, check-in on the day
and the attendance report.

RSVPs and "every week" subscriptions are deliberately not registered: the only place their
names appear is the check-in page, which shows first names and last initials, needs its own
permission and writes an audit entry each time it is opened.
"""

from datetime import UTC, datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, IntegerField, Q, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from actionhub.core.admin import AuditedModelAdmin
from actionhub.core.audit import audit_record
from actionhub.core.responses import see_other
from actionhub.core.text import single_line
from actionhub.events import demonstration_admin  # noqa: F401  (registers the demonstration)
from actionhub.events.checkin import (
    CHECKABLE,
    rsvp_check_in,
    rsvp_check_in_undo,
    walk_in_add,
)
from actionhub.events.forms import WalkInForm
from actionhub.events.models import Occurrence, Rsvp, Series
from actionhub.events.operations import SERIES_OWN, occurrence_cancel, occurrence_move
from actionhub.events.schedule import FROM_DEMONSTRATION, occurrences_generate
from actionhub.events.selectors import NOTES_AHEAD_DAYS, occurrences_without_notes

ATTENDEES = "events.view_attendees"
CHANGE_STATUS = "events.change_occurrence_status"
COPIED_NOTE = "Edit these on the campaign’s demonstration form (they are copied from it)."


# Series


@admin.register(Series)
class SeriesAdmin(AuditedModelAdmin):
    """A series made from a campaign's demonstration shows the words, place, times, dates and
    access it takes from the demonstration's form read-only: they are changed there, with a
    preview of what changes for the coming dates."""

    list_display = ["title", "campaign", "schedule", "capacity"]
    list_filter = ["campaign"]
    list_select_related = ["campaign"]
    OWN_FIELDS = [
        ("Dates", {"fields": ["first_date", "end_date"]}),
        ("Places and access", {"fields": ["capacity", "accessibility", "accessibility_notes"]}),
        ("Map", {"fields": ["latitude", "longitude"]}),
    ]

    @admin.display(description="Schedule")
    def schedule(self, series):
        when = series.schedule_text or f"Once, {series.first_date.day} {series.first_date:%b %Y}"
        return f"{when}, {series.start_time:%H:%M}"

    def get_readonly_fields(self, request, obj=None):
        fields = ["demonstration"]
        if obj is not None:
            fields.append("slug")  # sent in emails and calendar feeds: it stays
            if obj.demonstration_id:
                fields += ["campaign", *FROM_DEMONSTRATION, *SERIES_OWN]
        return fields

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj is not None else {"slug": ["title"]}

    def get_fieldsets(self, request, obj=None):
        if obj is not None and obj.demonstration_id:
            link = reverse("admin:campaigns_demonstration_change", args=[obj.demonstration_id])
            note = format_html('{} <a href="{}">Edit the demonstration</a>.', COPIED_NOTE, link)
            return [
                (None, {"fields": ["campaign", "demonstration", "slug"]}),
                ("Set on the demonstration's form", {
                    "description": note, "fields": [*FROM_DEMONSTRATION, *SERIES_OWN],
                }),
                ("Places", {"fields": ["capacity"]}),
                ("Map", {"fields": ["latitude", "longitude"]}),
            ]  # fmt: skip
        return [
            (None, {"fields": ["campaign", "title", "slug", "summary", "description", "safety"]}),
            ("Place", {"fields": ["venue_name", "street", "locality", "town", "postcode"]}),
            ("Time", {"fields": ["recurrence", "start_time", "duration_minutes", "timezone"]}),
            *self.OWN_FIELDS,
        ]

    def has_delete_permission(self, request, obj=None):
        """Never one the demonstration makes (it would come back, empty), nor one people have
        said they are coming to (they would not be told): end it with an end date instead."""
        if obj is not None and (
            obj.demonstration_id or Rsvp.objects.filter(occurrence__series=obj).exists()
        ):
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one at a time, through the check above
        return actions

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        occurrences_generate(series=obj)  # new capacity and dates now, not at the next hourly run


# Occurrences


class WhenFilter(admin.SimpleListFilter):
    """Coming dates first of all; past ones a click away."""

    title = "when"
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [("past", "Past"), ("all", "All")]

    def choices(self, changelist):
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": "Today and coming",
        }
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "past":
            return queryset.filter(ends_at__lte=now)
        if self.value() == "all":
            return queryset
        return queryset.filter(ends_at__gt=now)


class NotesFilter(admin.SimpleListFilter):
    title = "organiser notes"
    parameter_name = "notes"

    def lookups(self, request, model_admin):
        return [("missing", f"None yet, in the next {NOTES_AHEAD_DAYS} days")]

    def queryset(self, request, queryset):
        if self.value() == "missing":
            return occurrences_without_notes(queryset=queryset, now=timezone.now())
        return queryset


def _people(condition: Q):
    """People (each RSVP and its guests) among a date's RSVPs that meet the condition."""
    return Coalesce(Sum(F("rsvps__guests") + 1, filter=condition), 0, output_field=IntegerField())


BOOKED = Q(rsvps__status=Rsvp.Status.CONFIRMED, rsvps__walk_in=False)
ATTENDED = Q(rsvps__attended_at__isnull=False)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Why it is cancelled",
        help_text="Everyone coming or on the waiting list is emailed this.",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the date is cancelled: people are told."},
    )


class MoveForm(forms.Form):
    new_date = forms.DateField(
        label="New date",
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages={
            "required": "Enter the new date.",
            "invalid": "Enter the date like 2026-12-01.",
        },
    )
    new_time = forms.TimeField(
        label="New start time",
        widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"}),
        error_messages={
            "required": "Enter the new start time.",
            "invalid": "Enter the time like 18:30.",
        },
    )
    place_note = forms.CharField(
        label="New place (optional)",
        help_text="Only if it moves somewhere else, e.g. “Outside the town hall, High Street”.",
        max_length=200,
        required=False,
    )
    reason = forms.CharField(
        label="Why it moved",
        help_text="Everyone coming or on the waiting list is emailed this.",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the date moved: people are told."},
    )

    def __init__(self, *args, occurrence: Occurrence, **kwargs):
        self.occurrence = occurrence
        start = occurrence.local_starts_at
        initial = {"new_date": start.date(), "new_time": start.time()}
        kwargs.setdefault("initial", initial | {"place_note": occurrence.place_note})
        super().__init__(*args, **kwargs)
        zone = occurrence.series.timezone
        self.fields["new_time"].help_text = f"Local time at the venue ({zone})."

    def clean_place_note(self):
        return single_line(self.cleaned_data.get("place_note") or "", "The new place")

    def clean(self):
        cleaned = super().clean()
        on, at = cleaned.get("new_date"), cleaned.get("new_time")
        if on is None or at is None:
            return cleaned
        zone = self.occurrence.series.zone
        starts_at = datetime.combine(on, at, tzinfo=zone)
        if starts_at.astimezone(UTC).astimezone(zone).time() != at:
            self.add_error("new_time", "The clocks change at that time: choose another time.")
        elif starts_at <= timezone.now():
            self.add_error("new_date", "Choose a date and time in the future.")
        elif (
            starts_at == self.occurrence.starts_at
            and cleaned.get("place_note", "") == self.occurrence.place_note
        ):
            self.add_error("new_date", "That is when and where it is already.")
        cleaned["starts_at"] = starts_at
        return cleaned


def _told(count: int) -> str:
    return f"{count} {'person was' if count == 1 else 'people were'} told by email."


@admin.register(Occurrence)
class OccurrenceAdmin(AuditedModelAdmin):
    """The dates: made by the schedule, changed only by cancelling or moving them (which tells
    everyone); the organisers' own notes are edited here. Nothing personal is shown here;
    names are on the check-in page alone."""

    list_display = [
        "local_start", "current_status", "places", "rsvps_confirmed", "people_attended",
        "series",
    ]  # fmt: skip
    list_display_links = ["local_start"]
    list_filter = [WhenFilter, NotesFilter, "status", "series"]
    list_select_related = ["series"]
    ordering = ["starts_at"]
    readonly_fields = [
        "series", "date", "local_start", "local_end", "status", "status_reason", "place_note",
        "capacity", "places_taken", "sequence",
    ]  # fmt: skip
    fields = [*readonly_fields, "organiser_notes"]
    change_list_template = "admin/events/occurrence/change_list.html"
    change_form_template = "admin/events/occurrence/change_form.html"

    # Permissions: dates are made by the schedule and changed only through the views below;
    # the standard change permission is for the organiser notes alone.

    def has_view_permission(self, request, obj=None):
        user = request.user
        return (
            super().has_view_permission(request, obj)
            or user.has_perm(ATTENDEES)
            or user.has_perm(CHANGE_STATUS)
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_fields(self, request, obj=None):
        """The organiser notes are for those who may write them, not for check-in volunteers."""
        if request.user.has_perm("events.change_occurrence"):
            return self.fields
        return list(self.readonly_fields)

    def get_actions(self, request):
        return {}

    # The list

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                confirmed_count=Count(
                    "rsvps", filter=Q(rsvps__status=Rsvp.Status.CONFIRMED, rsvps__walk_in=False)
                ),
                attended_people=_people(ATTENDED),
            )
        )

    def get_list_display(self, request):
        columns = list(super().get_list_display(request))
        if request.user.has_perm(ATTENDEES):
            columns.insert(-1, "check_in_link")
        return columns

    @admin.display(description="Starts (local time)", ordering="starts_at")
    def local_start(self, occurrence):
        start = occurrence.local_starts_at
        return f"{start:%a} {start.day} {start:%b %Y}, {start:%H:%M}"

    @admin.display(description="Status", ordering="status")
    def current_status(self, occurrence):
        return occurrence.status_at(timezone.now())

    @admin.display(description="Ends (local time)")
    def local_end(self, occurrence):
        end = occurrence.local_ends_at
        return f"{end:%a} {end.day} {end:%b %Y}, {end:%H:%M}"

    @admin.display(description="Places taken")
    def places(self, occurrence):
        if occurrence.capacity is None:
            return f"{occurrence.places_taken} (no limit)"
        return f"{occurrence.places_taken} of {occurrence.capacity}"

    @admin.display(description="RSVPs confirmed", ordering="confirmed_count")
    def rsvps_confirmed(self, occurrence):
        return occurrence.confirmed_count

    @admin.display(description="People checked in", ordering="attended_people")
    def people_attended(self, occurrence):
        return occurrence.attended_people

    @admin.display(description="Check-in")
    def check_in_link(self, occurrence):
        url = reverse("admin:events_occurrence_check_in", args=[occurrence.pk])
        return format_html(
            '<a href="{}">Check in<span class="visually-hidden"> for {}</span></a>',
            url, occurrence,
        )  # fmt: skip

    def changelist_view(self, request, extra_context=None):
        context = {"can_view_attendees": request.user.has_perm(ATTENDEES), **(extra_context or {})}
        return super().changelist_view(request, context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        occurrence = self.get_object(request, object_id)
        context = {
            "can_view_attendees": request.user.has_perm(ATTENDEES),
            "can_change_status": request.user.has_perm(CHANGE_STATUS)
            and occurrence is not None
            and _refusal(occurrence) is None,
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, context)

    # The organisers' own pages

    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(function)

        return [
            path("attendance/", view(self.attendance_view), name="events_occurrence_attendance"),
            path("<int:object_id>/check-in/", view(self.check_in_view),
                 name="events_occurrence_check_in"),
            path("<int:object_id>/check-in/walk-in/", view(self.walk_in_view),
                 name="events_occurrence_walk_in"),
            path("<int:object_id>/cancel/", view(self.cancel_view),
                 name="events_occurrence_cancel"),
            path("<int:object_id>/move/", view(self.move_view), name="events_occurrence_move"),
            *super().get_urls(),
        ]  # fmt: skip

    def _context(self, request, occurrence=None, **context):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "occurrence": occurrence,
            **context,
        }

    def check_in_view(self, request, object_id):
        """Who is coming, by first name and last initial, each with a button to check them in.

        Opening it (or seeing it again after a wrong walk-in form) is audited each time.
        """
        _require(request, ATTENDEES)
        occurrence = _occurrence(object_id)
        if request.method == "POST":
            rsvp = _rsvp(occurrence, request.POST.get("rsvp", ""))
            if request.POST.get("do") == "undo":
                rsvp_check_in_undo(rsvp=rsvp, user=request.user, request=request)
                messages.info(request, f"Check-in of {_name(rsvp)} undone.")
            else:
                rsvp_check_in(rsvp=rsvp, user=request.user, request=request)
                messages.success(request, f"{_name(rsvp)} checked in.")
            return _back_to(occurrence, rsvp)
        return self._check_in_page(request, occurrence, WalkInForm())

    def walk_in_view(self, request, object_id):
        _require(request, ATTENDEES)
        occurrence = _occurrence(object_id)
        if request.method != "POST":
            return redirect("admin:events_occurrence_check_in", occurrence.pk)
        form = WalkInForm(request.POST)
        if not form.is_valid():
            return self._check_in_page(request, occurrence, form, status=400)
        rsvp = walk_in_add(
            occurrence=occurrence,
            first_name=form.cleaned_data["first_name"],
            last_initial=form.cleaned_data.get("last_initial") or "",
            guests=form.cleaned_data.get("guests") or 0,
            user=request.user,
            request=request,
        )
        messages.success(request, f"{_name(rsvp)} added as a walk-in and checked in.")
        return _back_to(occurrence, rsvp)

    def _check_in_page(self, request, occurrence, form, status=200):
        audit_record(
            action="occurrence.attendees_viewed", request=request, obj=occurrence,
            summary=f"Viewed who is coming to {occurrence}",
        )  # fmt: skip
        rsvps = list(occurrence.rsvps.filter(status__in=CHECKABLE))
        coming = [r for r in rsvps if r.status == Rsvp.Status.CONFIRMED]
        waiting = [r for r in rsvps if r.status == Rsvp.Status.WAITING]
        context = self._context(
            request, occurrence,
            title=f"Check-in: {occurrence.series.title}",
            coming=coming,
            waiting=waiting,
            coming_people=sum(r.places for r in coming if not r.walk_in),
            waiting_people=sum(r.places for r in waiting),
            here_people=sum(r.places for r in rsvps if r.attended_at),
            walk_in_people=sum(r.places for r in rsvps if r.walk_in and r.attended_at),
            form=form,
        )  # fmt: skip
        return TemplateResponse(
            request, "admin/events/occurrence/check_in.html", context, status=status
        )

    def cancel_view(self, request, object_id):
        _require(request, CHANGE_STATUS)
        occurrence = _occurrence(object_id)
        if refused := _refusal(occurrence):
            messages.warning(request, refused)
            return redirect("admin:events_occurrence_change", occurrence.pk)
        form = CancelForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            told = occurrence_cancel(
                occurrence=occurrence, reason=form.cleaned_data["reason"], user=request.user,
                request=request,
            )  # fmt: skip
            messages.success(request, f"{occurrence} is cancelled. {_told(told)}")
            return see_other("admin:events_occurrence_change", occurrence.pk)
        return self._status_page(request, occurrence, form, "cancel")

    def move_view(self, request, object_id):
        _require(request, CHANGE_STATUS)
        occurrence = _occurrence(object_id)
        if refused := _refusal(occurrence):
            messages.warning(request, refused)
            return redirect("admin:events_occurrence_change", occurrence.pk)
        form = MoveForm(request.POST or None, occurrence=occurrence)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            told = occurrence_move(
                occurrence=occurrence, starts_at=data["starts_at"],
                place_note=data["place_note"], reason=data["reason"], user=request.user,
                request=request,
            )  # fmt: skip
            messages.success(request, f"{occurrence.series} moved. {_told(told)}")
            return see_other("admin:events_occurrence_change", occurrence.pk)
        return self._status_page(request, occurrence, form, "move")

    def _status_page(self, request, occurrence, form, kind):
        to_tell = occurrence.rsvps.filter(status__in=CHECKABLE, person__isnull=False).count()
        verb = "Cancel" if kind == "cancel" else "Move"
        context = self._context(
            request, occurrence,
            title=f"{verb} this date: {occurrence}",
            form=form,
            kind=kind,
            to_tell=to_tell,
        )  # fmt: skip
        return TemplateResponse(
            request, "admin/events/occurrence/status_form.html", context,
            status=400 if form.errors else 200,
        )  # fmt: skip

    def attendance_view(self, request):
        """Per date so far: who said they would come and who came. Counts only, no names."""
        _require(request, ATTENDEES)
        _require(request, "events.view_series")  # a report, not the check-in volunteers use
        now = timezone.now()
        occurrences = list(
            Occurrence.objects.filter(starts_at__lte=now)
            .select_related("series")
            .order_by("-starts_at")
            .annotate(
                booked=_people(BOOKED),
                attended=_people(ATTENDED),
                walk_ins=_people(Q(rsvps__walk_in=True) & ATTENDED),
            )
        )
        for occurrence in occurrences:
            occurrence.status_now = occurrence.status_at(now)
        context = self._context(request, title="Attendance", occurrences=occurrences, now=now)
        return TemplateResponse(request, "admin/events/occurrence/attendance.html", context)


def _require(request, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


def _occurrence(object_id) -> Occurrence:
    return get_object_or_404(Occurrence.objects.select_related("series"), pk=object_id)


def _rsvp(occurrence: Occurrence, rsvp_id: str) -> Rsvp:
    return get_object_or_404(
        Rsvp.objects.select_related("occurrence__series"),
        pk=int(rsvp_id) if rsvp_id.isdigit() else 0,
        occurrence=occurrence,
        status__in=CHECKABLE,
    )


def _name(rsvp: Rsvp) -> str:
    return rsvp.display_name or "Someone whose name has been deleted"


def _refusal(occurrence: Occurrence) -> str | None:
    """Why a date cannot be cancelled or moved any more, if it cannot."""
    if occurrence.status == Occurrence.Status.CANCELLED:
        return "This date is cancelled already."
    if occurrence.ends_at <= timezone.now():
        return "This date has passed."
    return None


def _back_to(occurrence: Occurrence, rsvp: Rsvp):
    """Post/Redirect/Get: back to the list, at the row just changed."""
    url = reverse("admin:events_occurrence_check_in", args=[occurrence.pk])
    response = redirect(f"{url}#rsvp-{rsvp.pk}")
    response.status_code = 303
    return response
