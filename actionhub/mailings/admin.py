"""Campaign emails in the console: write, preview, test, send (or schedule), approve, cancel."""

from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.decorators import csp_replace, csp_update
from django.contrib import admin, messages
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.clickjacking import xframe_options_sameorigin

from actionhub.campaigns.admin import MarkdownPreviewMixin
from actionhub.campaigns.models import Campaign
from actionhub.core.admin import AuditedModelAdmin
from actionhub.core.responses import see_other
from actionhub.core.text import counted
from actionhub.mailings.audience import audience_count, audience_describe
from actionhub.mailings.content import ERASE_SLOT, UNSUBSCRIBE_SLOT, mailing_render
from actionhub.mailings.forms import MailingForm, SendForm
from actionhub.mailings.models import Mailing, Recipient
from actionhub.mailings.services import (
    APPROVE,
    OPEN,
    SEND,
    UNTESTED,
    mailing_approve,
    mailing_cancel,
    mailing_figures,
    mailing_needs_approval,
    mailing_send_request,
    mailing_test_send,
    mailing_tested,
)

SAMPLE_LINK = "#"
STARTED = [Mailing.Status.SENDING, Mailing.Status.SENT, Mailing.Status.CANCELLED]
FIGURES_SHOWN = [
    (Recipient.Status.QUEUED, "Queued"),
    (Recipient.Status.SENT, "Sent"),
    (Recipient.Status.FAILED, "Failed"),
    (Recipient.Status.BOUNCED, "Bounced"),
    (Recipient.Status.COMPLAINED, "Reported as spam"),
    (Recipient.Status.UNSUBSCRIBED, "Unsubscribed before it went"),
    (Recipient.Status.SUPPRESSED, "Held back: the address bounced or complained before"),
    (Recipient.Status.CANCELLED, "Not sent: cancelled"),
    (Recipient.Status.INTERRUPTED, "Not known: sending stopped while it was being sent"),
]


@admin.register(Mailing)
class MailingAdmin(MarkdownPreviewMixin, AuditedModelAdmin):
    form = MailingForm
    list_display = ["subject", "status_now", "audience", "send_at", "requested_by"]
    list_filter = ["status"]
    change_form_template = "admin/mailings/mailing/change_form.html"
    fieldsets = [
        (None, {"fields": ["campaign", "subject", "body"]}),
        (
            "Who it goes to",
            {
                "fields": ["action", "occurrence", "constituency", "source", "since", "until"],
                "description": "Only people who agreed to hear more, and have not withdrawn "
                "since, ever get a campaign email. Narrow it down here, or leave these blank "
                "for all of them. “Leads a community group” sends it instead to the leaders "
                "of approved groups who asked for news for group leaders.",
            },
        ),
    ]

    @admin.display(description="Status")
    def status_now(self, mailing):
        if mailing.status == Mailing.Status.SENDING:
            figures = mailing_figures(mailing)
            return f"Sending: {figures[Recipient.Status.SENT]:,} of {mailing.recipients.count():,}"
        return mailing.get_status_display()

    @admin.display(description="Audience")
    def audience(self, mailing):
        if mailing.status in (Mailing.Status.SENDING, Mailing.Status.SENT):
            return counted(mailing.recipients.count(), "person", "people")
        if mailing.audience_counted is not None:
            return counted(mailing.audience_counted, "person", "people")
        return "–"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        """The campaign, date and constituency are chosen here, never edited, added or deleted
        from this form: no links beside them to do so."""
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and isinstance(field.widget, RelatedFieldWidgetWrapper):
            field.widget = field.widget.widget
        return field

    def get_changeform_initial_data(self, request):
        """The default campaign, and what a link asked for (the groups' "Email all group
        leaders" asks for their audience)."""
        default = Campaign.objects.filter(is_default=True).first()
        initial = super().get_changeform_initial_data(request)
        return {**initial, "campaign": default.pk if default else None}

    def has_change_permission(self, request, obj=None):
        """A draft may be changed; once sending is asked for, the email is what it is."""
        return (obj is None or obj.is_draft) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return (obj is None or obj.is_draft) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        if change and not Mailing.objects.filter(pk=obj.pk, status=Mailing.Status.DRAFT).exists():
            raise PermissionDenied("Only a draft can be changed.")
        super().save_model(request, obj, form, change)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        mailing = self.get_object(request, object_id)
        context = extra_context or {}
        if mailing is not None:
            context.update(self._situation(request, mailing))
        return super().change_view(request, object_id, form_url, context)

    def _situation(self, request, mailing: Mailing) -> dict:
        user = request.user
        figures = None
        if mailing.status in STARTED:
            counts = mailing_figures(mailing)
            figures = [(label, counts[status]) for status, label in FIGURES_SHOWN]
        count = audience_count(mailing) if mailing.is_draft else None
        return {
            "mailing": mailing,
            "audience_now": count,
            "audience_words": audience_describe(mailing),
            "figures": figures,
            "can_send": mailing.is_draft and user.has_perm(SEND),
            "can_approve": (
                mailing.status == Mailing.Status.AWAITING_APPROVAL
                and user.has_perm(APPROVE)
                and user.pk != mailing.requested_by_id
            ),
            "can_cancel": mailing.status in OPEN and user.has_perm(SEND),
        }

    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(function)

        return [
            path("<int:pk>/preview/", view(self.preview_view), name="mailings_mailing_preview"),
            path("<int:pk>/preview/email.html", view(self.preview_html_view),
                 name="mailings_mailing_preview_html"),
            path("<int:pk>/test/", view(self.test_view), name="mailings_mailing_test"),
            path("<int:pk>/send/", view(self.send_view), name="mailings_mailing_send"),
            path("<int:pk>/approve/", view(self.approve_view), name="mailings_mailing_approve"),
            path("<int:pk>/cancel/", view(self.cancel_view), name="mailings_mailing_cancel"),
            *super().get_urls(),
        ]  # fmt: skip

    def _mailing(self, request, pk) -> Mailing:
        mailing = get_object_or_404(Mailing.objects.select_related("campaign"), pk=pk)
        if not self.has_view_permission(request, mailing):
            raise PermissionDenied
        return mailing

    def _context(self, request, mailing, title, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "mailing": mailing,
            "change_url": reverse("admin:mailings_mailing_change", args=[mailing.pk]),
            "body_class": "app-mailings model-mailing",
            **extra,
        }

    @method_decorator(csp_update({"frame-src": [SELF]}))
    def preview_view(self, request, pk):
        """The email as supporters will see it, both parts, before a test or the real thing."""
        mailing = self._mailing(request, pk)
        rendered = mailing_render(mailing)
        text = rendered.text.replace(UNSUBSCRIBE_SLOT, "(your unsubscribe link)")
        text = text.replace(ERASE_SLOT, "(your link to withdraw and erase)")
        context = self._context(
            request, mailing, f"Preview: {mailing.subject}",
            rendered=rendered, text=text, audience_words=audience_describe(mailing),
            audience_now=audience_count(mailing) if mailing.is_draft else None,
            can_send=mailing.is_draft and request.user.has_perm(SEND),
        )  # fmt: skip
        return TemplateResponse(request, "admin/mailings/mailing/preview.html", context)

    @method_decorator(xframe_options_sameorigin)
    @method_decorator(
        csp_replace({"default-src": [NONE], "style-src": [UNSAFE_INLINE], "frame-ancestors": [SELF],
                     "script-src": None, "img-src": None, "font-src": None, "connect-src": None,
                     "manifest-src": None, "form-action": [NONE]})
    )  # fmt: skip
    def preview_html_view(self, request, pk):
        """The HTML part alone, framed by the preview page: its inline styles allowed, and
        nothing else (no scripts, images or fonts), exactly as a mail program shows it."""
        mailing = self._mailing(request, pk)
        html = mailing_render(mailing).html
        html = html.replace(UNSUBSCRIBE_SLOT, SAMPLE_LINK).replace(ERASE_SLOT, SAMPLE_LINK)
        response = HttpResponse(html, content_type="text/html; charset=utf-8")
        response["Cache-Control"] = "no-store"
        return response

    def test_view(self, request, pk):
        mailing = self._mailing(request, pk)
        preview = reverse("admin:mailings_mailing_preview", args=[mailing.pk])
        if request.method != "POST":
            return see_other(preview)
        try:
            mailing_test_send(actor=request.user, mailing=mailing, request=request)
        except (ValidationError, PermissionDenied) as problem:
            self.message_user(request, _words(problem), messages.ERROR)
        else:
            self.message_user(
                request, f"A test is on its way to {request.user.email}: check it there.",
                messages.SUCCESS,
            )  # fmt: skip
        return see_other(preview)

    def send_view(self, request, pk):
        mailing = self._mailing(request, pk)
        if not request.user.has_perm(SEND):
            raise PermissionDenied
        change_url = reverse("admin:mailings_mailing_change", args=[mailing.pk])
        if not mailing.is_draft:
            self.message_user(request, "Only a draft can be sent.", messages.WARNING)
            return see_other(change_url)
        form = SendForm(request.POST or None)
        count = audience_count(mailing)
        if request.method == "POST" and form.is_valid():
            try:
                mailing = mailing_send_request(
                    actor=request.user, mailing=mailing, send_at=form.chosen_time,
                    request=request,
                )  # fmt: skip
            except (ValidationError, PermissionDenied) as problem:
                form.add_error(None, _words(problem))
            else:
                self.message_user(request, _sent_message(mailing), messages.SUCCESS)
                return see_other(change_url)
        approval = mailing_needs_approval(count=count)
        everyone = counted(count, "person", "people")
        explanation = [
            f"To: {audience_describe(mailing)}: {everyone} now.",
            "Everyone's consent is checked again as their message goes: anyone who "
            "unsubscribes before then is left out.",
        ]
        if not mailing_tested(mailing):
            explanation.insert(0, UNTESTED)
        if approval:
            explanation.append(
                "It goes to more than "
                f"{counted(_approval_above(), 'person', 'people')}, so another organiser "
                "approves it first; it is sent at the time you choose, or once approved."
            )
        context = self._context(
            request, mailing, f"Send “{mailing.subject}”", form=form, explanation=explanation,
            form_action=request.get_full_path(), hidden=[],
            button="Ask for approval" if approval else f"Send to {everyone}",
            back_url=change_url, back_label=mailing.subject,
            back_text="Go back without sending",
        )  # fmt: skip
        status = 400 if form.errors else 200
        return TemplateResponse(request, "admin/confirm.html", context, status=status)

    def _operate(self, request, mailing, operation, done: str):
        """Run an organiser's operation on the mailing; back to its page, saying how it went."""
        try:
            operation(actor=request.user, mailing=mailing, request=request)
        except (ValidationError, PermissionDenied) as problem:
            self.message_user(request, _words(problem), messages.ERROR)
        else:
            self.message_user(request, done, messages.SUCCESS)
        return see_other(reverse("admin:mailings_mailing_change", args=[mailing.pk]))

    def approve_view(self, request, pk):
        mailing = self._mailing(request, pk)
        change_url = reverse("admin:mailings_mailing_change", args=[mailing.pk])
        if request.method == "POST" and request.POST.get("confirm"):
            return self._operate(request, mailing, mailing_approve,
                                 "Approved: it is sent at the time chosen.")  # fmt: skip
        if not self._situation(request, mailing)["can_approve"]:
            raise PermissionDenied
        preview = reverse("admin:mailings_mailing_preview", args=[mailing.pk])
        explanation = [
            f"{mailing.requested_by} asks to send this email to {audience_describe(mailing)}: "
            f"{counted(mailing.audience_counted or 0, 'person', 'people')} when they asked.",
            f"It will be sent {_when(mailing)}. Read it in the preview before you approve it.",
        ]
        context = self._context(
            request, mailing, f"Approve “{mailing.subject}”", form=None,
            explanation=explanation, preview_url=preview, form_action=request.get_full_path(),
            hidden=[], button="Approve and send", back_url=change_url, back_label=mailing.subject,
            back_text="Go back without approving",
        )  # fmt: skip
        return TemplateResponse(request, "admin/confirm.html", context)

    def cancel_view(self, request, pk):
        mailing = self._mailing(request, pk)
        change_url = reverse("admin:mailings_mailing_change", args=[mailing.pk])
        if request.method == "POST" and request.POST.get("confirm"):
            return self._operate(request, mailing, mailing_cancel,
                                 "Cancelled: no more of it will be sent.")  # fmt: skip
        if not self._situation(request, mailing)["can_cancel"]:
            raise PermissionDenied
        sent = mailing_figures(mailing)[Recipient.Status.SENT]
        explanation = [
            "Messages already sent cannot be called back"
            + (f": {counted(sent, 'person', 'people')} have it." if sent else "."),
            "No one else will get it. This cannot be undone.",
        ]
        context = self._context(
            request, mailing, f"Cancel “{mailing.subject}”", form=None,
            explanation=explanation, form_action=request.get_full_path(), hidden=[],
            button="Cancel this email", dangerous=True, back_url=change_url,
            back_label=mailing.subject, back_text="Go back without cancelling",
        )  # fmt: skip
        return TemplateResponse(request, "admin/confirm.html", context)


def _approval_above() -> int:
    from django.conf import settings

    return settings.MAILING_APPROVAL_ABOVE


def _words(problem: Exception) -> str:
    if isinstance(problem, ValidationError):
        return " ".join(problem.messages)
    return str(problem) or "You do not have permission to do that."


def _when(mailing: Mailing) -> str:
    if mailing.send_at is None or mailing.send_at <= timezone.now():
        return "as soon as it is approved"
    return f"at {timezone.localtime(mailing.send_at):%-d %B %Y, %H:%M}"


def _sent_message(mailing: Mailing) -> str:
    if mailing.status == Mailing.Status.AWAITING_APPROVAL:
        return "Another organiser must approve this email before it is sent: they see it here."
    if mailing.send_at and mailing.send_at > timezone.now():
        return f"Scheduled: it will be sent {_when(mailing)}."
    return "Sending has started: the figures below show how it goes."
