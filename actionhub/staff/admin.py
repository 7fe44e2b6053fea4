from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from actionhub.core.admin import AuditedModelAdmin
from actionhub.staff.services import staff_setup_code_issue, staff_two_factor_reset

# Accounts and authenticators decide who can see supporters' data: every change is audited.
admin.site.unregister(get_user_model())
admin.site.unregister(TOTPDevice)

HAND_OVER = (
    "Give {name} this set-up code, by a different way than the password (say it on the phone, "
    "or in a message): {code}. It works once, within a day, to set up their authenticator app."
)


@admin.register(get_user_model())
class OrganiserAdmin(AuditedModelAdmin, UserAdmin):
    actions = ["reset_authenticator"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:  # a new organiser: they need a set-up code as well as the password
            code = staff_setup_code_issue(user=obj, actor=request.user)
            self.message_user(request, HAND_OVER.format(name=obj.get_username(), code=code),
                              messages.WARNING)  # fmt: skip

    @admin.action(
        description="Reset the authenticator (for a lost phone): gives a new set-up code",
        permissions=["change"],
    )
    def reset_authenticator(self, request, queryset):
        for user in queryset:
            code = staff_two_factor_reset(user=user, actor=request.user)
            self.message_user(request, HAND_OVER.format(name=user.get_username(), code=code),
                              messages.WARNING)  # fmt: skip


@admin.register(TOTPDevice)
class AuthenticatorAdmin(AuditedModelAdmin, TOTPDeviceAdmin):
    pass
