from django import forms

from actionhub.core.text import person_name
from actionhub.supporters.forms import email_field


class DataLinkRequestForm(forms.Form):
    email = email_field(help_text="The address you gave us: we send the link to it.")


class ChoiceForm(forms.Form):
    """One choice turned on or off: which, and whether it is now wanted."""

    purpose = forms.CharField(widget=forms.HiddenInput)
    wanted = forms.BooleanField(required=False)


NAME_IN_ALL = 100


class NameForm(forms.Form):
    first_name = forms.CharField(
        label="Your first name", max_length=100,
        error_messages={"required": "Enter your first name.",
                        "max_length": "Your first name must be 100 characters or fewer."},
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )  # fmt: skip
    last_name = forms.CharField(
        label="Your last name (optional)", max_length=100, required=False,
        error_messages={"max_length": "Your last name must be 100 characters or fewer."},
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )  # fmt: skip

    def clean_first_name(self):
        return person_name(self.cleaned_data["first_name"], "Your first name")

    def clean_last_name(self):
        return person_name(self.cleaned_data.get("last_name") or "", "Your last name")

    def clean(self):
        cleaned = super().clean()
        whole = f"{cleaned.get('first_name', '')} {cleaned.get('last_name', '')}".strip()
        if len(whole) > NAME_IN_ALL:  # a letter keeps the name whole, in one field
            self.add_error("last_name", f"Your name must be {NAME_IN_ALL} characters or fewer "
                                        "in all, first and last together.")  # fmt: skip
        return cleaned
