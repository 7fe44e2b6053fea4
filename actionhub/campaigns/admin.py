from django.contrib import admin

from actionhub.campaigns.forms import AppealForm
from actionhub.campaigns.models import (
    Appeal,
    AppealCall,
    CallToAction,
    Campaign,
    Demonstration,
    EngagementPlan,
    EngagementStep,
    LetterTemplate,
    Page,
    Pledge,
    PledgeDemand,
)
from actionhub.campaigns.services import campaign_content_changed
from actionhub.core.admin import AuditedModelAdmin


class OnePerCampaignAdmin(AuditedModelAdmin):
    """Parts every campaign page relies on: edit them, but do not delete them."""

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Campaign)
class CampaignAdmin(AuditedModelAdmin):
    list_display = ["name", "slug", "is_default", "updated_at"]
    readonly_fields = ["pack_path", "pack_digest", "created_at", "updated_at"]


class PledgeDemandInline(admin.StackedInline):
    model = PledgeDemand
    extra = 0


@admin.register(Pledge)
class PledgeAdmin(AuditedModelAdmin):
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
class LetterTemplateAdmin(AuditedModelAdmin):
    list_display = ["title", "campaign", "slug", "recipient", "for_brands", "position"]


@admin.register(Demonstration)
class DemonstrationAdmin(OnePerCampaignAdmin):
    list_display = ["title", "campaign", "start_time", "timezone"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        campaign_content_changed(campaign=obj.campaign)  # its dates follow now, not in an hour


class EngagementStepInline(admin.StackedInline):
    model = EngagementStep
    extra = 0


@admin.register(EngagementPlan)
class EngagementPlanAdmin(OnePerCampaignAdmin):
    list_display = ["title", "campaign"]
    inlines = [EngagementStepInline]


@admin.register(Page)
class PageAdmin(AuditedModelAdmin):
    list_display = ["title", "campaign", "slug"]
