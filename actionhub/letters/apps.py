from django.apps import AppConfig


class LettersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "actionhub.letters"
    verbose_name = "Letters to MPs"

    def ready(self):
        from actionhub.core.bounces import BOUNCE_HANDLERS
        from actionhub.letters.services import letter_bounce_handle, send_allowances_forget
        from actionhub.supporters.services import ERASE_STEPS

        ERASE_STEPS.append(send_allowances_forget)
        BOUNCE_HANDLERS.append(letter_bounce_handle)
