import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """The visitor's own address, for rate limits and the audit log.

    With DJANGO_PROXY_COUNT trusted proxies in front, each appends the address it saw to
    X-Forwarded-For, so the visitor's is that many places from the right; anything further left
    was written by the visitor and is not trusted.
    """
    if request is None:
        return None
    proxies = settings.PROXY_COUNT
    if proxies:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        forwarded = [part.strip() for part in forwarded if part.strip()]
        if len(forwarded) >= proxies:
            try:
                return str(ipaddress.ip_address(forwarded[-proxies]))
            except ValueError:
                pass
    return request.META.get("REMOTE_ADDR") or None
