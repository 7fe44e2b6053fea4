"""Whole pages for visitors who have not signed in, served from the cache with their own tokens.

A page a supporter sees first is the same for every visitor without a session but for a few
values that must be theirs: the CSRF token, the pledge form's timing token, the `source` of a
shared link. A view opted in with `@public_page` is rendered with a placeholder where each of
those goes, kept in the cache for PAGE_CACHE_SECONDS, and every response, the first one too,
has the placeholders filled for its own visitor. So the HTML is built once in a while, each
visitor still gets a CSRF cookie and token of their own (set by CsrfViewMiddleware as usual),
and the form-timing token still says when this visitor was served the form.

Only GET requests without a session or messages cookie are served this way: anyone signed in,
or with something in their session, gets the page rendered for them.
"""

import hashlib
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.html import escape

# Secret to this site, so no text anyone can type (in a page an organiser writes, say) is
# taken for a placeholder and filled with the visitor's token.
PLACEHOLDER_PREFIX = (
    "ahv" + hashlib.sha256(f"placeholder:{settings.SECRET_KEY}".encode()).hexdigest()[:20]
)
_VISITOR_VALUES: dict[str, Callable[[HttpRequest], str]] = {}

# Query parameters that never change a page: trackers added by the sites a link is shared on,
# and `source`, which a page that uses it takes as a visitor value.
IGNORED_PARAMETERS = frozenset({"source", "fbclid", "gclid", "msclkid", "mc_cid", "mc_eid"})
CACHEABLE_HEADERS_EXCLUDED = frozenset({"content-length", "set-cookie"})


def visitor_value(name: str):
    """Register how to make the value `name` for one visitor; it is filled into every page."""

    def register(make: Callable[[HttpRequest], str]):
        _VISITOR_VALUES[name] = make
        return make

    return register


def _placeholder(name: str) -> str:
    return f"{PLACEHOLDER_PREFIX}{name}"


def for_visitor(request: HttpRequest, name: str) -> str:
    """The visitor's own value, or its placeholder in a page being rendered for the cache."""
    if getattr(request, "renders_for_cache", False):
        return _placeholder(name)
    return _VISITOR_VALUES[name](request)


visitor_value("csrf")(get_token)


def public_page(view=None, *, params=()):
    """Let the view's successful GET responses be cached for visitors without a session.

    `params` names the query parameters the page depends on; a request with any other is
    answered as usual but not kept, so made-up parameters cannot fill the cache.
    """
    if view is None:
        return lambda view: public_page(view, params=params)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.public_page_params = frozenset(params)
        return response

    return wrapped


def _page_params(request: HttpRequest) -> list[tuple[str, str]]:
    return sorted(
        (name, value)
        for name, values in request.GET.lists()
        if name not in IGNORED_PARAMETERS and not name.startswith("utm_")
        for value in values
    )


def _cache_key(request: HttpRequest) -> str | None:
    if request.method != "GET" or settings.PAGE_CACHE_SECONDS <= 0:
        return None
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return None
    query = urlencode(_page_params(request))
    address = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
    return "page:" + hashlib.sha256(address.encode()).hexdigest()


def _fill(request: HttpRequest, content: bytes) -> bytes:
    if PLACEHOLDER_PREFIX.encode() not in content:
        return content
    for name, make in _VISITOR_VALUES.items():
        placeholder = _placeholder(name).encode()
        if placeholder in content:
            content = content.replace(placeholder, escape(make(request)).encode())
    return content


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    session = getattr(request, "session", None)
    params = getattr(response, "public_page_params", None)
    return (
        params is not None
        and {name for name, _ in _page_params(request)} <= params
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not (session is not None and session.modified)
    )


class PublicPageCacheMiddleware:
    """Must come after CsrfViewMiddleware, which sets the CSRF cookie a filled token needs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = _cache_key(request)
        if key is None:
            return self.get_response(request)
        cached = cache.get(key)
        if cached is not None:
            content, headers = cached
            return HttpResponse(_fill(request, content), headers=headers)
        request.renders_for_cache = True
        response = self.get_response(request)
        if _storable(request, response):
            headers = {
                name: value
                for name, value in response.headers.items()
                if name.lower() not in CACHEABLE_HEADERS_EXCLUDED
            }
            cache.set(key, (response.content, headers), settings.PAGE_CACHE_SECONDS)
        if not response.streaming:
            response.content = _fill(request, response.content)
        return response
