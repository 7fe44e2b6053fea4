"""Each date "Your data" and the retention report give for deleting something is kept by the
tasks that delete it, run by the real worker as the clock moves on.

The other tests of the inventory compare its sentences with the apps' retention constants, so
they pass whatever the tasks do. Here each kind of item is made (through the service a
supporter or organiser uses, where that is cheap, or as `someone_who_did_everything` holds
it), its date is read back from the sentence the supporter is shown, and the clock moves on
from the suite's frozen now (never today's date), see `follow`: a minute before its time is
up every periodic task runs and the item must still be there; a minute after, the task that
deletes it must do so; and a minute after the date the page gives, with the worker left to its
own schedule, it must be gone, from the page and from the database (deleted, or its details
blanked). Someone left with nothing must then be gone too, within the time "Your details"
says. Some kinds are followed again in British Summer Time. The retention report's "gone
within 7 / 30 days" is followed the same way, row by row.

Items whose sentence gives no date, and what this file does about each:
- kept while a supporter wants campaign emails (an RSVP), comes every week, has a request open,
  or while a campaign email is still going out: the event that ends it is cheap (withdrawing
  the consent, stopping, closing the request, cancelling the email), so the kind does it and
  then follows the date the sentence gives from then on;
- an email waiting to be delivered ("as soon as it is delivered"), and a group leadership and
  an event the leader proposed that was never published ("when the group is removed"):
  tested at the end, at once, with no date;
- a confirmed signature, the choices, an address never to email, a published event: kept until
  the supporter erases their details (or an organiser acts, or for good); erasure has tests of
  its own (supporters, rights), so they are not followed here.
"""

import re
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.sessions.backends.db import SessionStore
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from actionhub.campaigns.models import LetterTemplate
from actionhub.core import tasks as core_tasks
from actionhub.core.email import email_send
from actionhub.core.models import OutboundEmail
from actionhub.core.periodic import REGISTRY, periodic_schedule_all
from actionhub.core.tests.clock import SUITE_NOW
from actionhub.events import tasks as events_tasks
from actionhub.events.models import Rsvp, Subscription
from actionhub.events.services import rsvp_submit, subscription_stop, subscription_submit
from actionhub.events.tests.factories import OccurrenceFactory, RsvpFactory, SeriesFactory
from actionhub.groups import tasks as groups_tasks
from actionhub.groups.models import EventProposal, Group, Leader
from actionhub.groups.services import group_register, group_remove
from actionhub.groups.tests.factories import LeaderFactory
from actionhub.letters import tasks as letters_tasks
from actionhub.letters.models import Letter, SendAllowance
from actionhub.letters.tests.factories import LetterFactory
from actionhub.mailings import tasks as mailings_tasks
from actionhub.mailings.models import Mailing, Recipient
from actionhub.mailings.services import mailing_cancel
from actionhub.mailings.tests.factories import MailingFactory, hearing_more
from actionhub.parliament.tests.factories import MPFactory
from actionhub.pledges import tasks as pledges_tasks
from actionhub.pledges.models import Signature
from actionhub.pledges.operations import signatures_invalidate
from actionhub.pledges.services import signature_submit
from actionhub.pledges.tests.factories import SignatureFactory
from actionhub.rights import tasks as rights_tasks
from actionhub.rights.inventory import DELIVERY, Item, person_inventory, when
from actionhub.rights.models import AccessLink, DataRequest, PreparedExport
from actionhub.rights.prepared import export_prepare_queue
from actionhub.rights.register import data_request_close, data_request_record
from actionhub.rights.retention import AHEAD_DAYS, retention_report
from actionhub.rights.services import access_link_create
from actionhub.rights.tests.people import ADDRESS, someone_who_did_everything
from actionhub.staff.tests.factories import OrganiserFactory
from actionhub.supporters.models import Consent, Person
from actionhub.supporters.services import consent_withdraw
from actionhub.supporters.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)

LONDON = ZoneInfo("Europe/London")  # the page's times are UK time
A_MINUTE = timedelta(minutes=1)
PERIOD = r"(an hour|a day|\d+ hours|\d+ days)"
STATED_BY = re.compile(r"\bby (\d{1,2} [A-Z][a-z]+ \d{4} at \d{2}:\d{2})")
STATED_WITHIN = re.compile(rf"\bwithin {PERIOD}: its time to be kept is over")
PERSON_WITHIN = re.compile(rf"then deleted within {PERIOD}")
CHECKED_EVERY = re.compile(r"\bevery (hour|day|\d+ hours|\d+ days)\b")


# Reading the words


def period_of(words: str) -> timedelta:
    """`an hour`, `a day`, `6 hours`, `30 days`, `hour`, `day` as a timedelta."""
    words = bare(words)
    if words in ("hour", "day"):
        words = f"1 {words}s"
    number, unit = words.split()
    return timedelta(**{unit if unit.endswith("s") else unit + "s": int(number)})


def spoken(every: timedelta) -> str:
    """A period in words, for the messages: `an hour`, `a day`, `6 hours`."""
    if every % timedelta(days=1) == timedelta(0):
        return "a day" if every.days == 1 else f"{every.days} days"
    hours = every // timedelta(hours=1)
    return "an hour" if hours == 1 else f"{hours} hours"


def bare(period: str) -> str:
    """`an hour` -> `hour`, for "every hour"."""
    return period.removeprefix("an ").removeprefix("a ")


def stated_deadline(sentence: str, read_at: datetime) -> tuple[datetime, bool]:
    """When the sentence says the thing will be gone by, and whether it gives a date (False:
    "within an hour: its time to be kept is over", counted from when it was read)."""
    if found := STATED_BY.search(sentence):
        moment = datetime.strptime(found[1], "%d %B %Y at %H:%M")
        return moment.replace(tzinfo=LONDON), True
    if found := STATED_WITHIN.search(sentence):
        return read_at + period_of(found[1]), False
    raise AssertionError(f"No date in “{sentence}”")


def dated(text: str) -> bool:
    return bool(STATED_BY.search(text) or STATED_WITHIN.search(text))


# The clock and the worker


@contextmanager
def clock_at(moment: datetime):
    """Move the suite's clock to `moment` (time runs on from there)."""
    with time_machine.travel(moment, tick=True):
        yield


def every_periodic_task(run_tasks, *, now: bool | timedelta = False) -> None:
    """Queue each periodic task not already waiting, then let the real worker run whatever
    is due: each run queues its next one, as in production. `now`: every one of them is due
    now, as if each one's round fell at this minute (a period: those that run that often)."""
    periodic_schedule_all()
    if now:
        paths = [path for path, (_, every) in REGISTRY.items() if now in (True, every)]
        DBTaskResult.objects.filter(task_path__in=paths, status="READY").update(
            run_after=timezone.now()
        )
    run_tasks()


def cadence(task) -> timedelta:
    return REGISTRY[task.module_path][1]


# Kinds of item


@dataclass
class Made:
    person: Person
    held: Callable[[], bool]  # the database still holds it (the row, or its details)
    title: str | None = None  # to tell it from items like it (letters share titles)


class World:
    """What the kinds are made in: one Ruth (`someone_who_did_everything`), made when first
    wanted, and one organiser who may do every operation (the data protection lead's too)."""

    def __init__(self, campaign):
        self.campaign = campaign
        self.pledge = campaign.pledges.get()
        self._ruth = None

    @property
    def ruth(self) -> Person:
        if self._ruth is None:
            self._ruth = someone_who_did_everything(self.campaign)
        return self._ruth

    @property
    def lead(self):
        return OrganiserFactory(username="lead")  # a superuser: may do every operation


def exists(model, pk) -> Callable[[], bool]:
    return lambda: model.objects.filter(pk=pk).exists()


@dataclass(frozen=True)
class Kind:
    name: str
    section: str
    task: object  # the periodic task that deletes it: its period places "just before"
    find: Callable[[Item], bool]  # which items of the section are of this kind
    make: Callable[[World], Made]
    alone: bool = False  # the person has nothing else: they go too
    text: Callable[[Item], str | None] = lambda item: item.deleted

    def __str__(self):
        return self.name


def field(label: str, value: str) -> Callable[[Item], bool]:
    return lambda item: dict(item.fields).get(label) == value


def titled(start: str) -> Callable[[Item], bool]:
    return lambda item: item.title.startswith(start)


def anything(item: Item) -> bool:
    return True


def keeps_details(model, pk, **blank) -> Callable[[], bool]:
    """The row is there with any of its personal fields still filled in."""
    return lambda: model.objects.filter(pk=pk).exclude(**blank).exists()


# Signatures


def make_pending_signature(world: World) -> Made:
    signature = signature_submit(
        pledge=world.pledge, data={"email": "dina@example.org", "first_name": "Dina"},
        ip_address="192.0.2.20", automated=False,
    )  # fmt: skip
    assert signature.status == Signature.Status.PENDING
    return Made(signature.person, exists(Signature, signature.pk))


def make_held_signature(world: World) -> Made:
    signature = signature_submit(
        pledge=world.pledge, data={"email": "bot@example.org", "first_name": "Bot"},
        ip_address="192.0.2.21", automated=True,
    )  # fmt: skip
    assert signature.status == Signature.Status.QUARANTINED
    return Made(signature.person, exists(Signature, signature.pk))


def make_invalidated_signature(world: World) -> Made:
    person = PersonFactory(email="yael@example.org", first_name="Yael")
    signature = SignatureFactory(pledge=world.pledge, person=person,
                                 confirmed_at=timezone.now())  # fmt: skip
    signatures_invalidate(actor=world.lead, reason="A flood from one connection",
                          signatures=Signature.objects.filter(pk=signature.pk))  # fmt: skip
    return Made(person, exists(Signature, signature.pk))


def make_ip_address(world: World) -> Made:
    signature = world.ruth.signatures.get()
    return Made(world.ruth, lambda: Signature.objects.get(pk=signature.pk).ip_address is not None)


# Letters


def letter_of_ruth(world: World, **which) -> Made:
    letter = Letter.objects.get(person=world.ruth, **which)
    blank = {"person": None, "email_normalised": "", "postcode": "", "sender_name": "",
             "sender_address": "", "sender_email": "", "subject": "", "body": "",
             "reply_text": "", "ip_address": None}  # fmt: skip
    return Made(world.ruth, keeps_details(Letter, letter.pk, **blank))


def make_unconfirmed_letter(world: World) -> Made:
    letter = LetterFactory(sender_email="ezra@example.org", confirmed_at=None,
                           status=Letter.Status.AWAITING_CONFIRMATION)  # fmt: skip
    return Made(letter.person, exists(Letter, letter.pk))


def make_allowance(world: World) -> Made:
    allowance = SendAllowance.objects.get(email_normalised=world.ruth.email_normalised)
    return Made(world.ruth, exists(SendAllowance, allowance.pk))


def make_allowance_never_sent(world: World) -> Made:
    """The note a letter that failed left, before failures deleted theirs: no date says when
    it was sent, so it goes at the next run."""
    person = PersonFactory(email="noa@example.org", first_name="Noa")
    template = LetterTemplate.objects.filter(recipient=LetterTemplate.Recipient.MP).first()
    allowance = SendAllowance.objects.create(email_normalised=person.email_normalised,
                                             mp=MPFactory(), template=template)  # fmt: skip
    return Made(person, exists(SendAllowance, allowance.pk))


# Events


def rsvp_title(rsvp: Rsvp) -> str:
    return f"{rsvp.occurrence.series.title}, {when(rsvp.occurrence.starts_at)}"


def rsvp_made(person: Person, rsvp: Rsvp) -> Made:
    held = keeps_details(Rsvp, rsvp.pk, person=None, email_normalised="", first_name="",
                         last_name="")  # fmt: skip
    return Made(person, held, rsvp_title(rsvp))


def make_pending_rsvp(world: World) -> Made:
    rsvp = rsvp_submit(occurrence=OccurrenceFactory(),
                       data={"email": "miriam@example.org", "first_name": "Miriam"},
                       ip_address="192.0.2.22")  # fmt: skip
    assert rsvp.status == Rsvp.Status.PENDING
    return Made(rsvp.person, exists(Rsvp, rsvp.pk), rsvp_title(rsvp))


def make_coming_rsvp(world: World) -> Made:
    rsvp = world.ruth.rsvps.get(occurrence__starts_at__gt=timezone.now())
    return rsvp_made(world.ruth, rsvp)


def make_attended_rsvp(world: World) -> Made:
    rsvp = world.ruth.rsvps.get(attended_at__isnull=False)
    return rsvp_made(world.ruth, rsvp)


def make_rsvp_no_longer_hearing(world: World) -> Made:
    """Kept while the person wants campaign emails: they stop wanting them, and the date
    after the event applies."""
    person = hearing_more(email="tamar@example.org", first_name="Tamar")
    rsvp = RsvpFactory(person=person, hear_more=True)
    [item] = inventory_items(person, "events")
    assert item.deleted.startswith("Kept while you want emails about the campaign")
    consent_withdraw(person=person, purpose=Consent.Purpose.CAMPAIGN_EMAILS)
    return rsvp_made(person, rsvp)


def make_pending_every_week(world: World) -> Made:
    subscription = subscription_submit(
        series=SeriesFactory(title="Sunday vigil"), ip_address="192.0.2.23",
        data={"email": "avi@example.org", "first_name": "Avi"},
    )  # fmt: skip
    assert subscription.status == Subscription.Status.PENDING
    return Made(subscription.person, exists(Subscription, subscription.pk))


def make_stopped_every_week(world: World) -> Made:
    """Kept while Ruth comes every week: she stops."""
    subscription = world.ruth.subscriptions.get()
    [item] = inventory_items(world.ruth, "every-week")
    assert item.deleted.startswith("Kept while you come every week")
    subscription_stop(subscription=subscription)
    return Made(world.ruth, exists(Subscription, subscription.pk))


# Groups


def make_unconfirmed_leader(world: World) -> Made:
    group = group_register(
        campaign=world.campaign, ip_address="192.0.2.24",
        data={"name": "Golders Green youth", "kind": Group.Kind.YOUTH,
              "area": "Golders Green, London", "first_name": "Lev", "email": "lev@example.org"},
    )  # fmt: skip
    leader = group.leaders.get()
    return Made(leader.person, exists(Leader, leader.pk))


# Emails


def make_campaign_email(world: World) -> Made:
    recipient = Recipient.objects.get(person=world.ruth)
    return Made(world.ruth, keeps_details(Recipient, recipient.pk, person=None, error="",
                                          message_id=""))  # fmt: skip


def make_cancelled_campaign_email(world: World) -> Made:
    """Kept until the email has gone to everyone: an organiser cancels it instead."""
    person = hearing_more(email="shira@example.org", first_name="Shira")
    mailing = MailingFactory(subject="Vigil moved", status=Mailing.Status.SENDING)
    recipient = Recipient.objects.create(mailing=mailing, person=person)
    [item] = inventory_items(person, "campaign-emails")
    assert "after the email has gone to everyone" in item.deleted
    mailing_cancel(actor=world.lead, mailing=mailing)
    return Made(person, keeps_details(Recipient, recipient.pk, person=None, error="",
                                      message_id=""))  # fmt: skip


def make_failed_email(world: World) -> Made:
    ruth = world.ruth
    email = OutboundEmail.objects.get(
        subject="Confirm your RSVP", status=OutboundEmail.Status.FAILED
    )
    return Made(ruth, exists(OutboundEmail, email.pk))


# Rights


def make_access_link(world: World) -> Made:
    link, _ = access_link_create(person=world.ruth)
    return Made(world.ruth, exists(AccessLink, link.pk))


def make_prepared_export(world: World) -> Made:
    export = export_prepare_queue(person=world.ruth, kind="json")
    return Made(world.ruth, exists(PreparedExport, export.pk))


def make_closed_request(world: World) -> Made:
    """Kept, with the address, while it is open: the data protection lead closes it."""
    lead = world.lead
    data_request = data_request_record(
        actor=lead, data_request=DataRequest(kind=DataRequest.Kind.ACCESS, email=ADDRESS)
    )
    [item] = [
        item for item in inventory_items(world.ruth, "you") if item.title.startswith("Your request")
    ]
    assert item.deleted.startswith("Kept, with your address, while we deal with it")
    data_request_close(actor=lead, data_request=data_request, status=DataRequest.Status.DONE)
    return Made(world.ruth, exists(DataRequest, data_request.pk))


STATUS = "Status"
HOW = "How it was delivered"
KINDS = [
    Kind("unconfirmed signature", "signatures", pledges_tasks.apply_signature_retention,
         field(STATUS, "Waiting for you to confirm it by email"), make_pending_signature,
         alone=True),
    Kind("signature held for review", "signatures", pledges_tasks.apply_signature_retention,
         field(STATUS, "Held for the organisers to review: not counted yet"),
         make_held_signature, alone=True),
    Kind("signature taken out of the count", "signatures",
         pledges_tasks.apply_signature_retention,
         field(STATUS, "Taken out of the count by the organisers"), make_invalidated_signature,
         alone=True),
    Kind("IP address on a signature", "signatures", pledges_tasks.apply_signature_retention,
         lambda item: "Your IP address when you signed" in dict(item.fields), make_ip_address,
         text=lambda item: dict(item.fields).get("Your IP address when you signed")),
    Kind("letter waiting for confirmation", "letters-to-mps", letters_tasks.apply_letter_retention,
         field(STATUS, "Waiting for you to confirm it by email"), make_unconfirmed_letter,
         alone=True),
    Kind("letter sent through the site", "letters-to-mps", letters_tasks.apply_letter_retention,
         field(HOW, DELIVERY[Letter.Delivery.SITE]),
         lambda world: letter_of_ruth(world, delivery=Letter.Delivery.SITE, brand=None)),
    Kind("letter sent from one's own email", "letters-to-mps",
         letters_tasks.apply_letter_retention, field(HOW, DELIVERY[Letter.Delivery.OWN_EMAIL]),
         lambda world: letter_of_ruth(world, delivery=Letter.Delivery.OWN_EMAIL)),
    Kind("letter downloaded to post", "letters-to-mps", letters_tasks.apply_letter_retention,
         field(HOW, DELIVERY[Letter.Delivery.DOWNLOAD]),
         lambda world: letter_of_ruth(world, delivery=Letter.Delivery.DOWNLOAD)),
    Kind("letter to a brand", "letters-to-brands", letters_tasks.apply_letter_retention,
         field(HOW, DELIVERY[Letter.Delivery.SITE]),
         lambda world: letter_of_ruth(world, brand__isnull=False)),
    Kind("note of when a letter was sent", "letters-to-mps", letters_tasks.apply_letter_retention,
         lambda item: item.title.startswith("When we last sent")
         and dict(item.fields)["Sent"] != "Not sent", make_allowance),
    Kind("note of a letter never sent", "letters-to-mps", letters_tasks.apply_letter_retention,
         field("Sent", "Not sent"), make_allowance_never_sent, alone=True),
    Kind("unconfirmed RSVP", "events", events_tasks.apply_rsvp_retention, anything,
         make_pending_rsvp, alone=True),
    Kind("RSVP to a date to come", "events", events_tasks.apply_rsvp_retention, anything,
         make_coming_rsvp),
    Kind("attendance at a date gone by", "events", events_tasks.apply_rsvp_retention, anything,
         make_attended_rsvp),
    Kind("RSVP once campaign emails are no longer wanted", "events",
         events_tasks.apply_rsvp_retention, anything, make_rsvp_no_longer_hearing, alone=True),
    Kind("unconfirmed “every week”", "every-week", events_tasks.apply_rsvp_retention,
         field(STATUS, Subscription.Status.PENDING.label), make_pending_every_week, alone=True),
    Kind("stopped “every week”", "every-week", events_tasks.apply_rsvp_retention,
         field(STATUS, Subscription.Status.STOPPED.label), make_stopped_every_week),
    Kind("unconfirmed group leader", "groups", groups_tasks.forget_unconfirmed_groups,
         field("Confirmed", "Not yet"), make_unconfirmed_leader, alone=True),
    Kind("campaign email sent", "campaign-emails", mailings_tasks.forget_mailing_recipients,
         titled("Join us on Sunday"), make_campaign_email),
    Kind("campaign email cancelled", "campaign-emails", mailings_tasks.forget_mailing_recipients,
         titled("Vigil moved"), make_cancelled_campaign_email),
    Kind("email that could not be delivered", "emails-waiting", core_tasks.delete_failed_emails,
         field(STATUS, "Could not be delivered: we have stopped trying"), make_failed_email),
    Kind("link to see one's data", "data-links", rights_tasks.delete_expired_access_links,
         titled("Asked for on"), make_access_link),
    Kind("download of one's data", "data-links", rights_tasks.delete_expired_exports,
         titled("A download"), make_prepared_export),
    Kind("closed request about one's data", "you", rights_tasks.apply_data_request_retention,
         titled("Your request"), make_closed_request),
]  # fmt: skip


# What the supporter is shown


def inventory_items(person: Person, section: str) -> list[Item]:
    """The items of one section of "Your data" for `person` (their address, once they are
    deleted: what is kept by the address alone is still found)."""
    person = Person.objects.filter(pk=person.pk).first() or person
    [found] = [s for s in person_inventory(person=person).sections if s.key == section]
    return list(found.items)


def shown(kind: Kind, made: Made, title: str) -> str | None:
    """What the page says of the item now, or None if the page no longer shows it."""
    for item in inventory_items(made.person, kind.section):
        if item.title == title and kind.find(item) and kind.text(item):
            return kind.text(item)
    return None


@pytest.mark.parametrize("kind", KINDS, ids=str)
def test_each_item_is_kept_until_its_time_and_gone_by_the_date_the_page_gives(
    kind, campaign, run_tasks
):
    follow(kind, campaign, run_tasks)


# In summer the page's UK time is an hour ahead of UTC: a date written in UTC, or read back
# as UTC, is an hour out, which the hourly tasks show. (Kinds that need a date still to come
# from the events factories, which are placed from the suite's own date, are left out.)
IN_SUMMER = [
    "unconfirmed signature", "letter waiting for confirmation", "unconfirmed group leader",
    "link to see one's data", "download of one's data",
]  # fmt: skip


@pytest.mark.parametrize("kind", [kind for kind in KINDS if kind.name in IN_SUMMER], ids=str)
def test_the_dates_hold_in_summer_time_too(kind, campaign, run_tasks):
    summer = SUITE_NOW + timedelta(weeks=26)
    assert timezone.localtime(summer).utcoffset() == timedelta(hours=1), "British Summer Time"
    with clock_at(summer):
        follow(kind, campaign, run_tasks)


def follow(kind: Kind, campaign, run_tasks) -> None:
    """Make one item of `kind` now, read its date from the page, and follow it.

    A task running every E that is to have deleted something by S must find its time up at
    any run after S - E (its last run before S may fall at any minute of the round). So: with
    every periodic task run a minute before S - E, the item is still there; run a minute
    after it, the task deletes it (probed, then undone); and left to the worker's own
    schedule, it is gone a minute after S. Stated to the minute, that places the rule's own
    moment within a minute or two of what the page implies."""
    made = kind.make(World(campaign))
    read_at = timezone.now()
    mine = [item for item in inventory_items(made.person, kind.section) if kind.find(item)]
    mine = [item for item in mine if made.title in (None, item.title)]
    assert len(mine) == 1, f"{kind}: {len(mine)} such items on the page, not one: {mine}"
    [item] = mine
    sentence = kind.text(item)
    deadline, gives_a_date = stated_deadline(sentence, read_at)
    every = cadence(kind.task)
    [details] = [i for i in inventory_items(made.person, "you") if i.title == "Your details"]
    person_within = period_of(PERSON_WITHIN.search(details.deleted)[1])

    def still_there(moment: str):
        page, database = shown(kind, made, item.title), made.held()
        assert page and database, (
            f"{kind}: the page said “{sentence}”, but {moment}, after every periodic task had "
            f"run, it was gone already ({'still' if page else 'no longer'} on the page, "
            f"{'still' if database else 'no longer'} in the database)"
        )

    def gone(moment: str):
        page, database = shown(kind, made, item.title), made.held()
        where = [place for place, there in (("on the page", page), ("in the database", database))
                 if there]  # fmt: skip
        assert not where, (
            f"{kind}: the page said “{sentence}”, but {moment}, it was still "
            f"{' and '.join(where)}" + (f": the page now says “{page}”" if page else "")
        )

    every_periodic_task(run_tasks)
    if not gives_a_date:  # its time is over: the task's first run deletes it
        gone(f"once every periodic task had run ({when(timezone.now())})")
    else:
        still_there(f"at once ({when(timezone.now())})")
        before = deadline - every - A_MINUTE
        with clock_at(before):
            every_periodic_task(run_tasks, now=True)
            still_there(
                f"on {when(before)}, a minute before its time was up (the date less "
                f"{spoken(every)}, the time between runs of {kind.task.name})"
            )
            next_run = DBTaskResult.objects.get(task_path=kind.task.module_path, status="READY")
            assert next_run.run_after <= timezone.now() + every, (
                f"{kind.task.name} is to run every {bare(spoken(every))}, as the page counts, but "
                f"after running on {when(before)} it was queued again for "
                f"{when(next_run.run_after)}"
            )

        probe = deadline - every + A_MINUTE
        with clock_at(probe), transaction.atomic():
            kind.task.call()
            gone(
                f"when {kind.task.name} ran on {when(probe)} (its run at any minute from the "
                f"date less {spoken(every)} must delete it, for it to be gone by the date)"
            )
            transaction.set_rollback(True)  # as it was: the worker's own schedule is next

    after = deadline + A_MINUTE
    with clock_at(after):
        every_periodic_task(run_tasks)
        gone(f"on {when(after)}, after every periodic task due had run")

    if kind.alone:
        later = after + person_within + A_MINUTE
        with clock_at(later):
            every_periodic_task(run_tasks)
            assert not Person.objects.filter(pk=made.person.pk).exists(), (
                f"{kind}: it was all {made.person.email} had, and “Your details” said "
                f"“{details.deleted}”, but on {when(later)} they were still on file"
            )
            assert not Consent.objects.filter(person_id=made.person.pk).exists()


def test_every_dated_item_on_the_page_is_one_of_the_kinds_followed_here(campaign):
    """A new kind of item with a deletion date (on Ruth, who did everything, or on any of the
    people above) must be followed through time: add it to KINDS."""
    world = World(campaign)
    people = {made.person.pk: made.person for made in (kind.make(world) for kind in KINDS)}
    not_followed = []
    for person in people.values():
        for found in person_inventory(person=person).sections:
            for item in found.items:
                for text in [item.deleted, *(value for _, value in item.fields)]:
                    if dated(text) and not any(
                        kind.section == found.key and kind.find(item) and kind.text(item) == text
                        for kind in KINDS
                    ):
                        not_followed.append((found.key, item.title, text))

    assert not_followed == []


def dated_rows(now=None) -> dict:
    """The retention report's rows that say how many are gone within its days, by what they
    hold."""
    rows = (row for part in retention_report(now=now) for row in part.rows)
    return {row.what: row for row in rows if row.within is not None}


def report_world(campaign) -> tuple[datetime, dict, dict]:
    """Every kind above made at once, and a browser session: when, the report's dated rows
    then, and how often each row says it is checked."""
    world = World(campaign)
    for kind in KINDS:
        kind.make(world)  # Ruth stops coming every week: no RSVPs are added as dates are made
    session = SessionStore()
    session["postcode"] = "NW3 7UX"
    session.save()
    start = timezone.now()
    at_start = dated_rows(start)
    empty = [what for what, row in at_start.items() if row.count == 0]
    assert empty == [], "each dated row must have something in it to follow: make one above"
    every = {what: period_of(CHECKED_EVERY.search(row.rule)[1]) for what, row in at_start.items()}
    return start, at_start, every


def test_what_the_retention_report_says_is_gone_within_its_days_is_gone_by_their_end(
    campaign, run_tasks
):
    """The report's columns say “Gone within 7 days” (and 30). Whatever minute each
    task's round falls on, what they count must be gone when those days end, as "Your data"
    counts it: a thing whose time is up at M is deleted by M plus the period of its check.
    The least favourable round: each task's last run before the end falls a minute after the
    end less its period, so its next run is a minute after the end."""
    start, at_start, every = report_world(campaign)

    every_periodic_task(run_tasks)
    left = []
    for index, days in enumerate(AHEAD_DAYS):
        end = start + timedelta(days=days)
        for checked in sorted({every for _, every in REGISTRY.values()}, reverse=True):
            with clock_at(end - checked + A_MINUTE):
                every_periodic_task(run_tasks, now=checked)
        with clock_at(end):
            every_periodic_task(run_tasks)
            now = dated_rows()
        left += [
            f"“{what}” (checked every {bare(spoken(every[what]))}): {row.within[index]} of "
            f"{row.count} said to be gone within {days} days, "
            f"{now[what].count - (row.count - row.within[index])} still there on {when(end)}, "
            "when those days end"
            for what, row in at_start.items()
            if now[what].count > row.count - row.within[index]
        ]

    assert left == [], (
        "The report counts as gone within its days what its check may not have deleted by "
        "then (the check comes up to its period after the time is up):\n" + "\n".join(left)
    )


def test_an_email_waiting_to_be_delivered_goes_as_soon_as_it_is(campaign, run_tasks):
    """“Deleted as soon as it is delivered”: no date, but the worker delivers it at once."""
    ruth = someone_who_did_everything(campaign)
    email = email_send(to=[ADDRESS], subject="Your link", body="…")
    waiting = [i for i in inventory_items(ruth, "emails-waiting") if i.title == "Your link"]
    assert [item.deleted.split(",")[0] for item in waiting] == [
        "Deleted as soon as it is delivered"
    ]

    run_tasks()

    assert not OutboundEmail.objects.filter(pk=email.pk).exists()
    assert [i for i in inventory_items(ruth, "emails-waiting") if i.title == "Your link"] == []


def test_a_group_leadership_goes_when_the_group_is_removed(campaign):
    """“Kept while you lead the group: deleted when the group is removed”, and so is an event
    they proposed that was never published: at once."""
    leader = LeaderFactory(person=PersonFactory(email="gila@example.org"))
    proposal = EventProposal.objects.create(
        group=leader.group, proposed_by=leader, kind=EventProposal.Kind.TALK, title="A talk",
        summary="About the pledge.", date=timezone.localdate(), start_time=time(19, 0),
        duration_minutes=60, venue_name="Gila's front room", street="1 Secret Street",
        town="London", postcode="NW3 7UX", accessibility="accessible",
    )  # fmt: skip
    kept = [item.deleted for item in inventory_items(leader.person, "groups")]
    assert kept[0].startswith("Kept while you lead the group")
    assert "the group is removed" in kept[1]

    group_remove(actor=OrganiserFactory(username="lead"), group=leader.group)

    assert not Leader.objects.filter(pk=leader.pk).exists()
    assert not EventProposal.objects.filter(pk=proposal.pk).exists()
    assert inventory_items(leader.person, "groups") == []
