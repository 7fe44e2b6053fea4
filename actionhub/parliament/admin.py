from django.contrib import admin

from actionhub.parliament.models import MP, Constituency, Postcode


@admin.register(Constituency)
class ConstituencyAdmin(admin.ModelAdmin):
    list_display = ["name", "gss_code", "nation"]
    list_filter = ["nation"]
    search_fields = ["name", "gss_code"]


@admin.register(MP)
class MPAdmin(admin.ModelAdmin):
    list_display = ["name", "party", "constituency", "email"]
    search_fields = ["name", "constituency__name"]


@admin.register(Postcode)
class PostcodeAdmin(admin.ModelAdmin):
    list_display = ["postcode", "constituency", "terminated"]
    search_fields = ["=postcode"]
    list_select_related = ["constituency"]
    show_full_result_count = False
