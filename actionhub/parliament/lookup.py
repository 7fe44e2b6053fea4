"""Postcode -> constituency -> MP, from the imported tables (the `local` backend)."""

from dataclasses import dataclass

from actionhub.parliament.models import MP, Constituency, Postcode
from actionhub.parliament.postcodes import crown_dependency, normalise_postcode


class PostcodeProblem(Exception):
    """A postcode we cannot place in a constituency; the message says why, for the supporter."""


@dataclass(frozen=True)
class Placement:
    postcode: str
    constituency: Constituency
    mp: MP | None


def postcode_lookup(value: str) -> Placement:
    postcode = normalise_postcode(value)
    if not postcode:
        raise PostcodeProblem("Enter a UK postcode, like SW1A 1AA.")
    island = crown_dependency(postcode)
    if island:
        raise PostcodeProblem(
            f"{postcode} is in {island}, which is not part of the UK and has no MP at Westminster."
        )
    row = Postcode.objects.select_related("constituency__mp").filter(postcode=postcode).first()
    if row is None:
        raise PostcodeProblem(
            f"We cannot find {postcode}. Check it, or try a neighbour’s postcode."
        )
    if row.terminated:
        raise PostcodeProblem(f"{postcode} is no longer in use. Enter your current postcode.")
    if row.constituency is None:
        raise PostcodeProblem(f"{postcode} is not in a Westminster constituency.")
    return Placement(postcode, row.constituency, getattr(row.constituency, "mp", None))
