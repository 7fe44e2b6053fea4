from django import forms
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from actionhub.core.ip import client_ip
from actionhub.supporters.forms import email_field
from actionhub.supporters.links import (
    ERASE_LINK_MAX_AGE,
    ERASE_SALT,
    UNSUBSCRIBE_KINDS,
    LinkExpired,
    supporter_from_token,
)
from actionhub.supporters.models import Consent
from actionhub.supporters.services import consent_withdraw, erase_link_send, person_erase


@never_cache
@csrf_exempt  # RFC 8058: mail programs POST here with no session; the signed link is the key
def unsubscribe(request, token, purpose=Consent.Purpose.CAMPAIGN_EMAILS):
    """Stop one kind of email: the kind whose link this is."""
    salt, _ = UNSUBSCRIBE_KINDS[purpose]
    person = supporter_from_token(token=token, salt=salt)
    if person is None:
        return render(request, "supporters/link_invalid.html", status=400)
    context = {"group_news": purpose == Consent.Purpose.GROUP_NEWS}
    if request.method == "POST":
        consent_withdraw(person=person, purpose=purpose)
        return render(request, "supporters/unsubscribed.html", context)
    return render(request, "supporters/unsubscribe.html", context)


@never_cache
def erase(request, token):
    try:
        person = supporter_from_token(token=token, salt=ERASE_SALT)
    except LinkExpired:
        return redirect("supporter-erase-request")
    if person is None:
        return render(request, "supporters/link_invalid.html", status=400)
    if request.method == "POST":
        person_erase(person=person)
        return render(request, "supporters/erased.html")
    return render(request, "supporters/erase.html")


class EraseRequestForm(forms.Form):
    email = email_field(help_text="The address our emails to you went to.")


@never_cache
def erase_request(request):
    """For an erase link that has expired, or an email that is lost: a new link, sent to the
    address (the page is the same whether we hold it or not)."""
    from actionhub.campaigns.selectors import campaign_get_default

    form = EraseRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        erase_link_send(
            email=form.cleaned_data["email"], sender=campaign_get_default().name,
            ip_address=client_ip(request),
        )  # fmt: skip
        address_remember(request, form.cleaned_data["email"])
        response = redirect("supporter-erase-requested")
        response.status_code = 303
        return response
    context = {"form": form, "expired_after_days": ERASE_LINK_MAX_AGE.days}
    return render(
        request, "supporters/erase_request.html", context, status=400 if form.errors else 200
    )


@never_cache
def erase_requested(request):
    context = {
        "address": remembered_address(request),
        "expired_after_days": ERASE_LINK_MAX_AGE.days,
    }
    return render(request, "supporters/erase_requested.html", context)


ADDRESS_KEY = "supporter_address"


def address_remember(request, address: str) -> None:
    """The address just typed, for the "check your email" page to show (a typo is then seen).
    Kept in this browser's session only."""
    request.session[ADDRESS_KEY] = address


def remembered_address(request) -> str:
    return request.session.get(ADDRESS_KEY, "")


def confirm_failed(request, problem: Exception, *, campaign, again_url: str, again_label: str):
    """The page for a confirmation link that cannot confirm: expired, broken or replaced."""
    context = {
        "campaign": campaign,
        "expired": isinstance(problem, LinkExpired),
        "again_url": again_url,
        "again_label": again_label,
    }
    return render(request, "supporters/confirm_failed.html", context, status=400)
