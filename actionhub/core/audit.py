"""The audit log service: every staff sign-in and every change of content is written here."""

import hashlib
import hmac

from django.conf import settings
from django.db import models

from actionhub.core.ip import client_ip
from actionhub.core.models import AuditEntry


def audit_record(
    *,
    action: str,
    actor=None,
    actor_label: str = "",
    obj: models.Model | None = None,
    summary: str = "",
    request=None,
) -> AuditEntry:
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    entry = AuditEntry(
        action=action,
        actor=actor if actor is not None and actor.pk else None,
        actor_label=actor.get_username() if actor is not None else actor_label,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        summary=summary,
        ip_address=client_ip(request),
    )
    entry.full_clean()
    entry.save()
    return entry


def search_fingerprint(term: str) -> str:
    """A keyed hash of a search term: matches the same term again, reveals nothing by itself."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, term.strip().casefold().encode(), hashlib.sha256).hexdigest()[:16]
