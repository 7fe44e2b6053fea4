"""Reports that come back about an email we sent: a bounce (RFC 3464 delivery status
notification) or a spam complaint (RFC 5965 feedback report, from the recipient's provider).

`manage.py record_bounce` reads one and hands it to each app that sends email
(BOUNCE_HANDLERS, registered from their AppConfig.ready): the one that sent the message with
that Message-ID acts on it.
"""

import email
from collections.abc import Callable
from dataclasses import dataclass
from email import policy
from email.message import Message


@dataclass(frozen=True)
class Report:
    message_id: str
    reason: str
    complaint: bool = False  # the recipient marked it as spam
    permanent: bool = True  # the address will not work later either (a 5.x.x status)


# Each takes a Report and returns what it did, in words, or None if the message is not its.
BOUNCE_HANDLERS: list[Callable[[Report], str | None]] = []


def report_parse(raw: bytes) -> Report | None:
    """The reported message's Message-ID and what happened; None if this is no such report."""
    report = email.message_from_bytes(raw, policy=policy.compat32)
    if report.get_content_type() != "multipart/report":
        return None
    complaint = (report.get_param("report-type") or "").lower() == "feedback-report"
    message_id, reasons, permanent = "", [], False
    for part in report.walk():
        content_type = part.get_content_type()
        if content_type == "message/delivery-status":
            failures = _failures(part)
            reasons += [reason for reason, _ in failures]
            permanent = permanent or any(hard for _, hard in failures)
        elif content_type == "message/feedback-report":
            reasons.append(f"Reported as {_feedback_type(part)}")
        elif content_type in ("message/rfc822", "text/rfc822-headers"):
            message_id = message_id or _original_message_id(part)
    if not message_id:
        return None
    return Report(
        message_id=message_id, reason="; ".join(reasons), complaint=complaint,
        permanent=permanent or complaint,
    )  # fmt: skip


def _failures(part: Message) -> list[tuple[str, bool]]:
    failures = []
    for block in part.get_payload() if part.is_multipart() else []:
        action = (block.get("Action") or "").strip().lower()
        if action == "failed":
            status = (block.get("Status") or "").strip()
            code = (block.get("Diagnostic-Code") or "").strip()
            reason = " ".join(filter(None, [status, code])) or "failed"
            failures.append((reason, not status.startswith("4")))
    return failures


def _feedback_type(part: Message) -> str:
    text = part.get_payload(0) if part.is_multipart() else None
    fields = text if text is not None else email.message_from_string(str(part.get_payload()))
    return (fields.get("Feedback-Type") or "abuse").strip().lower()


def _original_message_id(part: Message) -> str:
    if part.is_multipart():
        original = part.get_payload(0)
    else:
        original = email.message_from_string(part.get_payload(decode=True).decode(errors="replace"))
    return (original.get("Message-ID") or "").strip()
