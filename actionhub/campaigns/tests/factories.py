import datetime

import factory

from actionhub.campaigns import models


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Campaign

    slug = factory.Sequence(lambda n: f"campaign-{n}")
    name = factory.Sequence(lambda n: f"Campaign {n}")
    organisation_name = "A small charity"
    contact_email = "privacy@example.org"
    statement_title = "Why we act"
    statement = "We act because it matters."


class PledgeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Pledge

    campaign = factory.SubFactory(CampaignFactory)
    slug = factory.Sequence(lambda n: f"pledge-{n}")
    title = "Sign the pledge"
    introduction = "Something must change."
    commitment = "I pledge to:"


class PledgeDemandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PledgeDemand

    pledge = factory.SubFactory(PledgeFactory)
    position = factory.Sequence(lambda n: n + 1)
    text = "Demand an investigation."


class AppealFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Appeal

    campaign = factory.SubFactory(CampaignFactory)
    title = "Support the appeal"
    summary = "Give what you can."
    url = "https://appeal.example.org/give"
    link_text = "Give now"


class AppealCallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.AppealCall

    appeal = factory.SubFactory(AppealFactory)
    position = factory.Sequence(lambda n: n + 1)
    text = "End to forced labour"


class CallToActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.CallToAction

    campaign = factory.SubFactory(CampaignFactory)
    title = "Call to Action"
    summary = "Brands should act."
    body = "Cut all ties within twelve months."


class DemonstrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Demonstration

    campaign = factory.SubFactory(CampaignFactory)
    title = "Weekly demonstration"
    summary = "Every Tuesday."
    description = "Come along."
    safety = "Stay on the footway."
    venue_name = "Town Hall"
    street = "1 High Street"
    town = "London"
    postcode = "N1 1AA"
    recurrence = "FREQ=WEEKLY;BYDAY=TU"
    start_time = datetime.time(18, 0)
    duration_minutes = 60
    timezone = "Europe/London"


class LetterTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.LetterTemplate

    campaign = factory.SubFactory(CampaignFactory)
    slug = factory.Sequence(lambda n: f"letter-{n}")
    title = "Write to your MP"
    summary = "Ask your MP to act."
    subject = "Please act"
    body = "I am writing to ask you to act."
    briefing_title = "Briefing"
    briefing_summary = "The facts."
    briefing = "## Sources\n\n1. A report."


class EngagementStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.EngagementStep

    plan = factory.SubFactory("actionhub.campaigns.tests.factories.EngagementPlanFactory")
    slug = factory.Sequence(lambda n: f"step-{n}")
    position = factory.Sequence(lambda n: n + 1)
    title = "Host a talk"
    summary = "Invite a speaker."
    body = "1. Book a room."
    needs = "A room\nA speaker"
    tools = "pledge\nbriefings"


class EngagementPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.EngagementPlan

    campaign = factory.SubFactory(CampaignFactory)
    title = "Involve your community"
    summary = "Steps for groups."
    introduction = "Groups can do a lot."


class PageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Page

    campaign = factory.SubFactory(CampaignFactory)
    slug = factory.Sequence(lambda n: f"page-{n}")
    title = "A page"
    body = "Some words."
