"""What a supporter changes from "Your data": each choice on its own, their name, or all of it
erased.

Some choices can be turned on and off (campaign emails, news for group leaders, showing a
first name); the others are the agreement behind something the person did (a signature, an
RSVP, leading a group), and withdrawing one undoes that thing, through the app's own service,
and no longer keeps what it was held for (an RSVP, even a past one, no longer names them).
A letter already with an MP or a brand cannot be called back: that choice is shown, not offered.
Each change is audited without naming anyone.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from actionhub.core.audit import audit_record
from actionhub.events.models import Rsvp, Subscription
from actionhub.events.services import rsvp_cancel, rsvps_anonymise, subscription_stop
from actionhub.groups.models import NEWS_WORDING, Group
from actionhub.groups.services import leader_news_set, leaderships_end_for
from actionhub.letters.models import Letter
from actionhub.pledges.models import Signature
from actionhub.pledges.services import pledge_counts_refresh
from actionhub.supporters.models import CAMPAIGN_EMAILS_WORDING, Consent, Person
from actionhub.supporters.selectors import consents_standing
from actionhub.supporters.services import (
    consent_record,
    consent_withdraw,
    people_delete_unattached,
)

METHOD = "Changed on their “Your data” page, opened by a link emailed to them"
# One choice for all their signatures, as the consent given when signing is the person's: the
# words say so, and are the words recorded when it is turned on here.
SHOW_NAME_ON_PLEDGES = "Show my first name on the pledges I signed"


@dataclass(frozen=True)
class Toggle:
    """A choice the person may turn on or off here."""

    purpose: str
    wording: str
    offered: Callable[[Person], bool]
    apply: Callable[[Person, bool], None] | None = None
    hint: Callable[[Person], str] | None = None  # what it covers, for this person


@dataclass(frozen=True)
class Withdrawal:
    """An agreement behind something done: withdrawing it undoes that."""

    purpose: str
    undoes: str  # what withdrawing does, in words
    offered: Callable[[Person], bool]
    undo: Callable[[Person], None]

    @property
    def label(self) -> str:
        return Consent.Purpose(self.purpose).label


def _signatures(person: Person):
    return Signature.objects.filter(person=person)


def _leads_approved(person: Person):
    return person.group_leaderships.filter(
        confirmed_at__isnull=False, group__status=Group.Status.APPROVED
    )


def _news_set(person: Person, wanted: bool) -> None:
    leader_news_set(leader=_leads_approved(person).first(), wanted=wanted, method=METHOD)


def _names_shown(person: Person, wanted: bool) -> None:
    signatures = _signatures(person)
    pledge_ids = list(signatures.values_list("pledge_id", flat=True))
    signatures.update(show_name=wanted, updated_at=timezone.now())
    _recount_after_commit(pledge_ids)  # the names on the pledge page, now


def _names_shown_hint(person: Person) -> str:
    """One choice for all their signatures (the consent is the person's, not a signature's):
    which pledges it covers, and, if they chose differently when signing, where it is shown."""
    signatures = list(_signatures(person).select_related("pledge").order_by("pledge__title"))
    titles = [f"“{signature.pledge.title}”" for signature in signatures]
    hint = f"For {'every pledge' if len(titles) > 1 else 'the pledge'} you signed: {_and(titles)}."
    shown = [title for title, s in zip(titles, signatures, strict=True) if s.show_name]
    if shown and len(shown) < len(titles):
        hint += f" Shown now on {_and(shown)} only."
    return hint


def _and(words: list[str]) -> str:
    """“A”, “B” and “C”."""
    return f"{', '.join(words[:-1])} and {words[-1]}" if len(words) > 1 else "".join(words)


def _recount_after_commit(pledge_ids) -> None:
    """The pledge's public figures, counted again once the change is committed (counted
    before, a page view in between could keep the old ones a while longer)."""
    transaction.on_commit(lambda: pledge_counts_refresh(pledge_ids=pledge_ids))


def _signatures_delete(person: Person) -> None:
    signatures = _signatures(person)
    pledge_ids = list(signatures.values_list("pledge_id", flat=True))
    signatures.delete()
    consent_withdraw(person=person, purpose=Consent.Purpose.SHOW_NAME)
    _recount_after_commit(pledge_ids)


def _coming(person: Person):
    """The RSVPs that hold (or wait for) a place at a date to come."""
    return Rsvp.objects.filter(
        person=person, occurrence__starts_at__gt=timezone.now(),
        status__in=[Rsvp.Status.PENDING, Rsvp.Status.CONFIRMED, Rsvp.Status.WAITING],
    )  # fmt: skip


def _every_week(person: Person):
    return Subscription.objects.filter(person=person).exclude(status=Subscription.Status.STOPPED)


def _rsvps_held(person: Person) -> bool:
    return person.rsvps.exists() or person.subscriptions.exists()


def _not_coming(person: Person) -> None:
    """Off every date to come (the places go to the waiting list), "every week" stopped and
    gone, and every RSVP, past or cancelled, no longer theirs: an anonymous count stays."""
    for subscription in _every_week(person):
        subscription_stop(subscription=subscription)
    for rsvp in _coming(person):
        rsvp_cancel(rsvp=rsvp)
    rsvps_anonymise(rsvps=Rsvp.objects.filter(person=person))
    Subscription.objects.filter(person=person).delete()


TOGGLES = [
    Toggle(Consent.Purpose.CAMPAIGN_EMAILS, CAMPAIGN_EMAILS_WORDING, offered=lambda person: True),
    Toggle(Consent.Purpose.GROUP_NEWS, NEWS_WORDING,
           offered=lambda person: _leads_approved(person).exists(), apply=_news_set),
    Toggle(Consent.Purpose.SHOW_NAME, SHOW_NAME_ON_PLEDGES,
           offered=lambda person: _signatures(person).exists(), apply=_names_shown,
           hint=_names_shown_hint),
]  # fmt: skip
WITHDRAWALS = [
    Withdrawal(Consent.Purpose.SIGN_PLEDGE, "Your signature is deleted, and no longer counts.",
               offered=lambda person: _signatures(person).exists(), undo=_signatures_delete),
    Withdrawal(Consent.Purpose.RSVP,
               "You are taken off every date to come (your place goes to the waiting list), "
               "and “every week” stops. Your name and email address are taken off every RSVP, "
               "past and cancelled ones too: the count of people and who came stays, with "
               "nothing about you.",
               offered=_rsvps_held, undo=_not_coming),
    Withdrawal(Consent.Purpose.GROUP_LEADER,
               "You stop leading your groups: your links to their pages stop working. The "
               "groups stay, with their other leaders.",
               offered=lambda person: person.group_leaderships.exists(),
               undo=lambda person: leaderships_end_for(person=person)),
]  # fmt: skip


class NotOffered(Exception):
    """A change this person cannot make here (a made-up purpose, or nothing to change)."""


def toggles_offered(person: Person) -> list[tuple[Toggle, bool, str]]:
    """Each choice the person may turn on or off, with whether it is on and what it covers."""
    return [
        (toggle, consents_standing(toggle.purpose, person).exists(),
         toggle.hint(person) if toggle.hint else "")
        for toggle in TOGGLES
        if toggle.offered(person)
    ]  # fmt: skip


def withdrawals_offered(person: Person) -> list[Withdrawal]:
    return [withdrawal for withdrawal in WITHDRAWALS if withdrawal.offered(person)]


def withdrawal_for(person: Person, purpose: str) -> Withdrawal:
    for withdrawal in withdrawals_offered(person):
        if withdrawal.purpose == purpose:
            return withdrawal
    raise NotOffered


@transaction.atomic
def choice_set(*, person: Person, purpose: str, wanted: bool) -> None:
    """Turn one choice on or off, as the person asked (someone who wants nothing more, and has
    nothing else on file, is then not kept)."""
    toggle = next((t for t in TOGGLES if t.purpose == purpose and t.offered(person)), None)
    if toggle is None:
        raise NotOffered
    if toggle.apply:
        toggle.apply(person, wanted)
    if not wanted:
        consent_withdraw(person=person, purpose=purpose)
    elif not consents_standing(purpose, person).exists():
        consent_record(person=person, purpose=purpose, wording=toggle.wording, method=METHOD)
    people_delete_unattached()
    said = "gave" if wanted else "withdrew"
    label = Consent.Purpose(purpose).label
    audit_record(action="supporter.choice-changed",
                 summary=f"A supporter {said} “{label}” on their data page.")  # fmt: skip


@transaction.atomic
def consent_withdraw_and_undo(*, person: Person, purpose: str) -> None:
    """Withdraw an agreement behind something done, and undo that thing."""
    withdrawal = withdrawal_for(person, purpose)
    withdrawal.undo(person)
    consent_withdraw(person=person, purpose=purpose)
    people_delete_unattached()  # nothing left to keep them for: they are not kept either
    audit_record(
        action="supporter.consent-withdrawn",
        summary=f"A supporter withdrew “{withdrawal.label}” on their data page.",
    )


@transaction.atomic
def person_name_correct(*, person: Person, first_name: str, last_name: str) -> None:
    """Correct the name everywhere it is kept for what the person still has going: their
    signatures, RSVPs and "every week", and letters not yet sent. A letter already sent keeps
    the name it was sent with: it is the record of what went."""
    person.first_name, person.last_name = first_name, last_name
    person.full_clean(validate_unique=False)
    person.save(update_fields=["first_name", "last_name", "updated_at"])
    names = {"first_name": first_name, "last_name": last_name}
    Signature.objects.filter(person=person).update(**names)
    Rsvp.objects.filter(person=person).update(**names)
    Subscription.objects.filter(person=person).update(**names)
    full = f"{first_name} {last_name}".strip()
    Letter.objects.filter(person=person).exclude(status=Letter.Status.SENT).update(sender_name=full)
    _recount_after_commit(list(_signatures(person).values_list("pledge_id", flat=True)))
    audit_record(action="supporter.name-corrected",
                 summary="A supporter corrected their name on their data page.")  # fmt: skip
