from django import forms

from actionhub.campaigns.models import Appeal


def _amount(label: str, what: str, help_text: str) -> forms.IntegerField:
    message = f"Enter {what} as a whole number, 0 or more, like 25000."
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        required=False,
        min_value=0,
        error_messages={"invalid": message, "min_value": message},
        widget=forms.NumberInput(attrs={"min": 0, "step": 1, "inputmode": "numeric"}),
    )


class AppealForm(forms.ModelForm):
    """The appeal, with its target and the amount raised as plain whole amounts."""

    target = _amount("Target", "the target", "Leave empty to show no target.")
    raised = _amount(
        "Raised so far", "the amount raised", "As on the appeal’s own page. Leave empty to hide."
    )

    class Meta:
        model = Appeal
        fields = [
            "target",
            "raised",
            "currency",
            "campaign",
            "title",
            "summary",
            "body",
            "url",
            "link_text",
        ]

    def clean_currency(self):
        currency = (self.cleaned_data.get("currency") or "").strip().upper()
        if not (len(currency) == 3 and currency.isalpha()):
            raise forms.ValidationError("Enter the currency as a three-letter code, like GBP.")
        return currency
