"""The little the outside-service clients share: GET JSON with a timeout and bounded retries."""

import json
import time
import urllib.error
import urllib.request


class ServiceUnavailable(Exception):
    """The service did not answer usefully in time, even after retrying."""


class NotFound(Exception):
    """The service answered that what was asked for does not exist (HTTP 404)."""


def get_json(url: str, *, timeout: float, retries: int, backoff: float = 0.2) -> dict:
    """GET `url`; retry timeouts, connection failures and 5xx answers, never a 4xx."""
    request = urllib.request.Request(  # noqa: S310  (the URL is from settings, https by default)
        url, headers={"Accept": "application/json", "User-Agent": "ActionHub/1.0"}
    )
    for attempt in range(retries + 1):
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as error:
            if error.code == 404:
                raise NotFound(url) from None
            if error.code < 500 or attempt == retries:
                raise ServiceUnavailable(f"{url} answered {error.code}") from None
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as error:
            if attempt == retries:
                raise ServiceUnavailable(f"{url}: {error}") from None
        time.sleep(backoff * (attempt + 1))
    raise ServiceUnavailable(url)
