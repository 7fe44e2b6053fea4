from datetime import timedelta

from django import forms
from django.utils import timezone

from actionhub.events.models import Occurrence
from actionhub.mailings.content import body_clean, subject_clean
from actionhub.mailings.models import Mailing

# The dates offered: those still to come, and those of the last month (to follow one up).
RECENT_DATES = timedelta(days=31)


class MailingForm(forms.ModelForm):
    class Meta:
        model = Mailing
        fields = ["campaign", "subject", "body", "action", "occurrence", "constituency", "source",
                  "since", "until"]  # fmt: skip
        labels = {"campaign": "From"}
        help_texts = {
            "campaign": "The campaign whose name the email is sent under.",
            "subject": "One line, as it shows in the inbox.",
        }
        error_messages = {"subject": {"required": "Enter a subject: it is the first thing "
                                                  "people see."},
                          "body": {"required": "Write the email: its body is empty."}}  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "occurrence" in self.fields:  # not on a read-only page
            recent = timezone.now() - RECENT_DATES
            dates = Occurrence.objects.filter(ends_at__gte=recent).select_related("series")
            self.fields["occurrence"].queryset = dates.order_by("starts_at")

    def clean_subject(self):
        return subject_clean(self.cleaned_data.get("subject", ""))

    def clean_body(self):
        return body_clean(self.cleaned_data.get("body", ""))

    def clean_source(self):
        return " ".join(self.cleaned_data.get("source", "").split()).lower()

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", "The last day must be on or after the first day.")
        if cleaned.get("action") == Mailing.Action.GROUP_LEADERS:
            self._group_leaders_only(cleaned)
        elif cleaned.get("occurrence") and cleaned.get("action") != Mailing.Action.RSVPED:
            self.add_error(
                "occurrence",
                "A date narrows down who is coming: choose “Said they are coming to a "
                "demonstration” under “Who did”, or leave the date blank.",
            )
        return cleaned

    def _group_leaders_only(self, cleaned) -> None:
        """News for group leaders goes to every leader who asked for it: what narrows campaign
        emails down (what people did, where, when) says nothing about who leads a group."""
        for name in ["occurrence", "constituency", "source", "since", "until"]:
            if cleaned.get(name):
                label = self.fields[name].label
                self.add_error(
                    name,
                    f"Leave “{label}” blank: news for group leaders goes to every leader who "
                    "asked for it.",
                )


class SendForm(forms.Form):
    when = forms.ChoiceField(
        label="When",
        choices=[("now", "Now"), ("later", "At a time I choose")],
        widget=forms.RadioSelect,
        initial="now",
        error_messages={"required": "Choose when to send it."},
    )
    send_at = forms.DateTimeField(
        label="Date and time",
        required=False,
        help_text="UK time.",
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"invalid": "Enter the date and time like 14/12/2026 18:30."},
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("when") == "later":
            send_at = cleaned.get("send_at")
            if send_at is None and "send_at" not in self.errors:
                self.add_error("send_at", "Enter when to send it, or choose “Now”.")
            elif send_at is not None and send_at <= timezone.now():
                self.add_error("send_at", "Choose a time in the future, or choose “Now”.")
        return cleaned

    @property
    def chosen_time(self):
        return self.cleaned_data["send_at"] if self.cleaned_data.get("when") == "later" else None
