"""What the inventory holds about one person, and when it says each thing will be deleted: from
each app's own retention rules, never numbers of its own."""

from datetime import timedelta

from django.utils import timezone

from actionhub.core.email import address_suppress
from actionhub.core.models import OutboundEmail, SuppressedAddress
from actionhub.core.periodic import REGISTRY
from actionhub.events import services as events
from actionhub.events.models import Rsvp
from actionhub.events.tasks import apply_rsvp_retention
from actionhub.events.tests.factories import RsvpFactory
from actionhub.groups import services as groups
from actionhub.groups.tasks import forget_unconfirmed_groups
from actionhub.groups.tests.factories import LeaderFactory
from actionhub.letters import services as letters
from actionhub.letters.models import Letter
from actionhub.letters.tasks import apply_letter_retention
from actionhub.letters.tests.factories import LetterFactory
from actionhub.mailings import services as mailings
from actionhub.mailings.models import Mailing, Recipient
from actionhub.mailings.tests.factories import MailingFactory
from actionhub.pledges import services as pledges
from actionhub.pledges.models import Signature
from actionhub.pledges.tasks import apply_signature_retention
from actionhub.pledges.tests.factories import SignatureFactory
from actionhub.rights.inventory import SECTIONS, person_inventory, when
from actionhub.rights.models import AccessLink
from actionhub.rights.services import (
    ACCESS_LASTS,
    ACCESS_LINK_MAX_AGE,
    access_link_create,
    access_links_delete_expired,
)
from actionhub.rights.tasks import delete_expired_access_links
from actionhub.supporters.models import CAMPAIGN_EMAILS_WORDING, Consent, Person
from actionhub.supporters.services import (
    consent_record,
    consent_withdraw,
    people_delete_unattached,
    person_erase,
)
from actionhub.supporters.tests.factories import PersonFactory


def by(moment, task) -> str:
    """What the inventory says of something whose time runs out at `moment`, deleted by `task`."""
    return when(moment + REGISTRY[task.module_path][1])


def section(person, key):
    [found] = [s for s in person_inventory(person=person).sections if s.key == key]
    return found


def test_every_model_that_refers_to_a_person_is_in_the_inventory():
    """A new model with a foreign key to Person must be shown to the person: add it to a
    section of rights.inventory (and to its `covers`)."""
    covered = {model for source in SECTIONS for model in source.covers}

    missing = [
        relation.related_model._meta.label
        for relation in Person._meta.related_objects
        if relation.related_model not in covered
    ]

    assert missing == []


def test_each_section_has_a_key_of_its_own_and_each_item_labels_of_its_own(everything):
    inventory = person_inventory(person=everything)

    keys = [s.key for s in inventory.sections]
    assert len(keys) == len(set(keys))
    for found in inventory.sections:
        for item in found.items:
            labels = [label for label, _ in item.fields]
            assert len(labels) == len(set(labels)), item.title
            assert all(isinstance(value, str) and value for _, value in item.fields)
            assert item.deleted


def test_nothing_of_anyone_else_is_shown(everything):
    other = PersonFactory(email="dina@example.org", first_name="Dina")
    SignatureFactory(person=other, pledge=everything.signatures.get().pledge)
    LetterFactory(person=other, sender_email=other.email, sender_name="Dina Levy")
    OutboundEmail.objects.create(to=[other.email], subject="Confirm your signature", body="…")
    address_suppress(address=other.email, reason=SuppressedAddress.Reason.BOUNCED)

    text = str(person_inventory(person=everything).as_dict())
    assert "Dina" not in text and other.email not in text and "Confirm your signature" not in text
    assert "Dina" not in str(person_inventory(person=PersonFactory()).as_dict())


def test_a_signature_is_deleted_by_the_pledges_rules(db, campaign):
    now = timezone.now()
    pending = SignatureFactory(status=Signature.Status.PENDING, submitted_at=now,
                               ip_address="192.0.2.1")  # fmt: skip
    held = SignatureFactory(status=Signature.Status.QUARANTINED, submitted_at=now)

    [item] = section(pending.person, "signatures").items
    assert item.deleted == (
        f"Deleted by {by(now + pledges.UNCONFIRMED_KEPT, apply_signature_retention)}, "
        "unless you confirm it before then."
    )
    assert "192.0.2.1" not in str(item.fields), "not confirmed by the address: not shown"
    pending.confirmed_at = now
    pending.save()
    [item] = section(pending.person, "signatures").items
    ip = dict(item.fields)["Your IP address when you signed"]
    assert (
        ip
        == f"192.0.2.1 (cleared by {by(now + pledges.IP_ADDRESS_KEPT, apply_signature_retention)})"
    )
    [item] = section(held.person, "signatures").items
    assert by(now + pledges.REVIEW_KEPT, apply_signature_retention) in item.deleted
    assert dict(item.fields)["Status"] == "Held for the organisers to review: not counted yet"


def test_a_letter_is_deleted_by_the_letters_rules(db, campaign):
    now = timezone.now()
    person = PersonFactory()
    common = {"person": person, "sender_email": person.email, "submitted_at": now}
    LetterFactory(**common, status=Letter.Status.AWAITING_CONFIRMATION)
    LetterFactory(**common, status=Letter.Status.HANDED_OVER, delivery=Letter.Delivery.DOWNLOAD)
    LetterFactory(**common, status=Letter.Status.SENT)

    waiting, handed_over, sent = section(person, "letters-to-mps").items
    assert waiting.deleted.startswith(
        f"Deleted by {by(now + letters.UNCONFIRMED_KEPT, apply_letter_retention)}"
    )
    assert by(now + letters.HANDED_OVER_KEPT, apply_letter_retention) in handed_over.deleted
    assert by(now + letters.SENT_KEPT, apply_letter_retention) in sent.deleted
    assert "nothing about you" in sent.deleted


def test_an_rsvp_is_kept_while_the_person_hears_more(db, campaign):
    rsvp = RsvpFactory(hear_more=True)
    after_the_date = by(rsvp.occurrence.ends_at + events.KEPT_AFTER_DATE, apply_rsvp_retention)

    [item] = section(rsvp.person, "events").items
    assert after_the_date in item.deleted, "not asked to hear more: gone after the date"

    consent_record(person=rsvp.person, purpose=Consent.Purpose.CAMPAIGN_EMAILS,
                   wording=CAMPAIGN_EMAILS_WORDING, method="RSVP form")  # fmt: skip
    [item] = section(rsvp.person, "events").items
    assert item.deleted.startswith("Kept while you want emails about the campaign")

    pending = RsvpFactory(status=Rsvp.Status.PENDING)
    [item] = section(pending.person, "events").items
    assert by(pending.submitted_at + events.UNCONFIRMED_KEPT, apply_rsvp_retention) in item.deleted


def test_a_group_leadership_waits_for_confirmation_then_lasts_while_they_lead(db, campaign):
    unconfirmed = LeaderFactory(confirmed_at=None)
    leader = LeaderFactory()

    [item] = section(unconfirmed.person, "groups").items
    assert by(unconfirmed.submitted_at + groups.UNCONFIRMED_KEPT,
              forget_unconfirmed_groups) in item.deleted  # fmt: skip
    assert dict(item.fields)["Confirmed"] == "Not yet"
    [item] = section(leader.person, "groups").items
    assert item.deleted.startswith("Kept while you lead the group")


def test_who_was_sent_a_mailing_is_forgotten_after_it_finished(db, campaign):
    from actionhub.mailings.tasks import forget_mailing_recipients

    person = PersonFactory()
    finished = MailingFactory(subject="Sunday", status=Mailing.Status.SENT,
                              finished_at=timezone.now())  # fmt: skip
    sending = MailingFactory(subject="Tuesday", status=Mailing.Status.SENDING)
    Recipient.objects.create(mailing=finished, person=person, status=Recipient.Status.SENT)
    Recipient.objects.create(mailing=sending, person=person, status=Recipient.Status.QUEUED)

    items = {item.title: item for item in section(person, "campaign-emails").items}
    assert by(finished.finished_at + mailings.RECIPIENTS_KEPT,
              forget_mailing_recipients) in items["Sunday"].deleted  # fmt: skip
    assert "after the email has gone to everyone" in items["Tuesday"].deleted


def test_each_choice_with_its_words_and_when_it_was_withdrawn(db):
    person = PersonFactory()
    consent_record(person=person, purpose=Consent.Purpose.CAMPAIGN_EMAILS,
                   wording=CAMPAIGN_EMAILS_WORDING, method="Letter form")  # fmt: skip
    consent_withdraw(person=person, purpose=Consent.Purpose.CAMPAIGN_EMAILS)

    [item] = section(person, "choices").items
    fields = dict(item.fields)
    assert fields["The words you agreed to"] == CAMPAIGN_EMAILS_WORDING
    assert fields["How"] == "Letter form"
    assert fields["Withdrawn"] == when(person.consents.get().withdrawn_at)


def test_an_address_we_never_email_is_shown_and_said_to_outlive_an_erasure_as_a_hash(db):
    person = PersonFactory(email="Bounced@example.org")
    address_suppress(address="bounced@example.org", reason=SuppressedAddress.Reason.COMPLAINED)

    items = section(person, "you").items
    assert [item.title for item in items] == [
        "Your details", "Your address is on our list of addresses never to email",
    ]  # fmt: skip
    assert dict(items[1].fields)["Why"] == "Reported as spam"
    assert "On the list as" not in dict(items[1].fields), "it holds the address"
    assert "Erasing your details removes the address" in items[1].deleted
    assert "keyed hash" in items[1].deleted


def test_someone_erased_who_comes_back_is_shown_their_address_kept_as_a_hash(db):
    earlier = PersonFactory(email="bounced@example.org")
    address_suppress(address=earlier.email, reason=SuppressedAddress.Reason.BOUNCED,
                     detail="550 <bounced@example.org>: no such user")  # fmt: skip
    person_erase(person=earlier)
    person = PersonFactory(email="Bounced@Example.org")  # the same address, typed again

    [_, kept] = section(person, "you").items
    fields = dict(kept.fields)
    assert fields["Why"] == "Bounced for good"
    assert "What the mail server said" not in fields, "erased with the address"
    assert fields["On the list as"].startswith("A keyed hash of the address")


def test_links_to_see_ones_data_go_once_they_and_their_hour_are_over(db):
    person = PersonFactory()
    old, _ = access_link_create(person=person)
    AccessLink.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - ACCESS_LINK_MAX_AGE - ACCESS_LASTS - timedelta(seconds=1)
    )
    new, _ = access_link_create(person=person)

    assert access_links_delete_expired() == 1
    assert list(AccessLink.objects.all()) == [new]
    [item] = section(person, "data-links").items
    assert by(new.created_at + ACCESS_LINK_MAX_AGE + ACCESS_LASTS,
              delete_expired_access_links) in item.deleted  # fmt: skip
    assert REGISTRY[delete_expired_access_links.module_path][1] == timedelta(hours=1)


def test_a_link_to_see_ones_data_keeps_nobody_on_file(db):
    person = PersonFactory()
    access_link_create(person=person)

    people_delete_unattached()

    assert not Person.objects.filter(pk=person.pk).exists()
    assert not AccessLink.objects.exists()


def test_what_someone_typed_under_an_address_is_shown_only_once_the_address_confirmed_it(
    db, campaign
):
    """Anyone can type an address: the mailbox owner sees that a letter exists, and when it
    goes, but not the name, street address and words someone else may have typed."""
    from actionhub.letters.models import Letter
    from actionhub.letters.tests.factories import LetterFactory

    letter = LetterFactory(delivery=Letter.Delivery.DOWNLOAD, status=Letter.Status.HANDED_OVER,
                           confirmed_at=None, body="Dear MP, a stranger's words.",
                           sender_address="1 Secret Street")  # fmt: skip

    [item] = section(letter.person, "letters-to-mps").items
    shown = str(item.fields)
    for typed in ["a stranger's words", "1 Secret Street", letter.sender_name, letter.postcode]:
        assert typed not in shown, typed
    assert dict(item.fields)["What was typed"].startswith("Not shown")
    assert "Downloaded or printed" in shown and item.deleted


def test_an_event_a_leader_proposed_is_shown_with_its_venue(db, campaign):
    from datetime import time

    from actionhub.groups.models import EventProposal
    from actionhub.groups.tests.factories import LeaderFactory

    leader = LeaderFactory()
    EventProposal.objects.create(
        group=leader.group, proposed_by=leader, kind=EventProposal.Kind.TALK, title="A talk",
        summary="About the pledge.", date=timezone.localdate(), start_time=time(19, 0),
        duration_minutes=60, venue_name="Ruth's front room", street="1 Secret Street",
        town="London", postcode="NW3 7UX", accessibility="accessible",
    )  # fmt: skip

    items = section(leader.person, "groups").items
    proposal = dict(items[1].fields)
    assert items[1].title == "Event you proposed: A talk"
    assert (proposal["Street"], proposal["Venue"]) == ("1 Secret Street", "Ruth's front room")


def test_the_name_on_file_is_not_shown_until_the_address_has_confirmed_something(db, campaign):
    from actionhub.supporters.services import person_get_or_create

    typed = person_get_or_create(email="victim@example.org", first_name="Typedby",
                                 last_name="Stranger")  # fmt: skip
    SignatureFactory(person=typed, status=Signature.Status.PENDING, confirmed_at=None)

    [details] = section(typed, "you").items
    assert "Typedby" not in str(details.fields)
    assert dict(details.fields)["Name"].startswith("Not shown")
