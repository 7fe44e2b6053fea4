"""UK postcodes, normalised once at the edge: 'sw1a1aa', ' SW1A 1AA ' -> 'SW1A 1AA'."""

import re

UK_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$")
CROWN_DEPENDENCY_AREAS = {"GY": "Guernsey", "JE": "Jersey", "IM": "the Isle of Man"}


def normalise_postcode(value: str) -> str:
    """The postcode in its standard form, or '' if it is not shaped like a UK postcode."""
    compact = "".join((value or "").split()).upper()
    if not UK_POSTCODE.fullmatch(compact):
        return ""
    return f"{compact[:-3]} {compact[-3:]}"


def crown_dependency(postcode: str) -> str | None:
    """'Jersey' for 'JE2 3AB': these islands are not part of the UK and have no MP."""
    area = re.match(r"[A-Z]+", postcode or "")
    return CROWN_DEPENDENCY_AREAS.get(area[0]) if area else None
