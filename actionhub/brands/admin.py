from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from actionhub.brands.importers import BrandImporter
from actionhub.brands.models import (
    Brand,
    EntityList,
    Evidence,
    ScreeningLink,
    ScreeningRun,
    StatusChange,
)
from actionhub.brands.operations import PlanRefused, spreadsheet_import
from actionhub.brands.screening_views import upload
from actionhub.brands.services import brand_status_refresh
from actionhub.brands.supplier_files import UploadRefused
from actionhub.campaigns.selectors import campaign_get_default
from actionhub.core.admin import AuditedModelAdmin, ReadOnlyModelAdmin
from actionhub.core.text import counted


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 1


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 1
    formfield_overrides = AuditedModelAdmin.formfield_overrides


class BrandImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns: name, sector, and optionally country, website, contact_email.",
    )


@admin.register(Brand)
class BrandAdmin(AuditedModelAdmin):
    list_display = ["name", "sector", "status", "status_since", "committed_on"]
    list_filter = ["status", "sector"]
    search_fields = ["name", "sector"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["status", "status_since", "committed_on"]
    inlines = [StatusChangeInline, EvidenceInline]
    change_list_template = "admin/brands/brand/change_list.html"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        brand_status_refresh(brand=form.instance)  # the timeline decides the status

    def get_urls(self):
        extra = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="brands_brand_import",
            )
        ]
        return extra + super().get_urls()

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = BrandImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            importer = BrandImporter(
                data=upload.read(), filename=upload.name, campaign=campaign_get_default()
            )
            try:
                plan = spreadsheet_import(importer=importer, actor=request.user, request=request)
            except (UploadRefused, PlanRefused) as refused:
                form.add_error("file", str(refused))
            else:
                added, updated = len(plan.created), len(plan.updated)
                messages.success(
                    request, f"{counted(added, 'brand')} added and {updated:,} updated."
                )
                return redirect("admin:brands_brand_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": "Import brands from CSV",
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/brands/brand/import.html", context)


@admin.register(EntityList)
class EntityListAdmin(AuditedModelAdmin):
    list_display = ["name", "kind", "publisher"]
    prepopulated_fields = {"slug": ["name"]}


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
                   "opts": self.model._meta}  # fmt: skip
        return upload(request, template="admin/brands/screeningrun/screen.html", context=context)
