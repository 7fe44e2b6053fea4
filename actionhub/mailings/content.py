"""A mailing as its recipients get it: rendered once, then each message given its own links.

The HTML part is the campaign's simple layout around the body as the site renders Markdown
(the same renderer and sanitiser), with nothing that loads from anywhere: no images, no fonts,
no tracking pixels, and links exactly as written. The plain text part is the Markdown itself,
which is written to read well as text.
"""

import hashlib
import hmac
import re
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.template.loader import render_to_string

from actionhub.core.email import email_message_build, from_address, message_id_domain
from actionhub.core.markdown import render_markdown_uncached
from actionhub.core.text import subject_line
from actionhub.mailings.models import Mailing
from actionhub.supporters.links import list_unsubscribe_headers, supporter_links, your_data_url
from actionhub.supporters.models import Person

# Stand-ins for each person's own links, put in when a message is built.
UNSUBSCRIBE_SLOT = "ACTIONHUB-UNSUBSCRIBE-LINK"
ERASE_SLOT = "ACTIONHUB-ERASE-LINK"

HTML_TAG = re.compile(r"<\s*/?\s*([a-zA-Z][a-zA-Z0-9-]*)(?=[\s/>])")
IMAGE = re.compile(r"!\[[^\]]*\]\s*[(\[]")
BODY_LIMIT = 50_000


def subject_clean(subject: str) -> str:
    subject = subject_line(subject, "The subject")
    if not subject:
        raise forms.ValidationError("Enter a subject: it is the first thing people see.")
    return subject


def body_clean(body: str) -> str:
    """Markdown only: HTML in an email is how a stolen account would hide a script, a form or
    a tracking image, and images load from another site when the email is opened."""
    body = body.strip()
    if not body:
        raise forms.ValidationError("Write the email: its body is empty.")
    if len(body) > BODY_LIMIT:
        raise forms.ValidationError(
            f"The email is too long: keep it under {BODY_LIMIT:,} characters "
            f"(it has {len(body):,})."
        )
    tag = HTML_TAG.search(body)
    if tag:
        raise forms.ValidationError(
            f"Write the email in Markdown, without HTML: it has a <{tag[1].lower()}> tag. "
            "Emails from the campaign carry no HTML, scripts or forms."
        )
    if IMAGE.search(body):
        raise forms.ValidationError(
            "Take the image out: campaign emails carry no images, because an image loads from "
            "another website when the email is opened and tells it who read it. Link to the "
            "page with the image instead."
        )
    return body


@dataclass(frozen=True)
class RenderedMailing:
    subject: str
    text: str
    html: str
    from_email: str
    purpose: str  # the consent its recipients gave, which its unsubscribe link withdraws


def mailing_render(mailing: Mailing) -> RenderedMailing:
    """The parts every recipient's message shares, with slots for their own links."""
    context = {
        "campaign": mailing.campaign,
        "body_html": render_markdown_uncached(mailing.body, heading_offset=1),
        "body_text": mailing.body.strip(),
        "links": {"unsubscribe": UNSUBSCRIBE_SLOT, "erase": ERASE_SLOT, "data": your_data_url()},
        "why": _why(mailing),
        "unsubscribe_label": "Stop news for group leaders"
        if mailing.action == Mailing.Action.GROUP_LEADERS
        else "Stop emails about this campaign",
    }
    return RenderedMailing(
        subject=mailing.subject,
        text=render_to_string("mailings/email/mailing.txt", context),
        html=render_to_string("mailings/email/mailing.html", context),
        from_email=from_address(mailing.campaign.name),
        purpose=mailing.consent_purpose,
    )


def _why(mailing: Mailing) -> str:
    name = mailing.campaign.name
    if mailing.action == Mailing.Action.GROUP_LEADERS:
        return (f"You get this email because you help lead a community group taking part in "
                f"{name} and asked for news for group leaders.")  # fmt: skip
    return f"You get this email because you asked {name} to email you about the campaign."


def message_id_for(*, mailing_id: int, person_id: int) -> str:
    """The same every time this mailing is built for this person, and says nothing about them."""
    key = settings.SECRET_KEY.encode()
    digest = hmac.new(key, f"mailing:{mailing_id}:{person_id}".encode(), hashlib.sha256)
    return f"<mailing.{digest.hexdigest()[:32]}@{message_id_domain()}>"


def links_put_in(text: str, links: dict[str, str]) -> str:
    """The rendered text with one person's links (or sample ones) in their slots."""
    return text.replace(UNSUBSCRIBE_SLOT, links["unsubscribe"]).replace(ERASE_SLOT, links["erase"])


def message_build(
    rendered: RenderedMailing, *, to: str, links: dict[str, str], message_id: str, connection=None
):
    return email_message_build(
        to=[to], subject=rendered.subject, from_email=rendered.from_email,
        body=links_put_in(rendered.text, links), html=links_put_in(rendered.html, links),
        headers={"Message-ID": message_id,
                 **list_unsubscribe_headers(unsubscribe_url=links["unsubscribe"])},
        connection=connection,
    )  # fmt: skip


def message_for_person(rendered: RenderedMailing, *, mailing_id: int, person: Person, connection):
    return message_build(
        rendered, to=person.email, links=supporter_links(person=person, purpose=rendered.purpose),
        connection=connection,
        message_id=message_id_for(mailing_id=mailing_id, person_id=person.pk),
    )  # fmt: skip
