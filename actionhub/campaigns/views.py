from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from actionhub.campaigns.models import TOOLS, LetterTemplate, Page
from actionhub.campaigns.selectors import (
    campaign_get_default,
    campaign_part,
)
from actionhub.core.page_cache import for_visitor, public_page
from actionhub.events.selectors import demonstration_next_date
from actionhub.parliament.postcodes import normalise_postcode
from actionhub.pledges.selectors import pledge_progress

TOOL_URL_NAMES = {
    "pledge": "pledge-default",
    "write-to-your-mp": "letters",
    "briefings": "letters",
    "demonstration": "demonstration",
    "brands": "brands",
    "appeal": "appeal",
}


@public_page
def home(request):
    campaign = campaign_get_default()
    pledge = campaign.pledges.order_by("pk").first()
    demonstration = getattr(campaign, "demonstration", None)
    appeal = getattr(campaign, "appeal", None)
    context = {
        "campaign": campaign,
        "pledge": pledge,
        "progress": pledge_progress(pledge=pledge) if pledge else None,
        "next_date": (
            demonstration_next_date(demonstration=demonstration) if demonstration else None
        ),
        "appeal": appeal,
    }
    return render(request, "campaigns/home.html", context)


@public_page(params=("postcode",))
def letters(request):
    campaign = campaign_get_default()
    return render(
        request,
        "campaigns/letters.html",
        {
            "campaign": campaign,
            "letters": campaign.letters.filter(recipient=LetterTemplate.Recipient.MP),
            "postcode": normalise_postcode(request.GET.get("postcode", "")),
            # A group's link lands here: the letter it leads to keeps the link's source.
            "source_query": for_visitor(request, "source-query"),
            "source_query_and": for_visitor(request, "source-query-and"),
        },
    )


@public_page
def briefing(request, slug):
    campaign = campaign_get_default()
    letter = get_object_or_404(LetterTemplate, campaign=campaign, slug=slug)
    context = {
        "campaign": campaign,
        "letter": letter,
        "source_query": for_visitor(request, "source-query"),
    }
    return render(request, "campaigns/briefing.html", context)


@public_page
def appeal(request):
    campaign = campaign_get_default()
    return render(
        request,
        "campaigns/appeal.html",
        {"campaign": campaign, "appeal": campaign_part(campaign, "appeal")},
    )


@public_page
def engagement(request):
    campaign = campaign_get_default()
    plan = campaign_part(campaign, "engagement")
    steps = [
        (step, [(TOOLS[key], reverse(TOOL_URL_NAMES[key])) for key in step.tools_list])
        for step in plan.steps.all()
    ]
    context = {"campaign": campaign, "plan": plan, "steps": steps}
    return render(request, "campaigns/engagement.html", context)


@public_page
def page(request, slug):
    campaign = campaign_get_default()
    page = get_object_or_404(Page, campaign=campaign, slug=slug)
    return render(request, "campaigns/page.html", {"campaign": campaign, "page": page})
