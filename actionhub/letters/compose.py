"""The words of a letter: the prefilled text, how much of it is the supporter's own, the
signature block and the mailto link."""

import difflib
import re
from urllib.parse import quote

SIGN_OFF = "Yours sincerely,"
PLACEHOLDER = re.compile(r"\[[^\[\]\n]{3,120}\]")
WORD = re.compile(r"\w+(?:['’]\w+)*")


def letter_prefill(*, template_body: str, mp_name: str) -> str:
    return f"Dear {mp_name},\n\n{template_body.strip()}\n\n{SIGN_OFF}"


def personal_share(*, prefill: str, body: str) -> int:
    """The percentage of the letter's words that are not the prefilled text's, in its order."""
    written = [word.casefold() for word in WORD.findall(body)]
    if not written:
        return 0
    given = [word.casefold() for word in WORD.findall(prefill)]
    matcher = difflib.SequenceMatcher(None, given, written, autojunk=False)
    kept = sum(block.size for block in matcher.get_matching_blocks())
    return round(100 * (len(written) - kept) / len(written))


def placeholders_left(*, template_body: str, body: str) -> list[str]:
    """The template's [fill me in] prompts that are still in the letter, unchanged."""
    prompts = set(PLACEHOLDER.findall(template_body))
    return [prompt for prompt in PLACEHOLDER.findall(body) if prompt in prompts]


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def address_lines(address: str) -> list[str]:
    return [line.strip() for line in normalise_newlines(address).split("\n") if line.strip()]


def signature_block(*, name: str, address: str, postcode: str, email: str = "") -> str:
    lines = [name, *address_lines(address)]
    if postcode and lines[-1].replace(" ", "").upper() != postcode.replace(" ", ""):
        lines.append(postcode)
    if email:
        lines.append(email)
    return "\n".join(lines)


def mailto_url(*, to: str, subject: str, body: str) -> str:
    """An RFC 6068 link: every reserved character percent-encoded, line breaks as CRLF."""
    crlf = normalise_newlines(body).replace("\n", "\r\n")
    query = f"subject={quote(subject, safe='')}&body={quote(crlf, safe='')}"
    return f"mailto:{quote(to, safe='@')}?{query}"
