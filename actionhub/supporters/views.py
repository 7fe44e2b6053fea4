from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

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
