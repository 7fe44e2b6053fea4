from datetime import date, datetime
from zoneinfo import available_timezones

from django import forms
from django.utils import timezone

from actionhub.campaigns.models import WEEKDAYS, Demonstration
from actionhub.core.sources import source_clean
from actionhub.core.text import person_name, single_line
from actionhub.events.models import RSVP_WORDING, Series
from actionhub.supporters.forms import email_field, refuse_disposable
from actionhub.supporters.models import CAMPAIGN_EMAILS_WORDING

EVERY_WEEK = "every-week"
MAX_GUESTS = 10


class RsvpForm(forms.Form):
    when = forms.ChoiceField(
        label="Which date?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a date, or every week."},
    )
    first_name = forms.CharField(
        label="First name",
        max_length=100,
        help_text="Organisers see your first name and last initial, nobody else.",
        error_messages={
            "required": "Enter your first name.",
            "max_length": "Your first name must be 100 characters or fewer.",
        },
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label="Last name (optional)",
        max_length=100,
        required=False,
        error_messages={"max_length": "Your last name must be 100 characters or fewer."},
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    email = email_field(help_text="We will email you a link to confirm.")
    guests = forms.IntegerField(
        label="People coming with you (optional)",
        min_value=0,
        max_value=MAX_GUESTS,
        required=False,
        error_messages={
            "min_value": "Enter a number of people from 0 to 10.",
            "max_value": "For more than 10 people, please contact the organisers.",
            "invalid": "Enter a number of people from 0 to 10.",
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    remind_day_before = forms.BooleanField(
        label="Remind me the day before, at 10:00", required=False, initial=True
    )
    remind_two_hours = forms.BooleanField(label="Remind me two hours before", required=False)
    consent = forms.BooleanField(
        label=RSVP_WORDING,
        error_messages={"required": "Tick the box so that we can keep your place."},
    )
    hear_more = forms.BooleanField(label=CAMPAIGN_EMAILS_WORDING, required=False)
    # The `?source=` code of the link, in a plain field: odd content is dropped, never shown.
    source = forms.Field(required=False, widget=forms.HiddenInput)
    website = forms.Field(
        label="Leave this empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, dates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["when"].choices = [*dates, (EVERY_WEEK, "Every week, until I stop it")]

    def clean_first_name(self):
        return person_name(self.cleaned_data["first_name"], "Your first name")

    def clean_last_name(self):
        return person_name(self.cleaned_data.get("last_name") or "", "Your last name")

    def clean_email(self):
        return refuse_disposable(self.cleaned_data["email"], "we send your reminders to it.")

    def clean_guests(self):
        return self.cleaned_data.get("guests") or 0

    def clean_source(self):
        return source_clean(str(self.cleaned_data.get("source") or ""))

    def clean_website(self):
        return str(self.cleaned_data.get("website") or "")


class WalkInForm(forms.Form):
    first_name = forms.CharField(
        label="First name", max_length=100,
        error_messages={"required": "Enter a first name (or “Guest”)."},
    )  # fmt: skip
    last_initial = forms.CharField(label="Last initial (optional)", max_length=1, required=False)
    guests = forms.IntegerField(label="With them", min_value=0, max_value=50, required=False)

    def clean_first_name(self):
        return person_name(self.cleaned_data["first_name"], "The first name")


# The demonstration, for organisers


WEEKDAY_CHOICES = list(WEEKDAYS.items())
DEFAULT_TIMEZONE = "Europe/London"
TIMEZONE_CHOICES = [(DEFAULT_TIMEZONE, DEFAULT_TIMEZONE)] + [
    (name, name) for name in sorted(available_timezones()) if name != DEFAULT_TIMEZONE
]


def _date_field(label: str, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages={"required": f"Enter the {label.lower()}.",
                        "invalid": "Enter the date like 2026-12-01."},
        **kwargs,
    )  # fmt: skip


def _time_field(label: str) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"}),
        error_messages={"required": f"Enter the {label.lower()}.",
                        "invalid": "Enter the time like 18:30."},
    )  # fmt: skip


class DemonstrationForm(forms.Form):
    """The weekly demonstration in plain fields: the rule for its dates is made from them."""

    title = forms.CharField(max_length=200)
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 10}), help_text="Markdown.")
    weekday = forms.ChoiceField(
        label="Day of the week", choices=WEEKDAY_CHOICES,
        error_messages={"invalid_choice": "Choose the day of the week."},
    )  # fmt: skip
    start_time = _time_field("Start time")
    end_time = _time_field("End time")
    timezone = forms.ChoiceField(
        label="Time zone", choices=TIMEZONE_CHOICES, initial=DEFAULT_TIMEZONE,
        help_text="The times are local times at the place, in this time zone.",
        error_messages={"invalid_choice": "Choose a time zone from the list, like Europe/London."},
    )  # fmt: skip
    first_date = _date_field(
        "First date", help_text="The first demonstration is on the chosen day, on or after this."
    )
    end_date = _date_field(
        "Last date", required=False, help_text="Optional. Leave empty to go on every week."
    )
    venue_name = forms.CharField(label="Place", max_length=200,
                                 help_text="Its name, e.g. “Outside the town hall”.")  # fmt: skip
    street = forms.CharField(max_length=200)
    locality = forms.CharField(label="Area (optional)", max_length=100, required=False)
    town = forms.CharField(max_length=100)
    postcode = forms.CharField(max_length=10)
    accessibility = forms.ChoiceField(choices=Series.Access.choices)
    accessibility_notes = forms.CharField(
        label="Accessibility notes (optional)", required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Step-free access, seating, the nearest accessible toilet.",
    )  # fmt: skip
    safety = forms.CharField(
        label="Safety notes", widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Markdown: safety guidance for those who come.",
    )  # fmt: skip

    def __init__(self, *args, demonstration: Demonstration, series: Series | None, **kwargs):
        kwargs.setdefault("initial", demonstration_initial(demonstration, series))
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if field.error_messages["required"] == forms.Field.default_error_messages["required"]:
                field.error_messages["required"] = f"Enter the {self[name].label.lower()}."

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", "The end time must be after the start time.")
        first, last = cleaned.get("first_date"), cleaned.get("end_date")
        if first and last and last < first:
            self.add_error("end_date", "The last date must be on or after the first date.")
        for name in ("summary", "description", "accessibility_notes", "safety"):
            # Browsers send CRLF and the form trims the ends: text left as it was stays as is.
            typed = (cleaned.get(name) or "").replace("\r\n", "\n")
            before = self.initial.get(name) or ""
            cleaned[name] = before if typed.strip() == before.strip() else typed
        for name in ("title", "venue_name", "street", "locality", "town", "postcode"):
            if cleaned.get(name):
                try:
                    cleaned[name] = single_line(cleaned[name], self.fields[name].label)
                except forms.ValidationError as error:
                    self.add_error(name, error)
        return cleaned

    def values(self) -> dict:
        """The demonstration's and its series' fields, as events.operations takes them."""
        data = dict(self.cleaned_data)
        start = datetime.combine(date(2000, 1, 1), data.pop("start_time"))
        end = datetime.combine(date(2000, 1, 1), data.pop("end_time"))
        data["recurrence"] = f"FREQ=WEEKLY;BYDAY={data.pop('weekday')}"
        data["start_time"] = start.time()
        data["duration_minutes"] = int((end - start).total_seconds() // 60)
        return data


def demonstration_initial(demonstration: Demonstration, series: Series | None) -> dict:
    parts = dict(p.split("=", 1) for p in demonstration.recurrence.split(";") if "=" in p)
    initial = {name: getattr(demonstration, name) for name in (
        "title", "summary", "description", "safety", "venue_name", "street", "locality",
        "town", "postcode", "start_time", "timezone",
    )}  # fmt: skip
    initial["weekday"] = parts.get("BYDAY", "").split(",")[0]
    initial["end_time"] = demonstration.end_time if demonstration.start_time else None
    if series is not None:
        initial |= {name: getattr(series, name) for name in (
            "first_date", "end_date", "accessibility", "accessibility_notes",
        )}  # fmt: skip
    else:
        initial |= {"first_date": timezone.localdate(), "accessibility": Series.Access.UNKNOWN}
    return initial
