from django.apps import AppConfig


class LettersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "actionhub.letters"
    verbose_name = "Letters to MPs"

    def ready(self):
        from actionhub.letters.services import send_allowances_forget
        from actionhub.supporters.services import ERASE_STEPS

        ERASE_STEPS.append(send_allowances_forget)
