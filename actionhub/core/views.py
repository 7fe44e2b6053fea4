import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponsePermanentRedirect, HttpResponseServerError
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.generic import TemplateView
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

RETRY_AFTER_SECONDS = 10
# PostgreSQL's classes of error that mean "not now": connection lost or refused, out of
# resources, shutting down or restarting (SQLSTATE 08, 53, 57).
PASSING_SQLSTATE_CLASSES = ("08", "53", "57")
PASSING_SQLITE_ERRORS = ("database is locked", "unable to open database file", "disk i/o error")


def _passing(error) -> bool:
    """A database or shared cache that cannot be reached (restarting, or too busy to answer):
    the visitor is told to try again shortly, and a balancer or a client can wait. Any other
    database error (a missing table, a broken query) stays a 500, to be fixed."""
    if isinstance(error, (InterfaceError, RedisConnectionError, RedisTimeoutError)):
        return True
    if not isinstance(error, OperationalError):
        return False
    sqlstate = getattr(error.__cause__, "sqlstate", None)
    if sqlstate:
        return sqlstate[:2] in PASSING_SQLSTATE_CLASSES
    text = str(error).lower()
    return connection_failed(error) or any(words in text for words in PASSING_SQLITE_ERRORS)


def connection_failed(error) -> bool:
    """psycopg's own failure to connect carries no SQLSTATE."""
    return type(error.__cause__).__module__.startswith("psycopg")


robots_txt = cache_control(max_age=86400, public=True)(
    TemplateView.as_view(template_name="robots.txt", content_type="text/plain")
)


def favicon(request):
    """Browsers ask for /favicon.ico on pages that name no icon (the admin's, for one)."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


def server_error(request):
    """Django's 500 handler, but 503 with Retry-After when a service we depend on is away.

    Neither page touches the database or the session: they are what is left when those fail.
    """
    if _passing(sys.exc_info()[1]):
        return HttpResponse(
            loader.render_to_string("503.html"),
            status=503,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    return HttpResponseServerError(loader.render_to_string("500.html"))
