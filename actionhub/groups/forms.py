from datetime import timedelta

from django import forms
from django.utils import timezone

from actionhub.core.text import has_control_characters, person_name, single_line
from actionhub.events.models import Series
from actionhub.events.schedule import WEEKS_AHEAD
from actionhub.groups.codes import CODE_MAX, CodeProblem, code_check, code_normalise
from actionhub.groups.models import (
    LEADER_WORDING,
    LISTED_WORDING,
    NEWS_WORDING,
    TOTALS_WORDING,
    EventProposal,
    Group,
)
from actionhub.parliament.postcodes import normalise_postcode
from actionhub.supporters.forms import email_field, refuse_disposable


def _text(label: str, *, max_length: int, required: bool = True, help_text: str = "",
          autocomplete: str = "off", missing: str = "") -> forms.CharField:  # fmt: skip
    return forms.CharField(
        label=label, max_length=max_length, required=required, help_text=help_text,
        error_messages={
            "required": missing,
            "max_length": f"{label.split(' (')[0]} must be {max_length} characters or fewer.",
        },
        widget=forms.TextInput(attrs={"autocomplete": autocomplete}),
    )  # fmt: skip


def _group_words(value: str, what: str) -> str:
    value = single_line(value, what)
    if value and not any(char.isalnum() for char in value):
        raise forms.ValidationError(f"Write {what.lower()} in words.")
    return value


class RegistrationForm(forms.Form):
    name = _text("Your group’s name", max_length=100, autocomplete="organization",
                 missing="Enter your group’s name.",
                 help_text="As people know it, like “Hampstead youth group”.")  # fmt: skip
    kind = forms.ChoiceField(
        label="What kind of group is it?", choices=Group.Kind.choices,
        widget=forms.RadioSelect, error_messages={"required": "Choose what kind of group it is."},
    )  # fmt: skip
    area = _text("Where it meets", max_length=100, missing="Enter where your group meets.",
                 help_text="The town, city or part of it, like “Hampstead, London”. "
                           "Never a street address.")  # fmt: skip
    code = _text(
        "Your group’s code (optional)", max_length=CODE_MAX, required=False,
        help_text="A short code for your group’s links, like hampstead-shul: letters, digits "
        "and hyphens. Leave it blank and we will suggest one.",
    )  # fmt: skip
    first_name = _text("Your first name", max_length=100, autocomplete="given-name",
                       missing="Enter your first name.")  # fmt: skip
    last_name = _text("Your last name (optional)", max_length=100, required=False,
                      autocomplete="family-name")  # fmt: skip
    email = email_field(help_text="We will email you a link to confirm. Only the organisers "
                                  "see it, never the public.")  # fmt: skip
    listed = forms.BooleanField(label=LISTED_WORDING, required=False)
    show_totals = forms.BooleanField(label=TOTALS_WORDING, required=False)
    agree = forms.BooleanField(
        label=LEADER_WORDING,
        error_messages={"required": "Tick the box to agree, so we can send you your group’s link."},
    )  # fmt: skip
    # A field people never see: only form-filling robots put anything in it.
    website = forms.Field(
        label="Leave this empty", required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )  # fmt: skip

    def clean_name(self):
        return _group_words(self.cleaned_data["name"], "Your group’s name")

    def clean_area(self):
        return _group_words(self.cleaned_data["area"], "Where it meets")

    def clean_code(self):
        typed = self.cleaned_data.get("code") or ""
        if not typed.strip():
            return ""
        try:
            return code_check(code_normalise(typed))
        except CodeProblem as problem:
            raise forms.ValidationError(str(problem)) from None

    def clean_first_name(self):
        return person_name(self.cleaned_data["first_name"], "Your first name")

    def clean_last_name(self):
        return person_name(self.cleaned_data.get("last_name") or "", "Your last name")

    def clean_email(self):
        return refuse_disposable(self.cleaned_data["email"],
                                 "your group’s private link is sent to it.")  # fmt: skip

    def clean_website(self):
        return str(self.cleaned_data.get("website") or "")


class InviteForm(forms.Form):
    first_name = _text("Their first name", max_length=100, missing="Enter their first name.")
    email = email_field(help_text="We will email them a link to confirm; until they do, they "
                                  "see nothing of the group.")  # fmt: skip

    def clean_first_name(self):
        return person_name(self.cleaned_data["first_name"], "Their first name")

    def clean_email(self):
        return refuse_disposable(self.cleaned_data["email"], "the group’s link is sent to it.")


class StepsForm(forms.Form):
    steps = forms.TypedMultipleChoiceField(
        label="Steps your group has done", coerce=int, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip

    def __init__(self, *args, steps, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["steps"].choices = [(step.pk, step.title) for step in steps]


class ListingForm(forms.Form):
    listed = forms.BooleanField(label=LISTED_WORDING, required=False)
    show_totals = forms.BooleanField(label=TOTALS_WORDING, required=False)


class NewsForm(forms.Form):
    """Asked of each leader as they confirm their address, and on the group's page."""

    news = forms.BooleanField(label=NEWS_WORDING, required=False)


class LinkRequestForm(forms.Form):
    email = email_field(help_text="The address you registered the group with, or were "
                                  "invited at.")  # fmt: skip


DURATIONS = [(30, "30 minutes"), (60, "1 hour"), (90, "1 hour 30 minutes"), (120, "2 hours"),
             (180, "3 hours"), (240, "4 hours")]  # fmt: skip


class EventProposalForm(forms.Form):
    kind = forms.ChoiceField(
        label="What kind of event?", choices=EventProposal.Kind.choices, widget=forms.RadioSelect,
        error_messages={"required": "Choose what kind of event it is."},
    )  # fmt: skip
    title = _text("Its title", max_length=120, missing="Enter the event’s title.",
                  help_text="Like “Why we signed: a talk at Hampstead Synagogue”.")  # fmt: skip
    summary = forms.CharField(
        label="What it is", max_length=600, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="A few sentences for the event’s page. Plain text.",
        error_messages={"required": "Say in a few sentences what the event is.",
                        "max_length": "Keep it to 600 characters or fewer."},
    )  # fmt: skip
    date = forms.DateField(
        label="Date", widget=forms.DateInput(attrs={"type": "date"}),
        help_text=f"Within the next {WEEKS_AHEAD} weeks.",
        error_messages={"required": "Enter the date.",
                        "invalid": "Enter a date like 24/12/2026."},
    )  # fmt: skip
    start_time = forms.TimeField(
        label="Start time", widget=forms.TimeInput(attrs={"type": "time"}),
        help_text="UK time, like 19:30.",
        error_messages={"required": "Enter the start time.",
                        "invalid": "Enter a time like 19:30."},
    )  # fmt: skip
    duration_minutes = forms.TypedChoiceField(
        label="How long", choices=DURATIONS, coerce=int,
        error_messages={"required": "Choose how long it lasts."},
    )  # fmt: skip
    venue_name = _text("Venue", max_length=200, missing="Enter the venue’s name.")
    street = _text("Street address", max_length=200, missing="Enter the venue’s street address.")
    town = _text("Town or city", max_length=100, missing="Enter the town or city.")
    postcode = _text("Postcode", max_length=10, missing="Enter the venue’s postcode.",
                     autocomplete="postal-code")  # fmt: skip
    capacity = forms.IntegerField(
        label="Places (optional)", required=False, min_value=1, max_value=10000,
        help_text="Leave blank for no limit.",
        error_messages={"invalid": "Enter the number of places, like 40.",
                        "min_value": "Enter at least 1 place, or leave it blank.",
                        "max_value": "Enter 10,000 places or fewer."},
    )  # fmt: skip
    accessibility = forms.ChoiceField(
        label="Is the venue accessible?", choices=Series.Access.choices,
        widget=forms.RadioSelect, error_messages={"required": "Say whether it is accessible."},
    )  # fmt: skip

    def clean_title(self):
        return _group_words(self.cleaned_data["title"], "The event’s title")

    def clean_summary(self):
        value = self.cleaned_data["summary"].strip()
        if has_control_characters(value, allowed="\n\r\t"):
            raise forms.ValidationError("Write it without special characters.")
        return value

    def clean_date(self):
        on, today = self.cleaned_data["date"], timezone.localdate()
        if on <= today:
            raise forms.ValidationError("Choose a date after today.")
        if on > today + timedelta(weeks=WEEKS_AHEAD):
            raise forms.ValidationError(
                f"Choose a date within the next {WEEKS_AHEAD} weeks: propose later events nearer "
                "the time."
            )
        return on

    def clean_venue_name(self):
        return single_line(self.cleaned_data["venue_name"], "The venue")

    def clean_street(self):
        return single_line(self.cleaned_data["street"], "The street address")

    def clean_town(self):
        return _group_words(self.cleaned_data["town"], "The town or city")

    def clean_postcode(self):
        postcode = normalise_postcode(self.cleaned_data["postcode"])
        if not postcode:
            raise forms.ValidationError("Enter a UK postcode, like NW3 7UX.")
        return postcode
