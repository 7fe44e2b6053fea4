from django.apps import AppConfig


class LettersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "actionhub.letters"
    verbose_name = "Letters to MPs"
