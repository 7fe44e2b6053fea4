from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from actionhub.supporters.confirmation import LinkExpired
from actionhub.supporters.links import ERASE_SALT, UNSUBSCRIBE_SALT, supporter_from_token
from actionhub.supporters.models import Consent
from actionhub.supporters.services import consent_withdraw, person_erase


@never_cache
@csrf_exempt  # RFC 8058: mail programs POST here with no session; the signed link is the key
def unsubscribe(request, token):
    person = supporter_from_token(token=token, salt=UNSUBSCRIBE_SALT)
    if person is None:
        return render(request, "supporters/link_invalid.html", status=400)
    if request.method == "POST":
        consent_withdraw(person=person, purpose=Consent.Purpose.CAMPAIGN_EMAILS)
        return render(request, "supporters/unsubscribed.html")
    return render(request, "supporters/unsubscribe.html")


@never_cache
def erase(request, token):
    person = supporter_from_token(token=token, salt=ERASE_SALT)
    if person is None:
        return render(request, "supporters/link_invalid.html", status=400)
    if request.method == "POST":
        person_erase(person=person)
        return render(request, "supporters/erased.html")
    return render(request, "supporters/erase.html")


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
