from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django_otp.admin import OTPAdminSite


class OrganiserAdminSite(OTPAdminSite):
    """The admin, open only to staff who signed in with a password and a TOTP code."""

    site_header = "Action Hub organisers"
    site_title = "Action Hub organisers"
    index_title = "Campaign administration"

    def login(self, request, extra_context=None):
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
