from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "actionhub.campaigns"
    label = "campaigns"
    verbose_name = "Campaign content"
