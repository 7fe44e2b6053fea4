"""Responses every app gives alike."""

import functools

from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache


def see_other(to, *args, **kwargs) -> HttpResponseRedirect:
    """Post/Redirect/Get: the next page (a URL, or a view's name and its arguments) is fetched
    with GET, so going back or reloading never sends a form twice."""
    response = redirect(to, *args, **kwargs)
    response.status_code = 303
    return response


def private_link(view):
    """For pages reached by a private link: never cached, never indexed, and the link (the
    key to the page) is never sent on as the Referer, not even to this site's own logs: only
    the site's address is. (Not "no-referrer": the browser would then send its forms with
    `Origin: null`, which the CSRF check rightly refuses.)"""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "strict-origin"
        response["X-Robots-Tag"] = "noindex"
        return response

    return never_cache(wrapped)
