import time

from django import forms
from django.conf import settings
from django.core import signing

from actionhub.core.page_cache import visitor_value
from actionhub.core.sources import source_clean
from actionhub.core.text import person_name
from actionhub.parliament.postcodes import normalise_postcode
from actionhub.pledges.models import SHOW_NAME_WORDING, SIGN_WORDING
from actionhub.supporters.forms import email_field, refuse_disposable
from actionhub.supporters.models import CAMPAIGN_EMAILS_WORDING

TIMING_SALT = "pledge-form-started"
FORM_MAX_AGE = 24 * 60 * 60


def form_started_token() -> str:
    return signing.dumps(time.time(), salt=TIMING_SALT)


@visitor_value("pledge-started")
def _form_started_for_visitor(request) -> str:
    return form_started_token()


def form_started_at(token) -> float | None:
    """When the form carrying `token` was served; None if the token is not ours or too old."""
    try:
        return float(signing.loads(str(token or ""), salt=TIMING_SALT, max_age=FORM_MAX_AGE))
    except (signing.BadSignature, TypeError, ValueError):
        return None


class SignatureForm(forms.Form):
    first_name = forms.CharField(
        label="First name",
        max_length=100,
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
        help_text="Never shown on the site.",
        error_messages={"max_length": "Your last name must be 100 characters or fewer."},
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    email = email_field(help_text="We will email you a link to confirm your signature.")
    postcode = forms.CharField(
        label="UK postcode",
        max_length=16,
        required=False,
        help_text="To count signatures by constituency. Never shown on the site.",
        error_messages={"max_length": "Enter a UK postcode, like SW1A 1AA."},
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    outside_uk = forms.BooleanField(label="I live outside the UK", required=False)
    country = forms.CharField(
        label="Country",
        max_length=100,
        required=False,
        error_messages={"max_length": "The country must be 100 characters or fewer."},
        widget=forms.TextInput(attrs={"autocomplete": "country-name"}),
    )
    sign = forms.BooleanField(
        label=SIGN_WORDING,
        error_messages={"required": "Tick “I sign this pledge” to sign it."},
    )
    show_name = forms.BooleanField(label=SHOW_NAME_WORDING, required=False)
    campaign_emails = forms.BooleanField(label=CAMPAIGN_EMAILS_WORDING, required=False)
    # Plain fields, not CharFields: nobody types in these, so odd content is judged in clean_*,
    # never shown back as an error message nobody could act on.
    source = forms.Field(required=False, widget=forms.HiddenInput)
    started = forms.Field(required=False, widget=forms.HiddenInput)
    # A field people never see: only form-filling robots put anything in it.
    website = forms.Field(
        label="Leave this empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_first_name(self):
        return person_name(self.cleaned_data["first_name"], "Your first name")

    def clean_last_name(self):
        return person_name(self.cleaned_data.get("last_name") or "", "Your last name")

    def clean_website(self):
        return str(self.cleaned_data.get("website") or "")

    def clean_started(self):
        return str(self.cleaned_data.get("started") or "")

    def clean_email(self):
        email = self.cleaned_data["email"]
        return refuse_disposable(email, "we cannot accept addresses from temporary email services.")

    def clean_source(self):
        return source_clean(str(self.cleaned_data.get("source") or ""))

    def clean(self):
        data = super().clean()
        if data.get("outside_uk"):
            data["postcode"] = ""
            country = data.get("country", "")
            if not country.strip():
                self.add_error("country", "Enter the country you live in.")
            else:
                try:
                    data["country"] = person_name(country, "Your country")
                except forms.ValidationError as error:
                    self.add_error("country", error)
        else:
            data["country"] = ""
            typed = data.get("postcode", "").strip()
            postcode = normalise_postcode(typed)
            if not typed:
                self.add_error(
                    "postcode", "Enter your UK postcode, or tick “I live outside the UK”."
                )
            elif not postcode:
                self.add_error("postcode", "Enter a UK postcode, like SW1A 1AA.")
            data["postcode"] = postcode
        started = data.get("started")
        if started and form_started_at(started) is None and _expired(started):
            self.add_error(
                None,
                "This form was opened more than a day ago. Check your details and send it again.",
            )
        return data

    @property
    def looks_automated(self) -> bool:
        """Filled the hidden field, or sent the form without our token or faster than a person."""
        if self.cleaned_data.get("website"):
            return True
        started = form_started_at(self.cleaned_data.get("started"))
        return started is None or time.time() - started < settings.PLEDGE_MIN_FORM_SECONDS


def _expired(token: str) -> bool:
    """Ours, but older than a day: a person who left the page open, not a robot."""
    try:
        signing.loads(token, salt=TIMING_SALT, max_age=FORM_MAX_AGE)
    except signing.SignatureExpired:
        return True
    except (signing.BadSignature, TypeError, ValueError):
        return False
    return False


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter a reason: it is kept in the audit log."},
    )

    def __init__(self, *args, label: str, help_text: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].help_text = help_text
