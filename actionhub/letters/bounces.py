"""Reading a bounce report (RFC 3464 delivery status notification) for a letter we sent."""

import email
from dataclasses import dataclass
from email import policy
from email.message import Message


@dataclass(frozen=True)
class Bounce:
    message_id: str
    reason: str


def bounce_parse(raw: bytes) -> Bounce | None:
    """The bounced message's Message-ID and why it bounced; None if this is not a bounce."""
    report = email.message_from_bytes(raw, policy=policy.compat32)
    if report.get_content_type() != "multipart/report":
        return None
    message_id, reasons = "", []
    for part in report.walk():
        content_type = part.get_content_type()
        if content_type == "message/delivery-status":
            reasons += _diagnostics(part)
        elif content_type in ("message/rfc822", "text/rfc822-headers"):
            message_id = message_id or _original_message_id(part)
    if not message_id:
        return None
    return Bounce(message_id=message_id, reason="; ".join(reasons))


def _diagnostics(part: Message) -> list[str]:
    reasons = []
    for block in part.get_payload() if part.is_multipart() else []:
        action = (block.get("Action") or "").strip().lower()
        if action == "failed":
            status = (block.get("Status") or "").strip()
            code = (block.get("Diagnostic-Code") or "").strip()
            reasons.append(" ".join(filter(None, [status, code])) or "failed")
    return reasons


def _original_message_id(part: Message) -> str:
    if part.is_multipart():
        original = part.get_payload(0)
    else:
        original = email.message_from_string(part.get_payload(decode=True).decode(errors="replace"))
    return (original.get("Message-ID") or "").strip()
