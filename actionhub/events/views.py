from datetime import date, timedelta

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.csrf import csrf_exempt

from actionhub.campaigns.selectors import campaign_get_default, campaign_part
from actionhub.core.ip import client_ip
from actionhub.core.page_cache import for_visitor, public_page
from actionhub.events.calendar import (
    google_calendar_url,
    occurrence_calendar,
    outlook_calendar_url,
    series_calendar,
)
from actionhub.events.forms import EVERY_WEEK, RsvpForm
from actionhub.events.models import Occurrence, Rsvp, Series, Subscription
from actionhub.events.schedule import occurrences_upcoming
from actionhub.events.services import (
    RsvpRefused,
    rsvp_cancel,
    rsvp_confirm,
    rsvp_for_confirmation,
    rsvp_from_cancel_token,
    rsvp_submit,
    subscription_confirm,
    subscription_for_confirmation,
    subscription_from_stop_token,
    subscription_stop,
    subscription_submit,
)
from actionhub.supporters.confirmation import LinkExpired, LinkInvalid
from actionhub.supporters.views import address_remember, confirm_failed, remembered_address

FEED_WEEKS_BACK = 4
UPCOMING_SHOWN = 8


@public_page
def demonstration(request):
    """The campaign's weekly demonstration: its series page. Reading it writes nothing: the
    series and its dates are made when the campaign loads, and kept ahead by a periodic task."""
    demo = campaign_part(campaign_get_default(), "demonstration")
    return _series_page(request, get_object_or_404(Series, demonstration=demo))


@public_page
def series_page(request, slug):
    return _series_page(request, get_object_or_404(Series, slug=slug))


def _series_page(request, series):
    upcoming = occurrences_upcoming(series=series, count=UPCOMING_SHOWN)
    open_dates = [o for o in upcoming if o.status != Occurrence.Status.CANCELLED]
    return _page_with_form(
        request, series, "events/series.html", open_dates, {"upcoming": upcoming}
    )


@public_page
def occurrence_page(request, slug, on):
    occurrence = _occurrence(slug, on)
    series = occurrence.series
    context = {
        "occurrence": occurrence,
        "google_url": google_calendar_url(occurrence=occurrence, site_url=settings.SITE_URL),
        "outlook_url": outlook_calendar_url(occurrence=occurrence, site_url=settings.SITE_URL),
        "is_open": occurrence.status != Occurrence.Status.CANCELLED and not _ended(occurrence),
    }
    open_dates = [occurrence] if context["is_open"] else []
    return _page_with_form(request, series, "events/occurrence.html", open_dates, context)


def _ended(occurrence):
    return occurrence.ends_at <= timezone.now()


def _occurrence(slug, on) -> Occurrence:
    try:
        day = date.fromisoformat(on)
    except ValueError:
        raise Http404("Dates look like 2026-12-01.") from None
    return get_object_or_404(
        Occurrence.objects.select_related("series__campaign"), series__slug=slug, date=day
    )


def _date_label(occurrence) -> str:
    start = occurrence.local_starts_at
    label = f"{start:%A} {start.day} {start:%B}, {start:%H:%M}"
    return label + (" (moved)" if occurrence.status == Occurrence.Status.MOVED else "")


def _page_with_form(request, series, template, open_dates, context):
    choices = [(o.date.isoformat(), _date_label(o)) for o in open_dates]
    initial = {"when": choices[0][0]} if len(choices) == 1 else {}
    initial["source"] = for_visitor(request, "source")
    form = RsvpForm(request.POST or None, dates=choices, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            _submit(request, series, form.cleaned_data)
        except RsvpRefused as refused:
            form.add_error(None, str(refused))
        else:
            address_remember(request, form.cleaned_data["email"])
            response = redirect("rsvp-check-email", series.slug)
            response.status_code = 303
            return response
    context |= {
        "campaign": series.campaign,
        "series": series,
        "form": form,
        "feed_path": f"/events/{series.slug}/calendar.ics",
        "webcal_url": _webcal(request, series),
        "source_query": for_visitor(request, "source-query"),
    }
    return render(request, template, context, status=400 if form.errors else 200)


def _submit(request, series, data):
    if data["when"] == EVERY_WEEK:
        return subscription_submit(series=series, data=data, ip_address=client_ip(request))
    occurrence = _occurrence(series.slug, data["when"])
    return rsvp_submit(occurrence=occurrence, data=data, ip_address=client_ip(request))


def _webcal(request, series) -> str:
    feed = request.build_absolute_uri(f"/events/{series.slug}/calendar.ics")
    return "webcal://" + feed.split("://", 1)[1]


@never_cache
def check_email(request, slug):
    series = get_object_or_404(Series, slug=slug)
    context = {
        "campaign": series.campaign,
        "series": series,
        "address": remembered_address(request),
        "back_url": reverse("demonstration") if series.demonstration_id else reverse(
            "series", args=[series.slug]),
    }  # fmt: skip
    return render(request, "events/check_email.html", context)


@cache_control(public=True, max_age=900)
def series_feed(request, slug):
    series = get_object_or_404(Series, slug=slug)
    since = timezone.now() - timedelta(weeks=FEED_WEEKS_BACK)
    occurrences = list(series.occurrences.filter(ends_at__gt=since).order_by("starts_at"))
    content = series_calendar(series=series, occurrences=occurrences, site_url=settings.SITE_URL)
    return _calendar_response(content, f"{series.slug}.ics", inline=True)


def occurrence_feed(request, slug, on):
    occurrence = _occurrence(slug, on)
    content = occurrence_calendar(occurrence=occurrence, site_url=settings.SITE_URL)
    return _calendar_response(content, f"{slug}-{occurrence.date:%Y-%m-%d}.ics", inline=False)


def _calendar_response(content: bytes, filename: str, *, inline: bool) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def _link_failed(request, problem):
    return confirm_failed(
        request, problem, campaign=campaign_get_default(), again_url=reverse("demonstration"),
        again_label="Say you are coming again",
    )  # fmt: skip


@never_cache
def confirm(request, token):
    try:
        rsvp = rsvp_for_confirmation(token=token)
        if request.method == "POST":
            rsvp = rsvp_confirm(token=token)
    except (LinkInvalid, LinkExpired) as problem:
        return _link_failed(request, problem)
    series = rsvp.occurrence.series
    if rsvp.status == Rsvp.Status.PENDING:
        context = {"campaign": series.campaign, "series": series, "what": _date_label(
            rsvp.occurrence)}  # fmt: skip
        return render(request, "events/confirm.html", context)
    return render(
        request,
        "events/confirmed.html",
        {"campaign": series.campaign, "series": series, "rsvp": rsvp,
         "occurrence": rsvp.occurrence},
    )  # fmt: skip


@never_cache
def cancel(request, token):
    try:
        rsvp = rsvp_from_cancel_token(token=token)
    except (LinkInvalid, LinkExpired) as problem:
        return _link_failed(request, problem)
    if request.method == "POST":
        rsvp = rsvp_cancel(rsvp=rsvp)
    series = rsvp.occurrence.series
    context = {"campaign": series.campaign, "series": series, "rsvp": rsvp,
               "occurrence": rsvp.occurrence}  # fmt: skip
    return render(request, "events/cancel.html", context)


@never_cache
def every_week_confirm(request, token):
    try:
        subscription = subscription_for_confirmation(token=token)
        if request.method == "POST":
            subscription = subscription_confirm(token=token)
    except (LinkInvalid, LinkExpired) as problem:
        return _link_failed(request, problem)
    series = subscription.series
    if subscription.status == Subscription.Status.PENDING:
        context = {"campaign": series.campaign, "series": series, "what": "every week"}
        return render(request, "events/confirm.html", context)
    context = {
        "campaign": series.campaign,
        "series": series,
        "subscription": subscription,
        "coming": subscription.rsvps.select_related("occurrence").order_by("occurrence__starts_at"),
        "webcal_url": _webcal(request, series),
    }
    return render(request, "events/every_week_confirmed.html", context)


@never_cache
@csrf_exempt  # RFC 8058: mail programs POST here with no session; the signed link is the key
def every_week_stop(request, token):
    try:
        subscription = subscription_from_stop_token(token=token)
    except (LinkInvalid, LinkExpired) as problem:
        return _link_failed(request, problem)
    if request.method == "POST":
        subscription = subscription_stop(subscription=subscription)
    series = subscription.series
    context = {"campaign": series.campaign, "series": series, "subscription": subscription}
    return render(request, "events/every_week_stop.html", context)
