from django.contrib.admin import apps as admin_apps


class OrganiserAdminConfig(admin_apps.AdminConfig):
    default_site = "actionhub.console.site.ConsoleAdminSite"
