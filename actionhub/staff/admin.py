from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from actionhub.core.admin import AuditedModelAdmin

# Accounts and authenticators decide who can see supporters' data: every change is audited.
admin.site.unregister(get_user_model())
admin.site.unregister(TOTPDevice)


@admin.register(get_user_model())
class OrganiserAdmin(AuditedModelAdmin, UserAdmin):
    pass


@admin.register(TOTPDevice)
class AuthenticatorAdmin(AuditedModelAdmin, TOTPDeviceAdmin):
    pass
