import re
import time
import unicodedata

from django import forms
from django.conf import settings
from django.core import signing

SIGN_WORDING = "I sign this pledge"
SHOW_NAME_WORDING = "Show my first name on the site"
CAMPAIGN_EMAILS_WORDING = "Email me about this campaign"

UK_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$")
SOURCE_CODE = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
TIMING_SALT = "pledge-form-started"


def clean_source(value: str | None) -> str:
    return value if value and SOURCE_CODE.fullmatch(value) else ""


def normalise_postcode(value: str) -> str:
    """'sw1a0aa', ' SW1A 0AA ' -> 'SW1A 0AA'; anything else comes back unchanged."""
    compact = "".join(value.split()).upper()
    if UK_POSTCODE.fullmatch(compact):
        return f"{compact[:-3]} {compact[-3:]}"
    return value.strip()


def form_started_token() -> str:
    return signing.dumps(time.time(), salt=TIMING_SALT)


def _clean_name(value: str, what: str) -> str:
    value = " ".join(value.split())
    if any(unicodedata.category(char).startswith("C") for char in value):
        raise forms.ValidationError(f"Your {what} has characters we cannot use. Type it again.")
    if not any(unicodedata.category(char).startswith("L") for char in value):
        raise forms.ValidationError(f"Enter your {what} using letters.")
    return value


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
        label="Last name",
        max_length=100,
        help_text="Never shown on the site.",
        error_messages={
            "required": "Enter your last name.",
            "max_length": "Your last name must be 100 characters or fewer.",
        },
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="We will email you a link to confirm your signature.",
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address like name@example.com.",
            "max_length": "Your email address must be 254 characters or fewer.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
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
    source = forms.CharField(required=False, widget=forms.HiddenInput)
    started = forms.CharField(required=False, widget=forms.HiddenInput)
    # A field people never see: only form-filling robots put anything in it.
    website = forms.CharField(
        label="Leave this empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_first_name(self):
        return _clean_name(self.cleaned_data["first_name"], "first name")

    def clean_last_name(self):
        return _clean_name(self.cleaned_data["last_name"], "last name")

    def clean_email(self):
        email = self.cleaned_data["email"]
        domain = email.rpartition("@")[2].casefold()
        if domain in settings.DISPOSABLE_EMAIL_DOMAINS:
            raise forms.ValidationError(
                "Use an email address you will keep: we cannot accept addresses from "
                "temporary email services."
            )
        return email

    def clean_source(self):
        return clean_source(self.cleaned_data.get("source"))

    def clean(self):
        data = super().clean()
        if data.get("outside_uk"):
            data["postcode"] = ""
            country = " ".join(data.get("country", "").split())
            if not country:
                self.add_error("country", "Enter the country you live in.")
            data["country"] = country
        else:
            data["country"] = ""
            postcode = normalise_postcode(data.get("postcode", ""))
            if not postcode:
                self.add_error(
                    "postcode", "Enter your UK postcode, or tick “I live outside the UK”."
                )
            elif not UK_POSTCODE.fullmatch(postcode.replace(" ", "")):
                self.add_error("postcode", "Enter a UK postcode, like SW1A 1AA.")
            data["postcode"] = postcode
        return data

    @property
    def looks_automated(self) -> bool:
        """Filled the hidden field, or sent the form faster than a person could."""
        if self.cleaned_data.get("website"):
            return True
        try:
            started = signing.loads(self.cleaned_data.get("started", ""), salt=TIMING_SALT)
        except signing.BadSignature:
            return True
        return time.time() - float(started) < settings.PLEDGE_MIN_FORM_SECONDS
