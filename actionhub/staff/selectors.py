"""Who is looking: for public pages that show organisers a little more (a note on what to do)."""


def staff_is_signed_in(request) -> bool:
    """Whether the visitor is an organiser signed in with both steps (password and a code from
    their authenticator), as the organisers' console requires."""
    user = request.user
    is_verified = getattr(user, "is_verified", None)  # set by django_otp's middleware
    return bool(user.is_active and user.is_staff and is_verified is not None and is_verified())
