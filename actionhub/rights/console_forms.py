"""The data protection lead's forms in the console: a request in the register, closing it, and
the search by address."""

from django import forms
from django.utils import timezone

from actionhub.rights.models import DataRequest
from actionhub.rights.register import data_request_deadline
from actionhub.supporters.forms import email_field

EMAIL_ERRORS = {
    "required": "Enter the email address the person gave.",
    "invalid": "Enter an email address like name@example.com.",
    "max_length": "The email address must be 254 characters or fewer.",
    "unseen": "The email address has characters in it that cannot be seen (perhaps from "
    "copying it): type it again.",
}


def console_email_field(help_text: str) -> forms.EmailField:
    field = email_field(help_text=help_text)
    field.error_messages = {**field.error_messages, **EMAIL_ERRORS}
    field.widget.attrs["autocomplete"] = "off"  # someone else's address, not the organiser's
    return field


class DataRequestForm(forms.ModelForm):
    """A request as it arrived: what is asked, from which address, on which day; while it is
    open, corrections, an extension and notes."""

    email = console_email_field(
        "As the person gave it: it finds their data, however it is written (capitals, or dots "
        "and +tags at Gmail). It is removed from the register when the request is closed."
    )

    class Meta:
        model = DataRequest
        fields = ["kind", "email", "received_on", "extended", "notes"]
        widgets = {
            "received_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "received_on": "The day it reached us (by email, letter or in person), which may be "
            "before today: the month to answer starts then.",
            "extended": "Only for a complex request, or many from the same person, and only if "
            "you tell them within the first month, and why: the deadline becomes two months "
            "after the first one (due 28 February, then 28 April).",
            "notes": "What was done, and when. The person sees these notes if they ask for "
            "their data. Every email address is taken out of them when the request is closed.",
        }
        error_messages = {
            "kind": {"required": "Choose what the person asks for."},
            "received_on": {
                "required": "Enter the day the request arrived.",
                "invalid": "Enter the day the request arrived as a date, like 27/11/2026.",
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.fields.pop("extended", None)  # an extension is decided later, with reasons

    def clean_received_on(self):
        received_on = self.cleaned_data["received_on"]
        if received_on > timezone.localdate():
            raise forms.ValidationError("The day it arrived cannot be after today: check the date.")
        return received_on

    def clean(self):
        """An extension must be told to the person within the first month (Art. 12(3)):
        once that month is over, it can no longer be taken."""
        cleaned = super().clean()
        received_on = cleaned.get("received_on")
        newly_extended = cleaned.get("extended") and not self.initial.get("extended")
        if newly_extended and received_on:
            first_deadline = data_request_deadline(received_on=received_on)
            if timezone.localdate() > first_deadline:
                self.add_error("extended", "It is too late to extend: the person must be told "
                               f"within the first month, which ended on "
                               f"{first_deadline:%-d %B %Y}.")  # fmt: skip
        return cleaned


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label="How did it end?",
        choices=[
            (DataRequest.Status.DONE, "Done: we did what they asked"),
            (
                DataRequest.Status.REFUSED,
                "Refused: we told them why, and that they may complain to the ICO",
            ),
        ],  # fmt: skip
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether it was done or refused."},
    )
    reason = forms.CharField(
        label="Why it was refused",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Only for a refusal: the reason you gave the person (for example, we could "
        "not confirm the request came from the owner of the address).",
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("outcome") == DataRequest.Status.REFUSED
            and not (cleaned.get("reason") or "").strip()
        ):
            self.add_error("reason", "Give the reason for refusing: the person must be told it.")
        return cleaned


class SearchForm(forms.Form):
    email = console_email_field(
        "Found however it is written: capitals, or dots and +tags at Gmail, count as the same "
        "address, as they do everywhere on the site."
    )
    request = forms.IntegerField(required=False, widget=forms.HiddenInput)
