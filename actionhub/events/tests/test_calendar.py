from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
import time_machine
from icalendar import Calendar

from actionhub.events.calendar import (
    google_calendar_url,
    occurrence_calendar,
    occurrence_page_path,
    outlook_calendar_url,
    series_calendar,
)
from actionhub.events.models import Occurrence
from actionhub.events.schedule import occurrences_generate
from actionhub.events.tests.factories import OccurrenceFactory, SeriesFactory

SITE = "https://actionhub.example"
LONDON = ZoneInfo("Europe/London")
# The UK's clocks in 2026: forward on 29 March, back on 25 October.
BST = (date(2026, 3, 29), date(2026, 10, 25))


def in_bst(on: date) -> bool:
    return BST[0] <= on < BST[1]


def parse(ics: bytes) -> Calendar:
    return Calendar.from_ical(ics)


def expand(ics: bytes) -> list:
    return recurring_ical_events.of(parse(ics)).between(date(2026, 1, 1), date(2027, 1, 1))


def stored(occurrence: Occurrence) -> Occurrence:
    """As views get it: from the database, times in UTC."""
    return Occurrence.objects.select_related("series").get(pk=occurrence.pk)


def by_uid(calendar: Calendar) -> dict:
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


@pytest.fixture
def series(campaign):
    return SeriesFactory(latitude="51.55911", longitude="-0.18418")


@pytest.fixture
def weekly(series):
    """Dates of the weekly series from March to May and October to December 2026."""
    occurrences_generate(series=series, today=date(2026, 3, 1))
    occurrences_generate(series=series, today=date(2026, 10, 1))
    return list(series.occurrences.order_by("starts_at"))


def test_every_date_is_18_to_19_in_london_across_both_clock_changes(series, weekly):
    dates = [o.date for o in weekly]
    assert any(in_bst(on) for on in dates) and any(not in_bst(on) for on in dates)
    assert date(2026, 3, 24) in dates and date(2026, 3, 31) in dates
    assert date(2026, 10, 20) in dates and date(2026, 10, 27) in dates

    ics = series_calendar(series=series, occurrences=weekly, site_url=SITE)
    events = expand(ics)

    assert sorted(event["DTSTART"].dt.date() for event in events) == dates
    for event in events:
        start, end = event["DTSTART"].dt, event["DTEND"].dt
        local_start, local_end = start.astimezone(LONDON), end.astimezone(LONDON)
        assert (local_start.hour, local_start.minute) == (18, 0)
        assert (local_end.hour, local_end.minute) == (19, 0)
        utc_hour = 17 if in_bst(start.date()) else 18
        assert start.astimezone(UTC).time().hour == utc_hour, start
        assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=1)
        assert event["DTSTART"].params["TZID"] == "Europe/London"
    # Written as local wall time with the zone, not as UTC.
    assert b"DTSTART;TZID=Europe/London:20260331T180000" in ics
    assert b"DTSTART;TZID=Europe/London:20261027T180000" in ics


def test_the_feed_carries_a_london_vtimezone_with_summer_and_winter_time(series, weekly):
    calendar = parse(series_calendar(series=series, occurrences=weekly, site_url=SITE))

    [vtimezone] = calendar.walk("VTIMEZONE")
    assert str(vtimezone["TZID"]) == "Europe/London"
    assert vtimezone.walk("STANDARD") and vtimezone.walk("DAYLIGHT")
    assert {d["TZOFFSETTO"].td for d in vtimezone.walk("DAYLIGHT")} == {timedelta(hours=1)}
    assert {s["TZOFFSETTO"].td for s in vtimezone.walk("STANDARD")} == {timedelta(0)}
    assert calendar.get_missing_tzids() == set()
    # A client with no time zone database of its own gets the right offsets from it alone.
    from_feed = vtimezone.to_tz()
    assert from_feed.utcoffset(datetime(2026, 3, 24, 18)) == timedelta(0)
    assert from_feed.utcoffset(datetime(2026, 3, 31, 18)) == timedelta(hours=1)
    assert from_feed.utcoffset(datetime(2026, 10, 20, 18)) == timedelta(hours=1)
    assert from_feed.utcoffset(datetime(2026, 10, 27, 18)) == timedelta(0)


def test_the_feed_describes_itself(series, weekly):
    ics = series_calendar(series=series, occurrences=weekly, site_url=SITE)
    calendar = parse(ics)

    assert str(calendar["PRODID"]) == "-//Action Hub//Events//EN"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["CALSCALE"]) == "GREGORIAN"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"]) == "Weekly demonstration"
    assert str(calendar["X-WR-TIMEZONE"]) == "Europe/London"
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT12H\r\n" in ics
    assert b"\r\nX-PUBLISHED-TTL:PT12H\r\n" in ics
    assert len(calendar.walk("VEVENT")) == len(weekly)


def test_each_event_links_to_its_page_and_says_where(series, weekly):
    first = weekly[0]
    calendar = parse(series_calendar(series=series, occurrences=weekly, site_url=SITE + "/"))
    event = by_uid(calendar)[f"{series.slug}-20260303@actionhub.example"]

    page = f"{SITE}/events/{series.slug}/2026-03-03/"
    assert occurrence_page_path(first) == f"/events/{series.slug}/2026-03-03/"
    assert str(event["URL"]) == page
    assert str(event["SUMMARY"]) == "Weekly demonstration"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["LOCATION"]) == (
        "Chinese Embassy – Cultural Section, 11 West Heath Road, Hampstead, London NW3 7UX"
    )
    assert str(event["DESCRIPTION"]) == f"Every Tuesday outside the embassy.\n\n{page}"
    assert (event["GEO"].latitude, event["GEO"].longitude) == (51.55911, -0.18418)


def test_no_geo_without_a_map_position(campaign):
    occurrence = OccurrenceFactory(series=SeriesFactory())
    [event] = parse(occurrence_calendar(occurrence=occurrence, site_url=SITE)).walk("VEVENT")
    assert "GEO" not in event


def test_a_moved_date_keeps_its_uid_and_raises_sequence_and_last_modified(series):
    created = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    changed = datetime(2026, 11, 20, 14, 30, tzinfo=UTC)
    with time_machine.travel(created, tick=False):
        occurrence = OccurrenceFactory(series=series, date=date(2026, 12, 1))
        [before] = parse(
            series_calendar(series=series, occurrences=[occurrence], site_url=SITE)
        ).walk("VEVENT")
    with time_machine.travel(changed, tick=False):
        occurrence.starts_at = series.local_start(date(2026, 12, 2))
        occurrence.ends_at = series.end_for(occurrence.starts_at)
        occurrence.status = Occurrence.Status.MOVED
        occurrence.status_reason = "The road is closed for works."
        occurrence.place_note = "Outside Hampstead Town Hall"
        occurrence.sequence += 1
        occurrence.save()
        occurrence = Occurrence.objects.get(pk=occurrence.pk)
        [after] = parse(
            series_calendar(series=series, occurrences=[occurrence], site_url=SITE)
        ).walk("VEVENT")

    assert str(before["UID"]) == str(after["UID"]) == f"{series.slug}-20261201@actionhub.example"
    assert (before["SEQUENCE"], after["SEQUENCE"]) == (0, 1)
    assert before["LAST-MODIFIED"].dt == created
    assert after["LAST-MODIFIED"].dt == changed
    assert after["CREATED"].dt == created
    assert after["DTSTAMP"].dt == changed
    assert after["DTSTART"].dt == datetime(2026, 12, 2, 18, 0, tzinfo=LONDON)
    assert str(after["STATUS"]) == "CONFIRMED"
    assert str(after["LOCATION"]) == "Outside Hampstead Town Hall"
    assert "The road is closed for works." in str(after["DESCRIPTION"])
    # The page stays at the date the rule gave.
    assert str(after["URL"]) == f"{SITE}/events/{series.slug}/2026-12-01/"


def test_a_cancelled_date_stays_in_the_feed_marked_cancelled(series, weekly):
    cancelled = next(o for o in weekly if o.date == date(2026, 3, 31))
    cancelled.status = Occurrence.Status.CANCELLED
    cancelled.status_reason = "Storm warning: the police have closed the road."
    cancelled.sequence += 1
    cancelled.save()

    ics = series_calendar(series=series, occurrences=weekly, site_url=SITE)
    event = by_uid(parse(ics))[f"{series.slug}-20260331@actionhub.example"]

    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["SUMMARY"]) == "Cancelled: Weekly demonstration"
    assert "Storm warning: the police have closed the road." in str(event["DESCRIPTION"])
    assert event["SEQUENCE"] == 1
    # recurring-ical-events expands by time only: the cancelled date is still returned,
    # with its status, for a client to show struck through or hide.
    expanded = {e["DTSTART"].dt.date(): str(e["STATUS"]) for e in expand(ics)}
    assert expanded[date(2026, 3, 31)] == "CANCELLED"
    assert expanded[date(2026, 3, 24)] == expanded[date(2026, 4, 7)] == "CONFIRMED"
    assert list(expanded.values()).count("CANCELLED") == 1


@pytest.mark.parametrize(
    ("on", "utc_start"),
    [(date(2026, 12, 1), datetime(2026, 12, 1, 18, tzinfo=UTC)),
     (date(2026, 7, 7), datetime(2026, 7, 7, 17, tzinfo=UTC))],
)  # fmt: skip
def test_a_single_date_calendar_has_one_event_at_the_right_time(series, on, utc_start):
    occurrence = stored(OccurrenceFactory(series=series, date=on))
    calendar = parse(occurrence_calendar(occurrence=occurrence, site_url=SITE))

    [event] = calendar.walk("VEVENT")
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    assert str(event["UID"]) == f"{series.slug}-{on:%Y%m%d}@actionhub.example"
    assert event["DTSTART"].dt.astimezone(UTC) == utc_start
    assert event["DTEND"].dt.astimezone(UTC) == utc_start + timedelta(hours=1)
    assert event["DTSTART"].dt.astimezone(LONDON).hour == 18


@pytest.mark.parametrize(
    ("on", "dates"),
    [(date(2026, 12, 1), "20261201T180000Z/20261201T190000Z"),
     (date(2026, 7, 7), "20260707T170000Z/20260707T180000Z")],
)  # fmt: skip
def test_the_google_link_gives_utc_times(series, on, dates):
    occurrence = stored(OccurrenceFactory(series=series, date=on))
    url = urlsplit(google_calendar_url(occurrence=occurrence, site_url=SITE))
    query = parse_qs(url.query, strict_parsing=True)

    assert (url.scheme, url.netloc, url.path) == (
        "https",
        "calendar.google.com",
        "/calendar/render",
    )
    assert query["action"] == ["TEMPLATE"]
    assert query["text"] == ["Weekly demonstration"]
    assert query["dates"] == [dates]
    assert query["location"] == [", ".join(series.address_lines)]
    assert f"{SITE}/events/{series.slug}/{on:%Y-%m-%d}/" in query["details"][0]
    assert "+" not in url.query  # spaces as %20, which every calendar reads


@pytest.mark.parametrize(
    ("on", "start", "end"),
    [(date(2026, 12, 1), "2026-12-01T18:00:00+00:00", "2026-12-01T19:00:00+00:00"),
     (date(2026, 7, 7), "2026-07-07T18:00:00+01:00", "2026-07-07T19:00:00+01:00")],
)  # fmt: skip
def test_the_outlook_link_gives_times_with_their_offset(series, on, start, end):
    occurrence = stored(OccurrenceFactory(series=series, date=on))
    url = urlsplit(outlook_calendar_url(occurrence=occurrence, site_url=SITE))
    query = parse_qs(url.query, strict_parsing=True)

    assert (url.netloc, url.path) == ("outlook.live.com", "/calendar/0/deeplink/compose")
    assert query["path"] == ["/calendar/action/compose"]
    assert query["rru"] == ["addevent"]
    assert query["subject"] == ["Weekly demonstration"]
    assert (query["startdt"], query["enddt"]) == ([start], [end])
    assert datetime.fromisoformat(start).astimezone(UTC) == occurrence.starts_at
    assert query["location"] == [", ".join(series.address_lines)]
    assert f"{SITE}/events/{series.slug}/{on:%Y-%m-%d}/" in query["body"][0]


def test_a_cancelled_date_is_titled_cancelled_in_the_links(series):
    occurrence = OccurrenceFactory(series=series, status=Occurrence.Status.CANCELLED)
    google = parse_qs(urlsplit(google_calendar_url(occurrence=occurrence, site_url=SITE)).query)
    outlook = parse_qs(urlsplit(outlook_calendar_url(occurrence=occurrence, site_url=SITE)).query)
    assert google["text"] == outlook["subject"] == ["Cancelled: Weekly demonstration"]


def test_the_feed_round_trips_and_folds_long_lines_at_75_octets(campaign):
    long_summary = (
        "Every Tuesday outside the embassy – bring a placard; ئۇيغۇرلار bilen birge turimiz. " * 6
    )
    series = SeriesFactory(title="Solidarity with the Uyghurs – weekly vigil", summary=long_summary)
    occurrences_generate(series=series, today=date(2026, 3, 1))
    occurrences = list(series.occurrences.all())

    ics = series_calendar(series=series, occurrences=occurrences, site_url=SITE)
    lines = ics.split(b"\r\n")

    assert ics.endswith(b"END:VCALENDAR\r\n")
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)  # something was long enough to fold
    calendar = Calendar.from_ical(ics)
    assert calendar.to_ical() == ics
    assert not [e for e in calendar.walk() if e.errors]
    event = calendar.walk("VEVENT")[0]
    assert str(event["DESCRIPTION"]).startswith(long_summary.strip())
    assert len(calendar.walk("VEVENT")) == len(occurrences) == 10
