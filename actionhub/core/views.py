import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponsePermanentRedirect, HttpResponseServerError
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.generic import TemplateView
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

# A database or shared cache that cannot be reached (restarting, or too busy to answer) is a
# passing state: the visitor is told to try again shortly, and a balancer or a client can wait.
UNAVAILABLE = (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError)
RETRY_AFTER_SECONDS = 10

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
    if isinstance(sys.exc_info()[1], UNAVAILABLE):
        return HttpResponse(
            loader.render_to_string("503.html"),
            status=503,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    return HttpResponseServerError(loader.render_to_string("500.html"))
