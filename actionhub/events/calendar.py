"""Calendar feeds and links for event dates (RFC 5545, built with icalendar).

Each date is its own VEVENT (no RRULE), so a cancelled or moved date carries its own status.
Times are written in the series' zone with a VTIMEZONE, so 18:00 stays 18:00 across BST and GMT.
"""

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from urllib.parse import quote, urlencode, urlsplit

from django.utils import timezone
from icalendar import Calendar, Event, vDuration

from actionhub.events.models import Occurrence, Series

PRODID = "-//Action Hub//Events//EN"
REFRESH = timedelta(hours=12)


def occurrence_page_path(occurrence: Occurrence) -> str:
    return f"/events/{occurrence.series.slug}/{occurrence.date:%Y-%m-%d}/"


def series_calendar(*, series: Series, occurrences: Iterable[Occurrence], site_url: str) -> bytes:
    """Every given date of a series, for subscribing to."""
    return _calendar(series=series, occurrences=list(occurrences), site_url=site_url)


def occurrence_calendar(*, occurrence: Occurrence, site_url: str) -> bytes:
    """One date, for a download or an email attachment."""
    return _calendar(series=occurrence.series, occurrences=[occurrence], site_url=site_url)


def google_calendar_url(*, occurrence: Occurrence, site_url: str) -> str:
    def utc(moment: datetime) -> str:
        return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")

    query = {
        "action": "TEMPLATE",
        "text": _summary(occurrence),
        "dates": f"{utc(occurrence.starts_at)}/{utc(occurrence.ends_at)}",
        "details": _description(occurrence, site_url),
        "location": _location(occurrence),
    }
    return _link("https://calendar.google.com/calendar/render", query)


def outlook_calendar_url(*, occurrence: Occurrence, site_url: str) -> str:
    query = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": _summary(occurrence),
        "startdt": occurrence.local_starts_at.isoformat(),
        "enddt": occurrence.local_ends_at.isoformat(),
        "location": _location(occurrence),
        "body": _description(occurrence, site_url),
    }
    return _link("https://outlook.live.com/calendar/0/deeplink/compose", query)


def _link(base: str, query: dict[str, str]) -> str:
    # %20 for spaces (some calendars show a "+" as it is); "+" in an offset becomes %2B.
    return f"{base}?{urlencode(query, safe='/', quote_via=quote)}"


def _calendar(*, series: Series, occurrences: list[Occurrence], site_url: str) -> bytes:
    site_url = site_url.rstrip("/")
    calendar = Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("METHOD", "PUBLISH")
    calendar.add("X-WR-CALNAME", series.title)
    calendar.add("X-WR-TIMEZONE", series.timezone)
    calendar.add("REFRESH-INTERVAL", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", vDuration(REFRESH))
    stamp = timezone.now().astimezone(UTC)
    for occurrence in occurrences:
        calendar.add_component(_event(occurrence, site_url=site_url, stamp=stamp))
    # A VTIMEZONE covering just the years the dates fall in keeps the feed short.
    days = [o.local_starts_at.date() for o in occurrences] or [timezone.localdate()]
    calendar.add_missing_timezones(
        first_date=date(min(days).year, 1, 1), last_date=date(max(days).year + 1, 12, 31)
    )
    return calendar.to_ical()


def _event(occurrence: Occurrence, *, site_url: str, stamp: datetime) -> Event:
    series = occurrence.series
    cancelled = occurrence.status == Occurrence.Status.CANCELLED
    event = Event()
    event.add("UID", f"{series.slug}-{occurrence.date:%Y%m%d}@{urlsplit(site_url).hostname}")
    event.add("DTSTAMP", stamp)
    event.add("DTSTART", occurrence.local_starts_at)
    event.add("DTEND", occurrence.local_ends_at)
    event.add("CREATED", occurrence.created_at.astimezone(UTC))
    event.add("LAST-MODIFIED", occurrence.updated_at.astimezone(UTC))
    event.add("SEQUENCE", occurrence.sequence)
    event.add("SUMMARY", _summary(occurrence))
    event.add("STATUS", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("LOCATION", _location(occurrence))
    if series.latitude is not None and series.longitude is not None:
        event.add("GEO", (float(series.latitude), float(series.longitude)))
    event.add("DESCRIPTION", _description(occurrence, site_url))
    event.add("URL", _page_url(occurrence, site_url))
    return event


def _page_url(occurrence: Occurrence, site_url: str) -> str:
    return site_url.rstrip("/") + occurrence_page_path(occurrence)


def _summary(occurrence: Occurrence) -> str:
    title = occurrence.series.title
    return f"Cancelled: {title}" if occurrence.status == Occurrence.Status.CANCELLED else title


def _location(occurrence: Occurrence) -> str:
    if occurrence.status == Occurrence.Status.MOVED and occurrence.place_note:
        return occurrence.place_note
    return ", ".join(occurrence.series.address_lines)


def _description(occurrence: Occurrence, site_url: str) -> str:
    parts = [occurrence.series.summary]
    if occurrence.status == Occurrence.Status.CANCELLED:
        parts.append(" ".join(filter(None, ["This date is cancelled.", occurrence.status_reason])))
    elif occurrence.status == Occurrence.Status.MOVED:
        parts.append(" ".join(filter(None, ["This date has moved.", occurrence.status_reason])))
    parts.append(_page_url(occurrence, site_url))
    return "\n\n".join(part for part in parts if part)
