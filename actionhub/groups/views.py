"""A group's pages: registering, confirming, its leaders' private page, and its short links."""

import functools

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from actionhub.campaigns.selectors import campaign_get_default
from actionhub.core.ip import client_ip
from actionhub.core.responses import private_link, see_other
from actionhub.core.sources import source_clean
from actionhub.groups.codes import CodeProblem, code_normalise
from actionhub.groups.forms import (
    EventProposalForm,
    InviteForm,
    LinkRequestForm,
    ListingForm,
    NewsForm,
    RegistrationForm,
    StepsForm,
)
from actionhub.groups.models import LEADER_WORDING, Group
from actionhub.groups.selectors import (
    ACTIONS,
    group_by_typed_code,
    group_counts,
    group_events_upcoming,
    group_steps,
    groups_listed,
)
from actionhub.groups.services import (
    GroupsRateLimited,
    co_leader_remove,
    event_propose,
    group_listing_set,
    group_register,
    group_steps_set,
    leader_confirm,
    leader_for_confirmation,
    leader_from_page_token,
    leader_invite,
    leader_news_set,
    leader_wants_news,
    page_link_send,
)
from actionhub.supporters.confirmation import LinkExpired, LinkInvalid
from actionhub.supporters.views import address_remember, confirm_failed, remembered_address

# Where each action's page is; a group's link is one of these with ?source=code.
ACTION_PATHS = {
    "pledge": "pledge-default",
    "letters": "letters",
    "demonstration": "demonstration",
    "brands": "brands",
}
MATERIALS = {
    "poster-a4.pdf": ("A4 poster", "application/pdf"),
    "poster-a5.pdf": ("A5 poster", "application/pdf"),
    "handout.pdf": ("Handout: the pledge and its six demands", "application/pdf"),
    "slides.pdf": ("Slides for a talk (PDF)", "application/pdf"),
    "slides.pptx": (
        "Slides for a talk (PowerPoint, to edit)",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
}


def group_links(group: Group) -> list[tuple[str, str, str]]:
    """(action, label, absolute link) for each action: the short links printed on materials."""
    return [
        (action, ACTIONS[action],
         settings.SITE_URL + reverse("group-link", args=[group.code, action]))
        for action in ACTION_PATHS
    ]  # fmt: skip


def group_short_link(group: Group) -> str:
    return settings.SITE_URL + reverse("group-short", args=[group.code])


def groups(request):
    campaign = campaign_get_default()
    context = {
        "campaign": campaign,
        "listed": groups_listed(campaign=campaign),
        "events": group_events_upcoming(campaign=campaign),
    }
    return render(request, "groups/groups.html", context)


@never_cache
def register(request):
    campaign = campaign_get_default()
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["website"]:
            return see_other("group-check-email")  # a robot: keep nothing
        try:
            group_register(campaign=campaign, data=form.cleaned_data,
                           ip_address=client_ip(request))  # fmt: skip
        except CodeProblem as problem:
            form.add_error("code", str(problem))
        except GroupsRateLimited as limited:
            form.add_error(None, str(limited))
        else:
            address_remember(request, form.cleaned_data["email"])
            return see_other("group-check-email")
    context = {"campaign": campaign, "form": form}
    return render(request, "groups/register.html", context, status=400 if form.errors else 200)


@never_cache
def check_email(request):
    context = {"campaign": campaign_get_default(), "address": remembered_address(request)}
    return render(request, "groups/check_email.html", context)


@private_link
def confirm(request, token):
    """The link in the email opens a page with a button: only pressing it confirms."""
    campaign = campaign_get_default()
    try:
        if request.method == "POST":
            news = NewsForm(request.POST)
            news.is_valid()  # one checkbox: always valid
            leader = leader_confirm(token=token, news=news.cleaned_data["news"])
        else:
            leader = leader_for_confirmation(token=token)
    except (LinkInvalid, LinkExpired) as problem:
        return confirm_failed(request, problem, campaign=campaign,
                              again_url=reverse("group-register"),
                              again_label="Register your group again")  # fmt: skip
    template = "groups/confirmed.html" if leader.is_confirmed else "groups/confirm.html"
    return render(request, template, {"campaign": campaign, "leader": leader,
                                      "group": leader.group,
                                      "news_form": NewsForm(
                                          initial={"news": leader_wants_news(leader)}),
                                      "leader_wording": LEADER_WORDING})  # fmt: skip


def leader_page(view):
    """A page or form of a group's private page, given the leader whose link it is; a link
    that does not work gets the page saying so (and how to get a new one)."""

    @functools.wraps(view)
    def wrapped(request, token, *args, **kwargs):
        try:
            leader = leader_from_page_token(token=token)
        except (LinkInvalid, LinkExpired) as problem:
            context = {"campaign": campaign_get_default(),
                       "expired": isinstance(problem, LinkExpired)}  # fmt: skip
            return render(request, "groups/page_link_failed.html", context, status=400)
        return view(request, token, leader, *args, **kwargs)

    return private_link(wrapped)


@leader_page
def page(request, token, leader, *, invite_form=None, event_form=None, status=200):
    group = leader.group
    steps, upcoming = group_steps(group)
    context = {
        "campaign": group.campaign,
        "group": group,
        "leader": leader,
        "token": token,
        "counts": group_counts(group),
        "steps": steps,
        "upcoming": upcoming,
        "steps_form": StepsForm(steps=[step for step, _ in steps],
                                initial={"steps": [s.pk for s, done in steps if done]}),
        "listing_form": ListingForm(initial={"listed": group.listed,
                                             "show_totals": group.show_totals}),
        "news_form": NewsForm(initial={"news": leader_wants_news(leader)}),
        "invite_form": invite_form or InviteForm(),
        "event_form": event_form or EventProposalForm(),
        "proposals": group.event_proposals.select_related("series"),
        "leaders": group.leaders.filter(confirmed_at__isnull=False).select_related("person"),
        "links": group_links(group),
        "short_link": group_short_link(group),
        "materials": [(name, label) for name, (label, _) in MATERIALS.items()],
        "saved": request.GET.get("saved", ""),
    }  # fmt: skip
    return render(request, "groups/page.html", context, status=status)


@require_POST
@leader_page
def page_steps(request, token, leader):
    # Only the steps ticked count, whatever else a stale page sends: the service keeps those
    # of this campaign's plan.
    ticked = [int(value) for value in request.POST.getlist("steps") if value.isdigit()]
    group_steps_set(group=leader.group, step_ids=ticked)
    return see_other(reverse("group-page", args=[token]) + "?saved=steps#steps")


@require_POST
@leader_page
def page_listing(request, token, leader):
    form = ListingForm(request.POST)
    form.is_valid()  # two checkboxes: always valid
    group_listing_set(group=leader.group, listed=form.cleaned_data["listed"],
                      show_totals=form.cleaned_data["show_totals"])  # fmt: skip
    return see_other(reverse("group-page", args=[token]) + "?saved=listing#listing")


@require_POST
@leader_page
def page_news(request, token, leader):
    form = NewsForm(request.POST)
    form.is_valid()  # one checkbox: always valid
    leader_news_set(leader=leader, wanted=form.cleaned_data["news"])
    return see_other(reverse("group-page", args=[token]) + "?saved=news#news")


@require_POST
@leader_page
def page_invite(request, token, leader):
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            leader_invite(group=leader.group, data=form.cleaned_data,
                          ip_address=client_ip(request))  # fmt: skip
        except GroupsRateLimited as limited:
            form.add_error(None, str(limited))
        else:
            return see_other(reverse("group-page", args=[token]) + "?saved=invite#leaders")
    return page(request, token, invite_form=form, status=400)


@require_POST
@leader_page
def page_leader_remove(request, token, leader, pk):
    co_leader_remove(group=leader.group, by=leader, leader_id=pk)
    return see_other(reverse("group-page", args=[token]) + "?saved=removed#leaders")


@require_POST
@leader_page
def page_event(request, token, leader):
    form = EventProposalForm(request.POST)
    if form.is_valid():
        event_propose(group=leader.group, by=leader, data=form.cleaned_data)
        return see_other(reverse("group-page", args=[token]) + "?saved=event#events")
    return page(request, token, event_form=form, status=400)


@leader_page
def page_material(request, token, leader, name):
    if name not in MATERIALS:
        raise Http404("No such material.")
    from actionhub.groups import materials  # reportlab is loaded only when a file is asked for

    group, link = leader.group, group_short_link(leader.group)
    kwargs = {"campaign": group.campaign, "group_name": group.name, "link": link}
    if name.startswith("poster-"):
        content = materials.poster_pdf(**kwargs, size=name[7:9].upper())
    elif name == "handout.pdf":
        content = materials.handout_pdf(**kwargs)
    elif name == "slides.pptx":
        content = materials.slides_pptx(**kwargs)
    else:
        content = materials.slides_pdf(**kwargs)
    response = HttpResponse(content, content_type=MATERIALS[name][1])
    response["Content-Disposition"] = f'attachment; filename="{group.code}-{name}"'
    return response


@never_cache
def link_request(request):
    """For a leader whose link is lost or too old: a new one, to the address (the page is the
    same whether the address leads a group or not)."""
    form = LinkRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        page_link_send(email=form.cleaned_data["email"], ip_address=client_ip(request))
        address_remember(request, form.cleaned_data["email"])
        return see_other("group-link-sent")
    context = {"campaign": campaign_get_default(), "form": form}
    return render(request, "groups/link_request.html", context,
                  status=400 if form.errors else 200)  # fmt: skip


@never_cache
def link_sent(request):
    context = {"campaign": campaign_get_default(), "address": remembered_address(request)}
    return render(request, "groups/link_sent.html", context)


def short_link(request, code, action="pledge"):
    """/g/<code>/: the group's link as printed, forgiving case and look-alike characters. It
    leads to the action with the group's code as its source. A code no approved group has
    leads there just the same, as a plain source code, so the answer never tells whether a
    group is taking part."""
    if action not in ACTION_PATHS:
        raise Http404("No such action.")
    group = group_by_typed_code(code)
    source = group.code if group else source_clean(code_normalise(code))
    return redirect(reverse(ACTION_PATHS[action]) + (f"?source={source}" if source else ""))
