"""Writing to a brand about the Call to Action (asking it to commit, thanking it, or asking why
it is overdue, as it stands): the letter, then details and delivery."""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from actionhub.brands.models import Brand
from actionhub.brands.selectors import brand_letter_template
from actionhub.campaigns.selectors import campaign_get_default
from actionhub.core.ip import client_ip
from actionhub.letters.compose import letter_prefill, personal_share
from actionhub.letters.forms import BrandLetterDetailsForm, BrandLetterEditForm
from actionhub.letters.models import Letter
from actionhub.letters.services import LettersRateLimited, letter_submit
from actionhub.letters.views import (
    after_submit,
    draft_get,
    draft_save,
    draft_take_source,
    see_other,
)
from actionhub.supporters.views import remembered_address


def _brand_and_template(slug):
    """The brand, and the campaign's letter for where it stands today (its draft's key too:
    a draft begun before the brand's status changed is not carried to another letter)."""
    campaign = campaign_get_default()
    brand = get_object_or_404(Brand, campaign=campaign, slug=slug)
    template = brand_letter_template(brand=brand, today=timezone.localdate())
    if template is None:
        raise Http404("This campaign has no letter for this brand as it stands.")
    return brand, template


def _draft_key(slug, template):
    return f"brand:{slug}:{template.slug}"


def _context(brand, template, form, **extra):
    return {"campaign": template.campaign, "letter": template, "brand": brand, "form": form} | extra


def brand_letter_write(request, slug):
    brand, template = _brand_and_template(slug)
    key = _draft_key(slug, template)
    draft = draft_take_source(request, key, draft_get(request, key))
    prefill = letter_prefill(template_body=template.body, mp_name=brand.name)
    if request.method == "POST":
        form = BrandLetterEditForm(request.POST, template_body=template.body)
        if form.is_valid():
            draft_save(request, key, draft | form.cleaned_data)
            return see_other("brand-letter-details", slug)
    else:
        initial = {"subject": draft.get("subject") or template.subject,
                   "body": draft.get("body") or prefill}  # fmt: skip
        form = BrandLetterEditForm(initial=initial, template_body=template.body)
    context = _context(
        brand, template, form, prefill=prefill,
        share=personal_share(prefill=prefill, body=draft.get("body") or prefill),
        form_action=reverse("brand-letter-write", args=[slug]),
    )  # fmt: skip
    return render(request, "letters/write.html", context, status=400 if form.errors else 200)


def brand_letter_details(request, slug):
    brand, template = _brand_and_template(slug)
    key = _draft_key(slug, template)
    draft = draft_get(request, key)
    if not draft.get("body"):
        return redirect("brand-letter-write", slug)
    options = {"brand_name": brand.name, "has_email": bool(brand.contact_email)}
    if request.method == "POST":
        form = BrandLetterDetailsForm(request.POST, **options)
        if form.is_valid():
            try:
                letter = letter_submit(
                    template=template, brand=brand, subject=draft["subject"], body=draft["body"],
                    details=form.cleaned_data, ip_address=client_ip(request),
                    source=draft.get("source", ""),
                )  # fmt: skip
            except LettersRateLimited as limited:
                form.add_error(None, str(limited))
            else:
                check = reverse("brand-letter-check-email", args=[slug])
                return after_submit(
                    request, key, letter, check, typed_email=form.cleaned_data["email"]
                )
    else:
        delivery = Letter.Delivery.SITE if brand.contact_email else Letter.Delivery.OWN_EMAIL
        form = BrandLetterDetailsForm(initial={"delivery": delivery}, **options)
    prefill = letter_prefill(template_body=template.body, mp_name=brand.name)
    context = _context(
        brand, template, form, draft=draft,
        share=personal_share(prefill=prefill, body=draft["body"]),
        form_action=reverse("brand-letter-details", args=[slug]),
        edit_url=reverse("brand-letter-write", args=[slug]),
    )  # fmt: skip
    return render(request, "letters/details.html", context, status=400 if form.errors else 200)


@never_cache
def brand_letter_check_email(request, slug):
    brand, template = _brand_and_template(slug)
    context = _context(
        brand, template, None, address=remembered_address(request),
        back_url=reverse("brand-letter-details", args=[slug]),
    )  # fmt: skip
    return render(request, "letters/check_email.html", context)
