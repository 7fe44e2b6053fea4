"""Organiser sign-in: a password (rate limited by django-axes), then a TOTP code, always.

Between the two steps the account is only *pending* in the session: nothing is signed in until
the code is right. An organiser without an authenticator yet sets one up as the second step,
which first asks for the one-time set-up code they were given with the account (or with the
reset of a lost authenticator).
"""

import secrets
import time
from base64 import b32encode
from datetime import timedelta

from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from actionhub.core.audit import audit_record
from actionhub.core.text import counted
from actionhub.staff.models import SetupCode

PENDING_KEY = "staff_pending_sign_in"
SETUP_ALLOWED_KEY = "staff_setup_allowed"
PENDING_LIFETIME_SECONDS = 10 * 60
DEVICE_NAME = "Authenticator app"
SETUP_CODE_LIFETIME = timedelta(hours=24)
SETUP_CODE_TRIES = 5
# No 0/O or 1/I/L to misread when the code is passed on by hand.
SETUP_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


class CodeRejected(Exception):
    """The code was wrong, reused, or asked for too soon after earlier failures."""


def staff_setup_code_issue(*, user, actor=None, actor_label: str = "") -> str:
    """A new one-time set-up code for `user` (any older one stops working), to give them."""
    code = "-".join(
        "".join(secrets.choice(SETUP_CODE_ALPHABET) for _ in range(4)) for _ in range(3)
    )
    SetupCode.objects.update_or_create(
        user=user,
        defaults={
            "code_hash": make_password(_plain(code)),
            "expires_at": timezone.now() + SETUP_CODE_LIFETIME,
            "wrong_tries": 0,
        },
    )
    audit_record(
        action="staff.setup_code_issued", actor=actor, actor_label=actor_label, obj=user,
        summary=f"Issued a set-up code for {user.get_username()}",
    )  # fmt: skip
    return code


def _plain(code: str) -> str:
    return "".join(code.split()).replace("-", "").upper()


def staff_setup_code_check(*, request, user, code: str) -> None:
    """Let this sign-in set up an authenticator, if `code` is the organiser's set-up code."""
    setup = SetupCode.objects.filter(user=user).first()
    if setup is None or setup.expires_at <= timezone.now():
        raise CodeRejected(
            "There is no set-up code for your account, or it has expired (codes last a day). "
            "Ask another organiser to reset your authenticator in the admin, which gives you a "
            "new code."
        )
    if not check_password(_plain(code), setup.code_hash):
        setup.wrong_tries += 1
        if setup.wrong_tries >= SETUP_CODE_TRIES:
            setup.delete()
            audit_record(action="staff.setup_code_spent", actor=user, request=request,
                         summary="A set-up code was voided after too many wrong tries")  # fmt: skip
            raise CodeRejected(
                "That code is not right, too many times: it no longer works. Ask another "
                "organiser for a new one."
            )
        setup.save(update_fields=["wrong_tries"])
        raise CodeRejected("That set-up code is not right. Check it and type it again.")
    request.session[SETUP_ALLOWED_KEY] = user.pk


def staff_setup_allowed(*, request, user) -> bool:
    return request.session.get(SETUP_ALLOWED_KEY) == user.pk


def staff_sign_in_begin(*, request, user, next_url: str) -> None:
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "user_id": user.pk,
        "backend": user.backend,
        "started": time.time(),
        "next": safe_next_url(request=request, next_url=next_url),
    }


def staff_pending(request) -> dict | None:
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending["started"] > PENDING_LIFETIME_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None
    return pending


def staff_pending_user(request):
    pending = staff_pending(request)
    if pending is None:
        return None
    return get_user_model().objects.filter(pk=pending["user_id"], is_active=True).first()


def safe_next_url(*, request, next_url: str) -> str:
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return ""


def staff_confirmed_device(*, user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def staff_setup_device(*, user) -> TOTPDevice:
    """The unconfirmed device an organiser is setting up, made on first need."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice(user=user, name=DEVICE_NAME, confirmed=False)
        device.full_clean()
        device.save()
    return device


def staff_setup_secret_groups(*, device: TOTPDevice) -> list[str]:
    """The key in base32, in groups of four, for typing into an app by hand."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return [key[i : i + 4] for i in range(0, len(key), 4)]


def staff_code_check(*, device: TOTPDevice, code: str) -> None:
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        raise CodeRejected("Too many wrong codes. Wait a minute, then try the newest code.")
    if not device.verify_token(code):
        raise CodeRejected("That code is not right. Enter the 6-digit code your app shows now.")


def staff_sign_in_complete(*, request, user, device: TOTPDevice, code: str) -> str:
    """Check the code; on success sign the organiser in and return where to go next.

    A wrong code is recorded (the device's throttle and the audit log) before CodeRejected is
    raised, so it must not run inside a transaction that the error would roll back.
    """
    try:
        staff_code_check(device=device, code=code)
    except CodeRejected:
        audit_record(action="staff.code_rejected", actor=user, request=request)
        raise
    with transaction.atomic():
        return _sign_in(request=request, user=user, device=device)


def _sign_in(*, request, user, device: TOTPDevice) -> str:
    pending = staff_pending(request) or {}
    newly_confirmed = not device.confirmed
    if newly_confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        SetupCode.objects.filter(user=user).delete()  # spent
        request.session.pop(SETUP_ALLOWED_KEY, None)
    user.backend = pending.get("backend", "django.contrib.auth.backends.ModelBackend")
    login(request, user)
    otp_login(request, device)
    request.session.pop(PENDING_KEY, None)
    audit_record(
        action="staff.signed_in",
        actor=user,
        request=request,
        summary="Set up an authenticator and signed in" if newly_confirmed else "Signed in",
    )
    return pending.get("next") or ""


def staff_sign_out(*, request) -> None:
    if request.user.is_authenticated:
        audit_record(action="staff.signed_out", actor=request.user, request=request)
    logout(request)


@transaction.atomic
def staff_two_factor_reset(*, user, actor=None, actor_label: str = "") -> str:
    """Remove an organiser's authenticators, e.g. after a lost phone; they set up a new one
    with the set-up code returned, which the person resetting gives them."""
    deleted, _ = TOTPDevice.objects.filter(user=user).delete()
    audit_record(
        action="staff.two_factor_reset",
        actor=actor,
        actor_label=actor_label,
        obj=user,
        summary=f"Removed {counted(deleted, 'authenticator')} of {user.get_username()}",
    )
    return staff_setup_code_issue(user=user, actor=actor, actor_label=actor_label)
