import re

from django import forms

from actionhub.core.text import has_control_characters, person_name, subject_line
from actionhub.letters.compose import address_lines, normalise_newlines, placeholders_left
from actionhub.letters.models import MP_CONSENT_WORDING, Letter, brand_consent_wording
from actionhub.supporters.forms import email_field, refuse_disposable
from actionhub.supporters.models import CAMPAIGN_EMAILS_WORDING

MAX_BODY = 8000
MAX_ADDRESS_LINES = 8
# UK postcodes start with letters; most other countries' start with a digit (75001, 10115).
FOREIGN_POSTCODE = re.compile(r"\d[\w -]{2,10}")


def _length_message(what: str, limit: int) -> str:
    return f"{what} must be {limit:,} characters or fewer."


class PostcodeForm(forms.Form):
    postcode = forms.CharField(
        label="Your postcode",
        max_length=16,
        help_text="Your MP is the one for the place you live. For example, SW1A 1AA.",
        error_messages={
            "required": "Enter your postcode.",
            "max_length": "Enter a UK postcode, like SW1A 1AA.",
        },
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "spellcheck": "false"}),
    )

    def clean_postcode(self):
        postcode = self.cleaned_data["postcode"].strip()
        if FOREIGN_POSTCODE.fullmatch(postcode):
            raise forms.ValidationError(
                "That looks like a postcode from outside the UK. Only people who live in the UK "
                "have an MP at Westminster. Wherever you live, you can still sign the pledge."
            )
        return postcode


class LetterEditForm(forms.Form):
    subject = forms.CharField(
        label="Subject",
        max_length=150,
        error_messages={
            "required": "Enter a subject for your letter.",
            "max_length": _length_message("The subject", 150),
        },
    )
    body = forms.CharField(
        label="Your letter",
        max_length=MAX_BODY,
        strip=False,
        help_text="Change anything you like. Your name and address are added at the end.",
        error_messages={"required": "Write your letter: it is empty."},
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "true"}),
    )

    def __init__(self, *args, template_body: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.template_body = template_body
        self.fields["body"].error_messages["max_length"] = (
            f"Your letter must be {MAX_BODY:,} characters or fewer"
            " (about 1,300 words). Shorten it a little."
        )

    def clean_subject(self):
        return subject_line(self.cleaned_data["subject"], "The subject")

    def clean_body(self):
        body = normalise_newlines(self.cleaned_data["body"]).strip()
        if has_control_characters(body, allowed="\n\t"):
            raise forms.ValidationError("Your letter has characters we cannot send. Retype it.")
        if not body:
            raise forms.ValidationError("Write your letter: it is empty.")
        left = placeholders_left(template_body=self.template_body, body=body)
        if left:
            raise forms.ValidationError(
                f"Replace “{left[0]}” with your own words, or delete it, before you go on."
            )
        return body


class LetterDetailsForm(forms.Form):
    name = forms.CharField(
        label="Full name",
        max_length=100,
        error_messages={
            "required": "Enter your full name.",
            "max_length": _length_message("Your name", 100),
        },
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    address = forms.CharField(
        label="Postal address",
        max_length=300,
        help_text="MPs act for the people who live in their constituency, so they ask for it.",
        error_messages={
            "required": "Enter your postal address.",
            "max_length": _length_message("Your address", 300),
        },
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "street-address"}),
    )
    email = email_field(
        required=False,
        help_text="Needed to send through this site, where your MP replies to it, "
        "or to hear about the campaign.",
    )
    delivery = forms.ChoiceField(
        label="How do you want to send it?",
        choices=[
            (Letter.Delivery.SITE, "Send it through this site (we email it to your MP for you)"),
            (Letter.Delivery.OWN_EMAIL, "Send it from my own email"),
            (Letter.Delivery.DOWNLOAD, "Download it as a Word document or PDF to print and post"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how to send your letter."},
    )
    pass_to_mp = forms.BooleanField(label=MP_CONSENT_WORDING, required=False)
    campaign_emails = forms.BooleanField(label=CAMPAIGN_EMAILS_WORDING, required=False)
    website = forms.Field(
        label="Leave this empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    recipient_label = "your MP"

    def __init__(self, *args, mp_has_email: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.mp_has_email = mp_has_email
        if not mp_has_email:
            self.fields["delivery"].choices = self.fields["delivery"].choices[1:]

    def clean_name(self):
        return person_name(self.cleaned_data["name"], "Your name")

    def clean_address(self):
        address = normalise_newlines(self.cleaned_data["address"])
        if has_control_characters(address, allowed="\n\t"):
            raise forms.ValidationError("Your address has characters we cannot use. Retype it.")
        lines = address_lines(address)
        if len(lines) > MAX_ADDRESS_LINES:
            raise forms.ValidationError(
                f"Your address must fit on {MAX_ADDRESS_LINES} lines or fewer."
            )
        if not lines:
            raise forms.ValidationError("Enter your postal address.")
        return "\n".join(" ".join(line.split()) for line in lines)

    def clean_email(self):
        return refuse_disposable(self.cleaned_data.get("email") or "", "the reply comes to it.")

    def clean_website(self):
        return str(self.cleaned_data.get("website") or "")

    def clean(self):
        data = super().clean()
        site = data.get("delivery") == Letter.Delivery.SITE
        if site and not data.get("pass_to_mp"):
            self.add_error(
                "pass_to_mp",
                "To send your letter through this site, tick the box to let us pass it and "
                f"your details to {self.recipient_label}. Or choose another way to send it.",
            )
        if "email" in data and not data["email"]:
            if site:
                self.add_error(
                    "email", f"Enter your email address: {self.recipient_label} will reply to it."
                )
            elif data.get("campaign_emails"):
                self.add_error("email", "Enter your email address to hear about the campaign.")
        return data


class ReplyForm(forms.Form):
    reply = forms.ChoiceField(
        label="Did your MP reply?",
        choices=Letter.Reply.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether your MP replied."},
    )
    reply_text = forms.CharField(
        label="Their reply (optional)",
        required=False,
        max_length=20000,
        help_text="Paste it here if you are happy to share it with the campaign's organisers. "
        "Leave out anything personal.",
        error_messages={"max_length": _length_message("The reply", 20000)},
        widget=forms.Textarea(attrs={"rows": 10}),
    )

    def clean_reply_text(self):
        text = normalise_newlines(self.cleaned_data.get("reply_text") or "").strip()
        if has_control_characters(text, allowed="\n\t"):
            raise forms.ValidationError("The reply has characters we cannot keep. Paste it again.")
        return text


class BrandLetterEditForm(LetterEditForm):
    """To a brand: only the name (and the email address, to send it) go under the letter."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].help_text = (
            "Change anything you like. Your name, and your email address if you give one, are "
            "added at the end."
        )


class BrandLetterDetailsForm(LetterDetailsForm):
    """To a brand: no postal address is needed, and there is nothing to download."""

    def __init__(self, *args, brand_name: str, has_email: bool, **kwargs):
        super().__init__(*args, mp_has_email=has_email, **kwargs)
        self.recipient_label = brand_name
        del self.fields["address"]
        self.fields["delivery"].choices = [
            (value, label.replace("to your MP", f"to {brand_name}"))
            for value, label in self.fields["delivery"].choices
            if value != Letter.Delivery.DOWNLOAD
        ]
        self.fields["pass_to_mp"].label = brand_consent_wording(brand_name)
        self.fields["email"].help_text = (
            "Needed to send through this site, where the brand replies to it, or to hear about "
            "the campaign."
        )
