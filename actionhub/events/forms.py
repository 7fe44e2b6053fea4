from django import forms

from actionhub.core.text import person_name
from actionhub.events.models import RSVP_WORDING
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
