"""The UK Parliament Members API: constituency -> its current MP."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings

from actionhub.parliament.clients.http import get_json


@dataclass(frozen=True)
class SittingMember:
    member_id: int
    name: str
    party: str


def constituency_member(constituency_name: str) -> SittingMember | None:
    """The MP who currently represents the constituency of that exact name, if any."""
    base = settings.MEMBERS_API_URL.rstrip("/")
    url = f"{base}/api/Location/Constituency/Search?" + urlencode({"searchText": constituency_name})
    data = get_json(url, timeout=settings.LOOKUP_TIMEOUT, retries=settings.LOOKUP_RETRIES)
    for item in data.get("items") or []:
        value = item.get("value") or {}
        if str(value.get("name", "")).casefold() != constituency_name.casefold():
            continue
        member = ((value.get("currentRepresentation") or {}).get("member") or {}).get("value")
        if not member:
            return None
        return SittingMember(
            member_id=int(member["id"]),
            name=member.get("nameDisplayAs", ""),
            party=(member.get("latestParty") or {}).get("name", ""),
        )
    return None
