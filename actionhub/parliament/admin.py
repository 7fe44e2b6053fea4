from django.contrib import admin

from actionhub.parliament.models import MP, Constituency, Postcode
from actionhub.parliament.postcodes import normalise_postcode


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
    search_fields = ["postcode"]  # shows the search box; get_search_results decides
    search_help_text = "Search for a whole postcode, like SW1A 1AA."
    list_select_related = ["constituency"]
    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):
        # Normalised, then matched exactly: the primary key's index answers at once, where a
        # case-insensitive match would read all 2.7 million rows.
        if not search_term.strip():
            return queryset, False
        normalised = normalise_postcode(search_term) or search_term.strip().upper()
        return queryset.filter(postcode=normalised), False
