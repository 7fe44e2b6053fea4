from django.apps import AppConfig


class MailingsConfig(AppConfig):
    name = "actionhub.mailings"
    label = "mailings"
    verbose_name = "Campaign emails"

    def ready(self):
        from actionhub.core.bounces import BOUNCE_HANDLERS
        from actionhub.mailings.models import Recipient
        from actionhub.mailings.services import recipient_report_handle, recipients_forget_for
        from actionhub.supporters.services import ERASE_STEPS, NOT_A_USE

        NOT_A_USE.add(Recipient)
        ERASE_STEPS.append(recipients_forget_for)
        BOUNCE_HANDLERS.append(recipient_report_handle)
