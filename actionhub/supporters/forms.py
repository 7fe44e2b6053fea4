"""Form fields every supporter-facing form asks the same way."""

from django import forms

from actionhub.supporters.emails import is_disposable_email


def email_field(*, help_text: str, required: bool = True) -> forms.EmailField:
    return forms.EmailField(
        label="Email address",
        max_length=254,
        required=required,
        help_text=help_text,
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address like name@example.com.",
            "max_length": "Your email address must be 254 characters or fewer.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )


def refuse_disposable(email: str, why: str) -> str:
    """The address, unless it is at a temporary email service (`why` says what it is for)."""
    if email and is_disposable_email(email):
        raise forms.ValidationError(f"Use an email address you will keep: {why}")
    return email
