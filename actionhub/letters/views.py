"""Postcode, then the letter, then details and delivery: a draft in the session until sent."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.cache import never_cache

from actionhub.campaigns.selectors import campaign_get_default
from actionhub.core.ip import client_ip
from actionhub.core.ratelimit import rate_limit_exceeded, rate_limit_key
from actionhub.core.responses import see_other
from actionhub.core.sources import source_clean
from actionhub.letters.compose import letter_prefill, mailto_url, personal_share
from actionhub.letters.documents import letter_docx, letter_pdf, pdf_can_print
from actionhub.letters.forms import LetterDetailsForm, LetterEditForm, PostcodeForm, ReplyForm
from actionhub.letters.models import Letter
from actionhub.letters.selectors import printable_letter
from actionhub.letters.services import (
    HANDED_OVER_KEPT,
    LettersRateLimited,
    letter_confirm,
    letter_from_confirmation,
    letter_from_reply_token,
    letter_full_text,
    letter_recipient_email,
    letter_record_reply,
    letter_submit,
)
from actionhub.parliament.lookup import PostcodeProblem, postcode_lookup
from actionhub.supporters.confirmation import LinkExpired, LinkInvalid
from actionhub.supporters.views import address_remember, confirm_failed, remembered_address

DRAFTS = "letter_drafts"
MINE = "letters_written"
DOCUMENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def _template(slug):
    return get_object_or_404(campaign_get_default().letters, slug=slug, recipient="mp")


def draft_get(request, slug) -> dict:
    return (request.session.get(DRAFTS) or {}).get(slug) or {}


def draft_save(request, slug, draft: dict | None) -> None:
    drafts = request.session.get(DRAFTS) or {}
    if draft is None:
        drafts.pop(slug, None)
    else:
        drafts[slug] = draft
    request.session[DRAFTS] = drafts


def draft_take_source(request, key, draft: dict) -> dict:
    """The draft, with the `?source=` code of the link the letter was started from, kept in the
    session until the letter is sent. A later request without a code keeps the one it has."""
    source = source_clean(request.GET.get("source"))
    if source and draft.get("source") != source:
        draft = draft | {"source": source}
        draft_save(request, key, draft)
    return draft


def _placement(draft):
    """Where the draft's postcode is, looked up again so a changed MP is never written to."""
    try:
        placement = postcode_lookup(draft.get("postcode", ""))
    except PostcodeProblem:
        return None
    return placement if placement.mp else None


def letter_start(request, slug):
    template = _template(slug)
    draft = draft_take_source(request, slug, draft_get(request, slug))
    if request.method == "POST":
        form = PostcodeForm(request.POST)
        if form.is_valid():
            placement = _look_up(request, form)
            if placement is not None:
                if draft.get("postcode") != placement.postcode:
                    # A different MP: start the letter afresh, from the same link.
                    draft = {"source": draft["source"]} if draft.get("source") else {}
                draft_save(request, slug, draft | {"postcode": placement.postcode})
                return see_other("letter-write", slug)
    else:
        form = PostcodeForm(
            initial={"postcode": request.GET.get("postcode") or draft.get("postcode")}
        )
    context = {"campaign": template.campaign, "letter": template, "form": form}
    return render(request, "letters/start.html", context, status=400 if form.errors else 200)


def _look_up(request, form):
    if rate_limit_exceeded(
        key=f"letters-lookup:{rate_limit_key(client_ip(request))}",
        limits=settings.LETTERS_LOOKUP_RATE_LIMITS,
    ):
        form.add_error("postcode", "Too many postcodes were looked up from your connection. "
                       "Please try again in an hour.")  # fmt: skip
        return None
    try:
        placement = postcode_lookup(form.cleaned_data["postcode"])
    except PostcodeProblem as problem:
        form.add_error("postcode", str(problem))
        return None
    if placement.mp is None:
        form.add_error(
            "postcode",
            f"{placement.constituency.name} has no MP at the moment: the seat is vacant until "
            "a by-election. Please try again once it has been filled.",
        )
        return None
    return placement


def letter_write(request, slug):
    template = _template(slug)
    draft = draft_get(request, slug)
    placement = _placement(draft)
    if placement is None:
        return redirect("letter", slug)
    prefill = letter_prefill(template_body=template.body, mp_name=placement.mp.name)
    if request.method == "POST":
        form = LetterEditForm(request.POST, template_body=template.body)
        if form.is_valid():
            draft_save(request, slug, draft | form.cleaned_data)
            return see_other("letter-details", slug)
    else:
        form = LetterEditForm(
            initial={
                "subject": draft.get("subject") or template.subject,
                "body": draft.get("body") or prefill,
            },
            template_body=template.body,
        )
    context = {
        "campaign": template.campaign,
        "letter": template,
        "placement": placement,
        "form": form,
        "prefill": prefill,
        "share": personal_share(prefill=prefill, body=draft.get("body") or prefill),
        "form_action": reverse("letter-write", args=[slug]),
    }
    return render(request, "letters/write.html", context, status=400 if form.errors else 200)


def letter_details(request, slug):
    template = _template(slug)
    draft = draft_get(request, slug)
    placement = _placement(draft)
    if placement is None:
        return redirect("letter", slug)
    if not draft.get("body"):
        return redirect("letter-write", slug)
    mp = placement.mp
    if request.method == "POST":
        form = LetterDetailsForm(request.POST, mp_has_email=bool(mp.email))
        if form.is_valid():
            try:
                letter = letter_submit(
                    template=template,
                    placement=placement,
                    subject=draft["subject"],
                    body=draft["body"],
                    details=form.cleaned_data,
                    ip_address=client_ip(request),
                    source=draft.get("source", ""),
                )
            except LettersRateLimited as limited:
                form.add_error(None, str(limited))
            else:
                return after_submit(
                    request, slug, letter, reverse("letter-check-email", args=[slug]),
                    typed_email=form.cleaned_data["email"],
                )  # fmt: skip
    else:
        form = LetterDetailsForm(
            initial={"delivery": Letter.Delivery.SITE if mp.email else None},
            mp_has_email=bool(mp.email),
        )
    prefill = letter_prefill(template_body=template.body, mp_name=mp.name)
    context = {
        "campaign": template.campaign,
        "letter": template,
        "placement": placement,
        "form": form,
        "draft": draft,
        "share": personal_share(prefill=prefill, body=draft["body"]),
        "form_action": reverse("letter-details", args=[slug]),
        "edit_url": reverse("letter-write", args=[slug]),
    }
    return render(request, "letters/details.html", context, status=400 if form.errors else 200)


def after_submit(request, draft_key, letter, check_email_url, typed_email):
    """To confirm by email: the draft is kept, so a mistyped address can be corrected without
    writing the letter again. Otherwise the letter is ready, and the draft done with."""
    if letter is None or letter.delivery == Letter.Delivery.SITE:
        address_remember(request, typed_email)
        response = redirect(check_email_url)
        response.status_code = 303
        return response
    draft_save(request, draft_key, None)
    request.session[MINE] = [*(request.session.get(MINE) or [])[-9:], letter.pk]
    return see_other("letter-ready", letter.pk)


@never_cache
def check_email(request, slug):
    template = _template(slug)
    context = {
        "campaign": template.campaign,
        "letter": template,
        "address": remembered_address(request),
        "back_url": reverse("letter-details", args=[slug]),
    }
    return render(request, "letters/check_email.html", context)


def _mine(request, pk) -> Letter:
    """A letter written in this browser: nobody else can open it."""
    if pk not in (request.session.get(MINE) or []):
        raise Http404("This letter is not one you wrote here.")
    letter = Letter.objects.select_related("template__campaign", "mp", "brand", "constituency")
    letter = letter.filter(pk=pk, personal_data_erased_at=None).first()
    if letter is None:
        raise Http404("This letter is no longer kept.")
    return letter


@never_cache
def letter_ready(request, pk):
    letter = _mine(request, pk)
    text = letter_full_text(letter)
    mp_email = letter_recipient_email(letter)
    context = {
        "pdf_can_print": pdf_can_print(printable_letter(letter)),
        "campaign": letter.template.campaign,
        "written": letter,
        "text": text,
        "mp_email": mp_email,
        "mailto": mailto_url(to=mp_email, subject=letter.subject, body=text) if mp_email else "",
        "kept_days": HANDED_OVER_KEPT.days,
    }
    return render(request, "letters/ready.html", context)


@never_cache
def letter_document(request, pk, kind):
    if kind not in DOCUMENT_TYPES:
        raise Http404("Letters download as .docx or .pdf.")
    letter = _mine(request, pk)
    if letter.to_brand:
        raise Http404("Letters to brands are sent by email.")
    printable = printable_letter(letter)
    content = letter_docx(printable) if kind == "docx" else letter_pdf(printable)
    response = HttpResponse(content, content_type=DOCUMENT_TYPES[kind])
    filename = f"letter-to-{slugify(letter.mp_name) or 'your-mp'}.{kind}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
def confirm(request, token):
    try:
        letter = letter_from_confirmation(token=token)
    except (LinkInvalid, LinkExpired) as problem:
        return confirm_failed(
            request, problem, campaign=campaign_get_default(), again_url=reverse("letters"),
            again_label="Write your letter again",
        )  # fmt: skip
    context = {
        "campaign": letter.template.campaign,
        "written": letter,
        "resend_days": settings.LETTERS_RESEND_DAYS,
    }
    if request.method == "POST":
        context["confirmation"] = letter_confirm(token=token)
        return render(request, "letters/confirmed.html", context)
    if letter.confirmed_at:
        context["confirmation"] = {"outcome": "already", "letter": letter}
        return render(request, "letters/confirmed.html", context)
    context["text"] = letter_full_text(letter)
    return render(request, "letters/confirm.html", context)


@never_cache
def reply(request, token):
    letter = letter_from_reply_token(token=token)
    if letter is None:
        return render(request, "letters/reply_failed.html", status=400)
    context = {"campaign": letter.template.campaign, "written": letter}
    if request.method == "POST":
        form = ReplyForm(request.POST)
        if form.is_valid():
            letter_record_reply(letter=letter, **form.cleaned_data)
            return render(request, "letters/reply_thanks.html", context)
    else:
        form = ReplyForm(initial={"reply": letter.reply or None, "reply_text": letter.reply_text})
    context["form"] = form
    return render(request, "letters/reply.html", context, status=400 if form.errors else 200)
