from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp.admin import OTPAdminSite


class OrganiserAdminSite(OTPAdminSite):
    """The admin, open only to staff who signed in with a password and a TOTP code."""

    site_header = "Action Hub organisers"
    site_title = "Action Hub organisers"
    index_title = "Campaign administration"

    def login(self, request, extra_context=None):
        """Send everyone to the organisers' two-step sign-in instead of the admin's own form."""
        next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = ""
        return redirect_to_login(next_url or "/admin/", settings.LOGIN_URL)
