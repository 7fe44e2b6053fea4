"""The `?source=` code on a link that brought a supporter: one rule for every action.

A group's or a newsletter's link carries a code (`/pledge/?source=hampstead-shul`); each action
the supporter then takes (a signature, a letter, an RSVP) keeps it, so organisers and groups can
count what each link brought. Codes are kept in lower case, as group codes are, so a link typed
`?source=Hampstead-Shul` counts for the same group. Anything else on the link is dropped: a
source is never a reason to refuse an action.

Public pages are kept whole in the cache (core.page_cache), so a page takes the code through
visitor values, never from the request it happens to be rendered for:

- `source`: the code, for a form's hidden field;
- `source-query` and `source-query-and`: `?source=CODE` and `&source=CODE` (or nothing), for
  the links from a page a link lands on to the next page of the same action;
- `source-disabled`: `disabled` without a code, for the hidden field of a form that is sent
  with GET, so that its address has no empty `source=`.
"""

import re

from actionhub.core.page_cache import visitor_value

SOURCE_CODE = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


def source_clean(value: str | None) -> str:
    """The code in lower case, or "" when there is none or it is not one."""
    return value.lower() if value and SOURCE_CODE.fullmatch(value) else ""


@visitor_value("source")
def _source_for_visitor(request) -> str:
    return source_clean(request.GET.get("source"))


@visitor_value("source-query")
def _source_query_for_visitor(request) -> str:
    code = _source_for_visitor(request)
    return f"?source={code}" if code else ""


@visitor_value("source-query-and")
def _source_query_and_for_visitor(request) -> str:
    code = _source_for_visitor(request)
    return f"&source={code}" if code else ""


@visitor_value("source-disabled")
def _source_disabled_for_visitor(request) -> str:
    return "" if _source_for_visitor(request) else "disabled"
