"""Postcode -> constituency -> MP, behind one interface with two backends.

- `local`: the imported tables (no request leaves the site).
- `remote`: postcodes.io for the constituency and the Parliament Members API for the MP, with
  timeouts, retries and caching; what it learns is kept as Constituency and MP rows.
- `auto` (the default): local when postcodes have been imported, else remote.

Choose with POSTCODE_LOOKUP_BACKEND. Code that must never send a postcode elsewhere (the pledge)
calls `postcode_lookup_local`.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from actionhub.parliament.clients import members_api, postcodes_io
from actionhub.parliament.clients.http import ServiceUnavailable
from actionhub.parliament.models import MP, NATIONS, Constituency, Postcode
from actionhub.parliament.postcodes import crown_dependency, normalise_postcode

REMOTE_CACHE_SECONDS = 24 * 60 * 60


class PostcodeProblem(Exception):
    """A postcode we cannot place in a constituency; the message says why, for the supporter."""


@dataclass(frozen=True)
class Placement:
    postcode: str
    constituency: Constituency
    mp: MP | None


def _checked(value: str) -> str:
    postcode = normalise_postcode(value)
    if not postcode:
        raise PostcodeProblem("Enter a UK postcode, like SW1A 1AA.")
    island = crown_dependency(postcode)
    if island:
        raise PostcodeProblem(
            f"{postcode} is in {island}, which is not part of the UK and has no MP at Westminster."
        )
    return postcode


def _unknown(postcode):
    return PostcodeProblem(f"We cannot find {postcode}. Check it, or try a neighbour’s postcode.")


def _retired(postcode):
    return PostcodeProblem(f"{postcode} is no longer in use. Enter your current postcode.")


def postcode_lookup_local(value: str) -> Placement:
    postcode = _checked(value)
    # get(), not first(): first() orders by the key, which costs Django more time to compile
    # than the database takes to answer.
    try:
        row = Postcode.objects.select_related("constituency__mp").get(postcode=postcode)
    except Postcode.DoesNotExist:
        raise _unknown(postcode) from None
    if row.terminated:
        raise _retired(postcode)
    if row.constituency is None:
        raise PostcodeProblem(f"{postcode} is not in a Westminster constituency.")
    return Placement(postcode, row.constituency, getattr(row.constituency, "mp", None))


def postcode_lookup_remote(value: str) -> Placement:
    postcode = _checked(value)
    key = f"postcode-place:{postcode.replace(' ', '')}"
    try:
        place = cache.get(key)
        if place is None:
            place = postcodes_io.postcode_place(postcode) or "unknown"
            cache.set(key, place, REMOTE_CACHE_SECONDS)
    except ServiceUnavailable:
        raise PostcodeProblem(
            "We cannot look up postcodes just now. Please try again in a few minutes."
        ) from None
    if place == "unknown":
        raise _unknown(postcode)
    if place.terminated:
        raise _retired(postcode)
    if not place.gss_code or place.gss_code[0] not in NATIONS:
        raise PostcodeProblem(f"{postcode} is not in a Westminster constituency.")
    constituency, _ = Constituency.objects.update_or_create(
        gss_code=place.gss_code, defaults={"name": place.name, "nation": NATIONS[place.gss_code[0]]}
    )
    return Placement(postcode, constituency, _remote_mp(constituency))


def _remote_mp(constituency: Constituency) -> MP | None:
    """The sitting MP, from the Members API (cached); the known one if the API is down."""
    key = f"constituency-member:{constituency.gss_code}"
    try:
        member = cache.get(key)
        if member is None:
            member = members_api.constituency_member(constituency.name) or "none"
            cache.set(key, member, REMOTE_CACHE_SECONDS)
    except ServiceUnavailable:
        return getattr(constituency, "mp", None)
    if member == "none":
        return None
    MP.objects.filter(constituency=constituency).exclude(member_id=member.member_id).update(
        constituency=None
    )
    mp, _ = MP.objects.update_or_create(
        member_id=member.member_id,
        defaults={"name": member.name, "party": member.party, "constituency": constituency},
    )
    return mp


def postcode_lookup(value: str) -> Placement:
    backend = settings.POSTCODE_LOOKUP_BACKEND
    if backend == "auto":
        backend = "local" if Postcode.objects.exists() else "remote"
    return postcode_lookup_local(value) if backend == "local" else postcode_lookup_remote(value)
