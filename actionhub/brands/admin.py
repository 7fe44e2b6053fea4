from datetime import timedelta

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

from actionhub.brands.forms import BrandImportForm, EntityListImportForm
from actionhub.brands.import_admin import ImportAdminMixin
from actionhub.brands.importers import (
    ENTITY_LIST_IMPORTERS,
    BrandImporter,
    EntityListCsvImporter,
    OpenSanctionsImporter,
)
from actionhub.brands.models import (
    Brand,
    EntityList,
    Evidence,
    ScreeningLink,
    ScreeningRun,
    StatusChange,
)
from actionhub.brands.screening import current_versions
from actionhub.brands.screening_views import upload
from actionhub.brands.services import brand_status_refresh
from actionhub.campaigns.selectors import campaign_get_default
from actionhub.core.admin import AuditedModelAdmin, ReadOnlyModelAdmin
from actionhub.core.text import counted


class StatusChangeInline(admin.StackedInline):
    model = StatusChange
    extra = 1


class EvidenceInline(admin.StackedInline):
    model = Evidence
    extra = 1
    formfield_overrides = AuditedModelAdmin.formfield_overrides


@admin.register(Brand)
class BrandAdmin(ImportAdminMixin, AuditedModelAdmin):
    list_display = ["name", "sector", "status", "status_since", "committed_on"]
    list_filter = ["status", "sector"]
    search_fields = ["name", "sector"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["status", "status_since", "committed_on"]
    inlines = [StatusChangeInline, EvidenceInline]
    change_list_template = "admin/brands/brand/change_list.html"
    import_form_class = BrandImportForm
    importers = (BrandImporter,)
    import_title = "Import brands from a file"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        brand_status_refresh(brand=form.instance)  # the timeline decides the status

    def get_urls(self):
        return self.import_urls() + super().get_urls()

    def make_importer(self, *, data, filename, cleaned):
        return BrandImporter(data=data, filename=filename, campaign=campaign_get_default())

    def confirm_label(self, summary):
        return "Import these brands"

    def done_message(self, plan):
        return (
            f"{counted(len(plan.created), 'brand')} added, {len(plan.updated):,} updated and "
            f"{len(plan.unchanged):,} unchanged, from {plan.filename}."
        )


@admin.register(EntityList)
class EntityListAdmin(ImportAdminMixin, AuditedModelAdmin):
    list_display = ["name", "kind", "publisher", "current_version", "current_entities"]
    prepopulated_fields = {"slug": ["name"]}
    change_list_template = "admin/brands/entitylist/change_list.html"
    import_form_class = EntityListImportForm
    importers = (EntityListCsvImporter, OpenSanctionsImporter)
    import_title = "Import an entity list for screening"
    has_fields = True

    def get_urls(self):
        return self.import_urls() + super().get_urls()

    @admin.display(description="Current version")
    def current_version(self, entity_list):
        version = entity_list.current
        if version is None:
            return "None imported yet"
        imported = date_format(timezone.localtime(version.imported_at), "j F Y")
        if version.source_date is None:
            return f"Imported {imported}"
        return f"Imported {imported}, dated {date_format(version.source_date, 'j F Y')}"

    @admin.display(description="Entities")
    def current_entities(self, entity_list):
        version = entity_list.current
        return f"{version.entity_count:,}" if version else "–"

    def make_importer(self, *, data, filename, cleaned):
        return ENTITY_LIST_IMPORTERS[cleaned["file_format"]](
            data=data, filename=filename, source=cleaned["source"], licence=cleaned["licence"],
            source_date=cleaned["source_date"], kind=cleaned["kind"] or None,
        )  # fmt: skip

    def confirm_label(self, summary):
        count = len(summary["lists"])
        return "Import the list" if count == 1 else f"Import the {count} lists"

    def done_message(self, plan):
        lists = "; ".join(
            f"{list_plan.name}: {counted(list_plan.entities, 'entity', 'entities')}"
            for list_plan in plan.lists
        )
        return f"Imported {plan.filename} as a new version. {lists}."


@admin.register(ScreeningLink)
class ScreeningLinkAdmin(AuditedModelAdmin):
    """A private address for a brand to screen its supplier list, until it expires."""

    list_display = ["brand", "expires_at", "address"]
    fields = ["brand", "expires_at", "address"]
    readonly_fields = ["address"]

    def get_changeform_initial_data(self, request):
        return {"expires_at": timezone.now() + timedelta(days=14)}

    @admin.display(description="Address to send the brand")
    def address(self, link):
        if not link.pk:
            return "Shown once saved."
        return settings.SITE_URL + reverse("screening-upload", args=[link.token])


@admin.register(ScreeningRun)
class ScreeningRunAdmin(ReadOnlyModelAdmin):
    list_display = ["filename", "created_at", "row_count", "link", "results"]
    change_list_template = "admin/brands/screeningrun/change_list.html"

    @admin.display(description="Results")
    def results(self, run):
        return format_html('<a href="{}">Open</a>', reverse("screening-results", args=[run.token]))

    def get_urls(self):
        screen = path("screen/", self.admin_site.admin_view(self.screen_view), name="brands_screen")
        return [screen, *super().get_urls()]

    def screen_view(self, request):
        if not request.user.has_perm("brands.view_screeningrun"):
            raise PermissionDenied
        context = {**self.admin_site.each_context(request), "title": "Screen a supplier list",
                   "opts": self.model._meta, "no_lists": not current_versions()}  # fmt: skip
        return upload(request, template="admin/brands/screeningrun/screen.html", context=context)
