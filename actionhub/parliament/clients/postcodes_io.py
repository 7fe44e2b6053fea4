"""postcodes.io: postcode -> 2024 Westminster constituency (GSS code and name)."""

from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings

from actionhub.parliament.clients.http import NotFound, get_json


@dataclass(frozen=True)
class PostcodePlace:
    postcode: str
    gss_code: str | None
    name: str | None
    terminated: bool = False


def postcode_place(postcode: str) -> PostcodePlace | None:
    """Where `postcode` is; terminated postcodes come back marked; None if unknown."""
    base = settings.POSTCODES_IO_URL.rstrip("/")
    options = {"timeout": settings.LOOKUP_TIMEOUT, "retries": settings.LOOKUP_RETRIES}
    try:
        result = get_json(f"{base}/postcodes/{quote(postcode)}", **options)["result"]
    except NotFound:
        try:
            get_json(f"{base}/terminated_postcodes/{quote(postcode)}", **options)
        except NotFound:
            return None
        return PostcodePlace(postcode, None, None, terminated=True)
    codes = result.get("codes") or {}
    return PostcodePlace(
        postcode=result.get("postcode", postcode),
        gss_code=codes.get("parliamentary_constituency_2024")
        or codes.get("parliamentary_constituency"),
        name=result.get("parliamentary_constituency_2024")
        or result.get("parliamentary_constituency"),
    )
