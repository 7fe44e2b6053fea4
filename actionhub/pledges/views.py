from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from actionhub.campaigns.selectors import campaign_get_default, demonstration_next_dates
from actionhub.core.ip import client_ip
from actionhub.core.page_cache import for_visitor, public_page
from actionhub.pledges.forms import (
    SignatureForm,
    form_started_at,
)
from actionhub.pledges.selectors import (
    pledge_constituency_tallies,
    pledge_progress,
    pledge_recent_signers,
)
from actionhub.pledges.services import (
    signature_confirm,
    signature_for_confirmation,
    signature_submit,
)
from actionhub.supporters.confirmation import LinkExpired, LinkInvalid
from actionhub.supporters.views import address_remember, confirm_failed, remembered_address

THANKS_KEY = "pledge_thanks"


def _pledge(slug):
    return get_object_or_404(campaign_get_default().pledges, slug=slug)


def pledge_default(request):
    pledge = campaign_get_default().pledges.order_by("pk").first()
    if pledge is None:
        raise Http404("This campaign has no pledge.")
    url = reverse("pledge", kwargs={"slug": pledge.slug})
    if request.META.get("QUERY_STRING"):
        url += "?" + request.META["QUERY_STRING"]
    return redirect(url)


@public_page
def pledge(request, slug):
    pledge = _pledge(slug)
    started = for_visitor(request, "pledge-started")
    if request.method == "POST":
        form = SignatureForm(request.POST)
        if form.is_valid():
            signature_submit(
                pledge=pledge,
                data=form.cleaned_data,
                ip_address=client_ip(request),
                automated=form.looks_automated,
            )
            address_remember(request, form.cleaned_data["email"])
            # 303 See Other: the browser fetches the next page with GET, and a reload or the
            # back button never sends the form twice.
            response = redirect("pledge-check-email", slug=slug)
            response.status_code = 303
            return response
        if form_started_at(request.POST.get("started")) is not None:
            # Keep the original token, so fixing a mistake quickly is not taken for a robot.
            started = request.POST["started"]
    else:
        form = SignatureForm(initial={"source": for_visitor(request, "source")})
    context = {
        "campaign": pledge.campaign,
        "pledge": pledge,
        "form": form,
        "started": started,
        "progress": pledge_progress(pledge=pledge),
        "recent_signers": pledge_recent_signers(pledge=pledge),
        "top_constituencies": pledge_constituency_tallies(pledge=pledge, limit=10),
        "share_url": request.build_absolute_uri(reverse("pledge", kwargs={"slug": slug})),
    }
    return render(request, "pledges/pledge.html", context, status=400 if form.errors else 200)


@public_page
def constituencies(request, slug):
    pledge = _pledge(slug)
    context = {
        "campaign": pledge.campaign,
        "pledge": pledge,
        "tallies": pledge_constituency_tallies(pledge=pledge),
        "progress": pledge_progress(pledge=pledge),
    }
    return render(request, "pledges/constituencies.html", context)


@never_cache
def check_email(request, slug):
    pledge = _pledge(slug)
    context = {
        "campaign": pledge.campaign,
        "pledge": pledge,
        "address": remembered_address(request),
    }
    return render(request, "pledges/check_email.html", context)


@never_cache
def confirm(request, slug, token):
    """The link in the email opens a page with a button: only pressing it confirms."""
    pledge = _pledge(slug)
    try:
        if request.method == "POST":
            signature = signature_confirm(pledge=pledge, token=token)
        else:
            signature = signature_for_confirmation(pledge=pledge, token=token)
    except (LinkInvalid, LinkExpired) as problem:
        return confirm_failed(
            request, problem, campaign=pledge.campaign,
            again_url=reverse("pledge", kwargs={"slug": slug}), again_label="Sign the pledge again",
        )  # fmt: skip
    if signature.status == signature.Status.CONFIRMED:
        request.session[THANKS_KEY] = {"pledge": pledge.slug, "postcode": signature.postcode}
        return redirect("pledge-thanks", slug=slug)
    context = {"campaign": pledge.campaign, "pledge": pledge, "signature": signature}
    return render(request, "pledges/confirm.html", context)


def thanks(request, slug):
    pledge = _pledge(slug)
    thanks = request.session.get(THANKS_KEY) or {}
    postcode = thanks.get("postcode", "") if thanks.get("pledge") == slug else ""
    demonstration = getattr(pledge.campaign, "demonstration", None)
    next_dates = (
        demonstration_next_dates(demonstration=demonstration, count=1) if demonstration else []
    )
    context = {
        "campaign": pledge.campaign,
        "pledge": pledge,
        "demonstration": demonstration,
        "next_demonstration": next_dates[0] if next_dates else None,
        "letters_url": reverse("letters"),
        "postcode": postcode,
        "progress": pledge_progress(pledge=pledge),
        "share_url": request.build_absolute_uri(reverse("pledge", kwargs={"slug": slug})),
    }
    return render(request, "pledges/thanks.html", context)


@require_GET
@cache_control(public=True, max_age=10)
@public_page
def count_json(request, slug):
    pledge = _pledge(slug)
    progress = pledge_progress(pledge=pledge)
    return JsonResponse(
        {"pledge": pledge.slug, "count": progress["count"], "next_milestone": progress["target"]}
    )
