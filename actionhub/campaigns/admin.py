from django.contrib import admin
from django.urls import reverse

from actionhub.campaigns.forms import AppealForm
from actionhub.campaigns.models import (
    Appeal,
    AppealCall,
    CallToAction,
    Campaign,
    EngagementPlan,
    EngagementStep,
    LetterTemplate,
    Page,
    Pledge,
    PledgeDemand,
)
from actionhub.core.admin import AuditedModelAdmin

MARKDOWN_PREVIEW = "admin:markdown_preview"


def markdown_widget_attrs() -> dict:
    """What marks a textarea as Markdown for the preview beside it (markdown-preview.js)."""
    return {"data-markdown-preview": reverse(MARKDOWN_PREVIEW), "rows": 12}


class MarkdownPreviewMixin:
    """A preview beside each Markdown field (its help text says "Markdown")."""

    class Media:
        js = ["js/markdown-preview.js"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and str(db_field.help_text).startswith("Markdown"):
            field.widget.attrs.update(markdown_widget_attrs())
        return field


class CampaignContentAdmin(MarkdownPreviewMixin, AuditedModelAdmin):
    """Content a campaign pack provides: a note of what loading the pack again would do, and
    a preview beside each Markdown field."""

    change_form_template = "admin/campaigns/change_form.html"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        campaign = obj if isinstance(obj, Campaign) else getattr(obj, "campaign", None)
        context = {"pack_campaign": campaign, **(extra_context or {})}
        return super().change_view(request, object_id, form_url, context)


class OnePerCampaignAdmin(CampaignContentAdmin):
    """Parts every campaign page relies on: edit them, but do not delete them."""

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Campaign)
class CampaignAdmin(CampaignContentAdmin):
    list_display = ["name", "slug", "is_default", "updated_at"]
    readonly_fields = ["pack_path", "pack_digest", "created_at", "updated_at"]


class PledgeDemandInline(admin.StackedInline):
    model = PledgeDemand
    extra = 0


@admin.register(Pledge)
class PledgeAdmin(CampaignContentAdmin):
    list_display = ["title", "campaign", "slug"]
    inlines = [PledgeDemandInline]


class AppealCallInline(admin.StackedInline):
    model = AppealCall
    extra = 0


@admin.register(Appeal)
class AppealAdmin(OnePerCampaignAdmin):
    form = AppealForm
    list_display = ["title", "campaign", "target", "raised", "updated_at"]
    fieldsets = [
        ("Progress", {
            "description": "Whole amounts in the appeal’s currency, without a symbol or "
            "commas. The amount raised may be more than the target. Loading the campaign pack "
            "again never changes these two.",
            "fields": ["target", "raised", "currency"],
        }),
        ("Content", {"fields": ["campaign", "title", "summary", "body", "url", "link_text"]}),
    ]  # fmt: skip
    inlines = [AppealCallInline]


@admin.register(CallToAction)
class CallToActionAdmin(OnePerCampaignAdmin):
    list_display = ["title", "campaign"]


@admin.register(LetterTemplate)
class LetterTemplateAdmin(CampaignContentAdmin):
    list_display = ["title", "campaign", "slug", "recipient", "for_brands", "position"]


class EngagementStepInline(MarkdownPreviewMixin, admin.StackedInline):
    model = EngagementStep
    extra = 0


@admin.register(EngagementPlan)
class EngagementPlanAdmin(OnePerCampaignAdmin):
    list_display = ["title", "campaign"]
    inlines = [EngagementStepInline]


@admin.register(Page)
class PageAdmin(CampaignContentAdmin):
    list_display = ["title", "campaign", "slug"]
