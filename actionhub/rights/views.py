"""Your data: ask for a link by address, open it (a button uses it), then see and download.

Pressing the link's button opens the person's data in that browser's session, for
ACCESS_LASTS: the session holds who, by which link, and until when, under a new session key.
"""

import functools
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from actionhub.campaigns.selectors import campaign_get_default
from actionhub.core.ip import client_ip
from actionhub.core.responses import private_link, see_other
from actionhub.rights.changes import (
    NotOffered,
    choice_set,
    consent_withdraw_and_undo,
    person_name_correct,
    toggles_offered,
    withdrawal_for,
    withdrawals_offered,
)
from actionhub.rights.exports import FORMATS
from actionhub.rights.forms import ChoiceForm, DataLinkRequestForm, NameForm
from actionhub.rights.inventory import period, person_confirmed, person_inventory, when
from actionhub.rights.models import AccessLink, PreparedExport
from actionhub.rights.prepared import (
    export_file,
    export_prepare_queue,
    inventory_is_large,
)
from actionhub.rights.services import (
    ACCESS_LASTS,
    ACCESS_LINK_MAX_AGE,
    LinkUsed,
    access_link_read,
    access_link_send,
    access_link_use,
)
from actionhub.supporters.confirmation import DAY
from actionhub.supporters.links import LinkExpired, LinkInvalid
from actionhub.supporters.models import Person
from actionhub.supporters.services import person_erase
from actionhub.supporters.views import address_remember, remembered_address

ACCESS_KEY = "rights_access"
LINK_MINUTES = int(ACCESS_LINK_MAX_AGE.total_seconds() // 60)


# This browser's access


def access_start(request, link: AccessLink) -> None:
    """Open `link`'s person's data in this browser, under a new session key."""
    request.session.cycle_key()
    request.session[ACCESS_KEY] = {
        "person": link.person_id,
        "link": link.pk,
        "until": (link.used_at + ACCESS_LASTS).timestamp(),
    }


def access_held(request) -> tuple[Person | None, str]:
    """Whose data this browser may see now, and if none, why: "ended" (its hour is over),
    "none" (never opened here, or the person or link since deleted)."""
    held = request.session.get(ACCESS_KEY)
    if not isinstance(held, dict) or not all(
        isinstance(held.get(key), int) for key in ("person", "link")
    ):
        return None, "none"
    if timezone.now().timestamp() >= held.get("until", 0):
        return None, "ended"
    person = Person.objects.filter(pk=held.get("person"), access_links=held.get("link")).first()
    return (person, "") if person else (None, "none")


def access_until(request) -> datetime:
    return datetime.fromtimestamp(request.session[ACCESS_KEY]["until"], tz=UTC)


# Asking for a link


@never_cache
def link_request(request):
    """The same answer whether or not the address is on file: only its mailbox learns."""
    campaign = campaign_get_default()
    form = DataLinkRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        access_link_send(
            email=form.cleaned_data["email"], sender=campaign.name, ip_address=client_ip(request)
        )
        address_remember(request, form.cleaned_data["email"])
        return see_other("rights-link-sent")
    context = {"campaign": campaign, "form": form, "minutes": LINK_MINUTES}
    return render(request, "rights/request.html", context, status=400 if form.errors else 200)


@never_cache
def link_sent(request):
    context = {
        "campaign": campaign_get_default(),
        "address": remembered_address(request),
        "minutes": LINK_MINUTES,
    }
    return render(request, "rights/link_sent.html", context)


# The emailed link


def link_failed(request, problem: Exception):
    context = {
        "campaign": campaign_get_default(),
        "expired": isinstance(problem, LinkExpired),
        "used": isinstance(problem, LinkUsed),
        "minutes": LINK_MINUTES,
    }
    return render(request, "rights/link_failed.html", context, status=400)


@private_link
def link(request, token):
    """Opening the link shows a button; only pressing it uses the link (mail systems open
    links to scan them). A link for someone else while this browser shows another person's
    data is refused until that is closed: one browser never mixes two people's data."""
    held, _ = access_held(request)
    try:
        found = access_link_read(token=token)
        if held is not None and held.pk != found.person_id:
            context = {"campaign": campaign_get_default(), "token": token}
            return render(request, "rights/link_other.html", context, status=400)
        if request.method == "POST":
            access_start(request, access_link_use(link=found))
            return see_other("rights-data")
    except LinkUsed as used:
        if held is not None and request.session[ACCESS_KEY]["link"] == used.link.pk:
            return see_other("rights-data")  # pressed already, in this browser
        return link_failed(request, used)
    except (LinkInvalid, LinkExpired) as problem:
        return link_failed(request, problem)
    context = {"campaign": campaign_get_default(), "lasts": period(ACCESS_LASTS)}
    return render(request, "rights/link.html", context)


# The data


def with_access(view):
    """A page of the person's data: given the person this browser may see, else the page
    saying how to ask for a link."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        person, why = access_held(request)
        if person is None:
            context = {"campaign": campaign_get_default(), "ended": why == "ended",
                       "lasts": period(ACCESS_LASTS)}  # fmt: skip
            return render(request, "rights/no_access.html", context, status=403)
        return view(request, person, *args, **kwargs)

    return private_link(wrapped)


SAVED = {
    "preparing": "Your download is being made: it is offered here once it is ready. Reload "
    "this page in a minute.",
    "choice": "Your choice is saved.",
    "withdrawn": "Withdrawn: what it was for is undone.",
    "name": "Your name is corrected.",
}


@with_access
def data(request, person):
    return _data_page(request, person)


def _data_page(request, person, *, name_form=None, status=200):
    inventory = person_inventory(person=person)
    context = {
        "campaign": campaign_get_default(),
        "inventory": inventory,
        "until": when(access_until(request)),
        "cap_kept": period(timedelta(seconds=DAY)),
        "session_lasts": period(timedelta(seconds=settings.SESSION_COOKIE_AGE)),
        "toggles": toggles_offered(person),
        "withdrawals": withdrawals_offered(person),
        "name_form": name_form or NameForm(initial=_name_shown(person)),
        "saved": SAVED.get(request.GET.get("saved", "")),
        "saved_key": request.GET.get("saved", ""),
        "large": inventory_is_large(inventory),
        "prepared": person.prepared_exports.order_by("asked_at"),
    }
    return render(request, "rights/data.html", context, status=status)


def _name_shown(person: Person) -> dict:
    """The name to correct, filled in only once the address has confirmed something."""
    if not person_confirmed(person):
        return {}
    return {"first_name": person.first_name, "last_name": person.last_name}


def _after_change(request, person: Person, saved: str):
    """Back to the page; or, if nothing is kept about them any more, say so and close it."""
    if not Person.objects.filter(pk=person.pk).exists():
        request.session.flush()
        return render(request, "rights/nothing_held.html", {"campaign": campaign_get_default()})
    return see_other(reverse("rights-data") + f"?saved={saved}#change")


@with_access
def choice(request, person):
    if request.method != "POST":  # a form's address opened again: back to the page
        return see_other("rights-data")
    form = ChoiceForm(request.POST)
    if not form.is_valid():
        return see_other("rights-data")
    try:
        choice_set(person=person, purpose=form.cleaned_data["purpose"],
                   wanted=form.cleaned_data["wanted"])  # fmt: skip
    except NotOffered:
        return see_other("rights-data")
    return _after_change(request, person, "choice")


@with_access
def withdraw(request, person, purpose):
    """What withdrawing an agreement undoes, then a button to do it."""
    try:
        withdrawal = withdrawal_for(person, purpose)
    except NotOffered:
        return see_other("rights-data")
    if request.method == "POST":
        consent_withdraw_and_undo(person=person, purpose=purpose)
        return _after_change(request, person, "withdrawn")
    context = {"campaign": campaign_get_default(), "withdrawal": withdrawal}
    return render(request, "rights/withdraw.html", context)


@with_access
def name(request, person):
    if request.method != "POST":
        return see_other(reverse("rights-data") + "#name")
    form = NameForm(request.POST)
    if not form.is_valid():
        return _data_page(request, person, name_form=form, status=400)
    person_name_correct(person=person, first_name=form.cleaned_data["first_name"],
                        last_name=form.cleaned_data["last_name"])  # fmt: skip
    return _after_change(request, person, "name")


@with_access
def erase(request, person):
    """Everything, after a page saying what that means."""
    if request.method == "POST":
        person_erase(person=person)
        request.session.flush()
        return render(request, "rights/nothing_held.html",
                      {"campaign": campaign_get_default(), "erased": True})  # fmt: skip
    return render(request, "rights/erase.html", {"campaign": campaign_get_default()})


def download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def file_name(extension: str) -> str:
    return f"your-data-{timezone.localdate():%Y-%m-%d}.{extension}"


def _export(request, person, kind: str):
    """The download now; for a large record, the worker makes it when asked (POST)."""
    inventory = person_inventory(person=person)
    content_type, extension, _, _ = FORMATS[kind]
    if not inventory_is_large(inventory):
        return download(export_file(inventory, kind), content_type, file_name(extension))
    if request.method == "POST":
        export_prepare_queue(person=person, kind=kind)
        return see_other(reverse("rights-data") + "?saved=preparing#download")
    return see_other(reverse("rights-data") + "#download")


@with_access
def data_json(request, person):
    return _export(request, person, PreparedExport.Kind.JSON)


@with_access
def data_csv(request, person):
    return _export(request, person, PreparedExport.Kind.CSV)


@with_access
def prepared(request, person, pk):
    export = person.prepared_exports.filter(pk=pk, ready_at__isnull=False).first()
    if export is None:
        return see_other(reverse("rights-data") + "#download")
    content_type, extension, _, _ = FORMATS[export.kind]
    return download(bytes(export.content), content_type, file_name(extension))


@private_link
@require_POST
def close(request):
    """Close the data in this browser (on a shared computer, say). From the page refusing a
    link because another person's data is open, go on to that link."""
    request.session.flush()
    token = request.POST.get("then", "")
    if token and "/" not in token:
        return see_other("rights-link", token)
    return render(request, "rights/closed.html", {"campaign": campaign_get_default()})
