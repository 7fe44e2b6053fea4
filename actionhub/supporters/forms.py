"""Form fields every supporter-facing form asks the same way."""

import unicodedata

from django import forms

from actionhub.core.addresses import has_unseen_characters, is_disposable_email


class SupporterEmailField(forms.EmailField):
    """An address with no characters that cannot be seen, in its plain Unicode form (NFKC:
    full-width letters become ordinary ones), so one mailbox is one person."""

    def to_python(self, value):
        value = super().to_python(value)
        if has_unseen_characters(value):
            raise forms.ValidationError(self.error_messages["unseen"], code="unseen")
        return unicodedata.normalize("NFKC", value)


def email_field(*, help_text: str, required: bool = True) -> forms.EmailField:
    return SupporterEmailField(
        label="Email address",
        max_length=254,
        required=required,
        help_text=help_text,
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address like name@example.com.",
            "max_length": "Your email address must be 254 characters or fewer.",
            "unseen": "Your email address has characters in it that cannot be seen (perhaps "
            "from copying it): type it again.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )


def refuse_disposable(email: str, why: str) -> str:
    """The address, unless it is at a temporary email service (`why` says what it is for)."""
    if email and is_disposable_email(email):
        raise forms.ValidationError(f"Use an email address you will keep: {why}")
    return email
