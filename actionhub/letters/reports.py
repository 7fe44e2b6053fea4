"""Read-only figures about one campaign's letters, for the organisers' report.

Nothing here returns personal data: letters are counted by constituency, letter, MP (as they
were when written) and party, never listed. Each breakdown is one aggregate query, so the cost
does not grow with the number of letters' rows returned to Python.

Unless a function says otherwise it counts real letters only: those queued, sent, failed or
handed over. Letters still waiting for their writer to confirm by email are left out.
"""

from __future__ import annotations

from django.db.models import Avg, Count, FloatField, Q, QuerySet

from actionhub.campaigns.models import Campaign, LetterTemplate
from actionhub.letters.models import Letter
from actionhub.parliament.hexmap import HexArea
from actionhub.parliament.models import Constituency
from actionhub.pledges.selectors import signatures_by_constituency

REAL_STATUSES = [
    Letter.Status.QUEUED,
    Letter.Status.SENT,
    Letter.Status.FAILED,
    Letter.Status.HANDED_OVER,
]
# How much of a letter is the supporter's own words: (label, lowest share, highest share).
PERSONAL_BANDS = [
    ("Unedited template (0% own words)", 0, 0),
    ("Some own words (1–29%)", 1, 29),
    ("Mostly own words (30% or more)", 30, 100),
]
UNKNOWN_CONSTITUENCY = "(constituency not known)"


def campaign_letters(campaign: Campaign) -> QuerySet[Letter]:
    """Every letter to an MP from one of the campaign's templates, whatever its status.
    (Letters to brands are counted on the brands tracker.)"""
    return Letter.objects.filter(
        template__campaign=campaign, template__recipient=LetterTemplate.Recipient.MP
    )


def real_letters(campaign: Campaign) -> QuerySet[Letter]:
    return campaign_letters(campaign).filter(status__in=REAL_STATUSES)


def _average_share():
    return Avg("personal_share", output_field=FloatField())


def _percent(value: float | None) -> int | None:
    """A share rounded half up to a whole percentage (None when there is nothing to average)."""
    return None if value is None else int(float(value) + 0.5)


def _share_of(part: int, whole: int) -> int:
    return _percent(100 * part / whole) if whole else 0


def letters_by_constituency(campaign: Campaign) -> list[dict]:
    """Per constituency: letters, how many went through this site, and their average own words.

    Busiest first. Letters whose constituency is not known are one row of their own.
    """
    rows = (
        real_letters(campaign)
        .values("constituency__gss_code", "constituency__name")
        .annotate(
            count=Count("pk"),
            sent=Count("pk", filter=Q(status=Letter.Status.SENT)),
            average_share=_average_share(),
        )
        .order_by("-count", "constituency__name")
    )
    return [
        {
            "code": row["constituency__gss_code"] or "",
            "name": row["constituency__name"] or UNKNOWN_CONSTITUENCY,
            "count": row["count"],
            "sent": row["sent"],
            "average_share": _percent(row["average_share"]),
        }
        for row in rows
    ]


def letters_by_template(campaign: Campaign) -> list[dict]:
    """Per letter template (all of the campaign's, in their order): letters, by delivery method."""
    real = Q(sent__status__in=REAL_STATUSES)

    def delivered(method):
        return Count("sent", filter=real & Q(sent__delivery=method))

    rows = (
        LetterTemplate.objects.filter(campaign=campaign, recipient=LetterTemplate.Recipient.MP)
        .values("pk", "title")
        .annotate(
            count=Count("sent", filter=real),
            site=delivered(Letter.Delivery.SITE),
            own_email=delivered(Letter.Delivery.OWN_EMAIL),
            download=delivered(Letter.Delivery.DOWNLOAD),
            average_share=Avg("sent__personal_share", filter=real, output_field=FloatField()),
        )
        .order_by("position", "title")
    )
    return [
        {
            "title": row["title"],
            "count": row["count"],
            "site": row["site"],
            "own_email": row["own_email"],
            "download": row["download"],
            "average_share": _percent(row["average_share"]),
        }
        for row in rows
    ]


def letters_by_personal_share(campaign: Campaign) -> list[dict]:
    """How personal the letters are, in three bands, with each band's share of all letters."""
    counts = real_letters(campaign).aggregate(
        **{
            f"band{index}": Count("pk", filter=Q(personal_share__range=(low, high)))
            for index, (_label, low, high) in enumerate(PERSONAL_BANDS)
        }
    )
    total = sum(counts.values())
    return [
        {
            "label": label,
            "count": counts[f"band{index}"],
            "share": _share_of(counts[f"band{index}"], total),
        }
        for index, (label, _low, _high) in enumerate(PERSONAL_BANDS)
    ]


def letters_by_status(campaign: Campaign) -> dict:
    """Letters by delivery status; those awaiting confirmation are counted apart from the total.

    Returns ``{"rows": [{"status", "label", "count"}], "total": int, "awaiting": int}`` with a
    row for every real status, zero or not.
    """
    counts = dict(
        campaign_letters(campaign)
        .order_by()
        .values("status")
        .annotate(count=Count("pk"))
        .values_list("status", "count")
    )
    rows = [
        {"status": status.value, "label": status.label, "count": counts.get(status.value, 0)}
        for status in REAL_STATUSES
    ]
    return {
        "rows": rows,
        "total": sum(row["count"] for row in rows),
        "awaiting": counts.get(Letter.Status.AWAITING_CONFIRMATION.value, 0),
    }


def _reply_counts():
    return {
        "sent": Count("pk"),
        "replied": Count("pk", filter=Q(reply=Letter.Reply.REPLIED)),
        "acknowledged": Count("pk", filter=Q(reply=Letter.Reply.ACKNOWLEDGED)),
        "no_reply": Count("pk", filter=Q(reply=Letter.Reply.NO_REPLY)),
        "not_answered": Count("pk", filter=Q(reply="")),
    }


def _sent_letters(campaign: Campaign) -> QuerySet[Letter]:
    """Letters this site delivered: the only ones whose writers are asked about a reply."""
    return campaign_letters(campaign).filter(status=Letter.Status.SENT)


def letter_replies_by_mp(campaign: Campaign) -> list[dict]:
    """Per MP (name and party as they were when written to), what the writers said came back.

    Counts the letters sent through this site: "not answered" means the writer has not yet
    told us whether the MP replied. Most letters first.
    """
    rows = (
        _sent_letters(campaign)
        .values("mp_name", "mp_party")
        .annotate(**_reply_counts())
        .order_by("-sent", "mp_name", "mp_party")
    )
    return list(rows)


def letter_replies_by_party(campaign: Campaign) -> list[dict]:
    """The same counts as :func:`letter_replies_by_mp`, per party, with the MPs written to."""
    rows = (
        _sent_letters(campaign)
        .values("mp_party")
        .annotate(mps=Count("mp_name", distinct=True), **_reply_counts())
        .order_by("-sent", "mp_party")
    )
    return list(rows)


def _hexmap_areas(values: dict[int, int]) -> list[HexArea]:
    """Every constituency with a place on the map, in name order, with its value (0 if none)."""
    placed = Constituency.objects.filter(hex_q__isnull=False, hex_r__isnull=False).order_by(
        "name", "gss_code"
    )
    return [
        HexArea(code=code, name=name, q=q, r=r, value=values.get(pk) or 0)
        for pk, code, name, q, r in placed.values_list("pk", "gss_code", "name", "hex_q", "hex_r")
    ]


def letters_hexmap_areas(campaign: Campaign) -> list[HexArea]:
    """Real letters per constituency, for :func:`actionhub.parliament.hexmap.hexmap_svg`."""
    counts = (
        real_letters(campaign)
        .filter(constituency__isnull=False)
        .order_by()
        .values("constituency")
        .annotate(count=Count("pk"))
        .values_list("constituency", "count")
    )
    return _hexmap_areas(dict(counts))


def signatures_hexmap_areas(campaign: Campaign) -> list[HexArea]:
    """Confirmed pledge signatures per constituency, summed over the campaign's pledges.

    Read from the tallies the periodic task keeps, so it may lag the live count a little.
    """
    return _hexmap_areas(signatures_by_constituency(campaign=campaign))


def hexmap_rows(areas: list[HexArea]) -> list[HexArea]:
    """The areas with a value, highest first: the table that goes with a map."""
    return sorted((area for area in areas if area.value), key=lambda a: (-a.value, a.name))


def letters_report(campaign: Campaign) -> dict:
    """Every breakdown of the campaign's letters, for the organisers' report page."""
    status = letters_by_status(campaign)
    overall = real_letters(campaign).aggregate(average_share=_average_share())
    return {
        "total": status["total"],
        "awaiting": status["awaiting"],
        "average_share": _percent(overall["average_share"]),
        "by_status": status["rows"],
        "by_constituency": letters_by_constituency(campaign),
        "by_template": letters_by_template(campaign),
        "by_personal_share": letters_by_personal_share(campaign),
        "replies_by_mp": letter_replies_by_mp(campaign),
        "replies_by_party": letter_replies_by_party(campaign),
    }
