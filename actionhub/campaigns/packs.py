"""Reading a campaign pack: campaign.yaml plus the Markdown and text files it names.

Reading checks everything a person could get wrong and reports every problem at once, each
naming the file, the field and what is wrong. Nothing is written here: see services.py.
The format is documented in docs/campaign-packs.md.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email, validate_slug

from actionhub.campaigns.models import (
    validate_page_slug,
    validate_rrule,
    validate_timezone,
    validate_tool_lines,
)

PACK_FILE = "campaign.yaml"
FORMAT_VERSION = 1
MAX_FILE_BYTES = 1_000_000
MAX_AMOUNT = 2_000_000_000  # fits the database's integer column everywhere


@dataclass(frozen=True)
class PackProblem:
    file: str
    field: str
    problem: str

    def __str__(self):
        return f"{self.file}: {self.field}: {self.problem}"


class InvalidPack(Exception):
    def __init__(self, problems: list[PackProblem]):
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


@dataclass
class _Reader:
    root: Path
    problems: list[PackProblem] = field(default_factory=list)
    digest: Any = field(default_factory=hashlib.sha256)

    def problem(self, where: str, message: str, file: str = PACK_FILE) -> None:
        self.problems.append(PackProblem(file, where, message))

    def mapping(self, data: dict, key: str, where: str, *, required=True) -> dict:
        value = data.get(key)
        if value is None:
            if required:
                self.problem(where, "is missing")
            return {}
        if not isinstance(value, dict):
            self.problem(where, "must be a section of named fields")
            return {}
        return value

    def sequence(self, data: dict, key: str, where: str, *, required=True) -> list:
        value = data.get(key)
        if value is None:
            if required:
                self.problem(where, "is missing")
            return []
        if not isinstance(value, list):
            self.problem(where, "must be a list (lines starting with '- ')")
            return []
        if required and not value:
            self.problem(where, "must have at least one entry")
        return value

    def only_keys(self, data: dict, allowed: set[str], where: str) -> None:
        for key in sorted(set(data) - allowed, key=str):
            prefix = f"{where}." if where else ""
            self.problem(
                f"{prefix}{key}", f"is not a known field (known: {', '.join(sorted(allowed))})"
            )

    def text(self, data: dict, key: str, where: str, *, required=True) -> str:
        value = data.get(key)
        if value is None or value == "":
            if required:
                self.problem(where, "is missing")
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int):
            self.problem(where, "must be text (put it in quotes if it looks like a number)")
            return ""
        return " ".join(str(value).split())

    def item_text(self, value: Any, where: str) -> str:
        if not isinstance(value, str) or not value.strip():
            self.problem(where, "must be a line of text")
            return ""
        return " ".join(value.split())

    def slug(self, data: dict, key: str, where: str) -> str:
        value = self.text(data, key, where)
        if value:
            try:
                validate_slug(value)
            except ValidationError:
                self.problem(
                    where, f"{value!r} must use only letters, numbers, hyphens and underscores"
                )
        return value

    def url(self, data: dict, key: str, where: str, *, required=True) -> str:
        value = self.text(data, key, where, required=required)
        if value:
            try:
                URLValidator(schemes=["https"])(value)
            except ValidationError:
                self.problem(where, f"{value!r} must be a full https:// address")
                return ""
        return value

    def email(self, data: dict, key: str, where: str) -> str:
        value = self.text(data, key, where)
        if value:
            try:
                validate_email(value)
            except ValidationError:
                self.problem(where, f"{value!r} is not an email address")
        return value

    def whole_number(self, data: dict, key: str, where: str) -> int | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_AMOUNT:
            self.problem(where, f"must be a whole number from 0 to {MAX_AMOUNT:,}, or null")
            return None
        return value

    def clock_time(self, data: dict, key: str, where: str) -> str:
        value = data.get(key)
        if value is None:
            self.problem(where, "is missing")
            return ""
        if not isinstance(value, str):
            self.problem(where, 'must be a time in quotes, like "18:00"')
            return ""
        try:
            datetime.strptime(value, "%H:%M")
        except ValueError:
            self.problem(where, f'{value!r} must be a 24-hour time like "18:00"')
            return ""
        return value

    def checked(self, value: str, validator, where: str) -> str:
        if value:
            try:
                validator(value)
            except ValidationError as error:
                for message in error.messages:
                    self.problem(where, message)
        return value

    def file_text(self, data: dict, key: str, where: str, *, required=True) -> str:
        name = self.text(data, key, where, required=required)
        if not name:
            return ""
        try:
            path = (self.root / name).resolve()
            if not path.is_relative_to(self.root):
                self.problem(where, f"{name!r} must be a file inside the pack folder")
                return ""
            if not path.is_file():
                self.problem(where, f"names {name!r}, which does not exist")
                return ""
            raw = path.read_bytes()
        except (OSError, ValueError) as error:
            self.problem(where, f"{name[:100]!r} cannot be read as a file name ({error})")
            return ""
        if len(raw) > MAX_FILE_BYTES:
            self.problem("(file)", f"is larger than {MAX_FILE_BYTES // 1000} kB", file=name)
            return ""
        try:
            content = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            self.problem("(file)", f"is not UTF-8 text (byte {error.start})", file=name)
            return ""
        if not content.strip():
            self.problem("(file)", "is empty", file=name)
            return ""
        self.digest.update(name.encode() + b"\0" + raw + b"\0")
        return content.replace("\r\n", "\n").strip() + "\n"


def read_pack(folder: str | Path) -> dict:
    """Read and check the pack in `folder`; return its content, or raise InvalidPack."""
    root = Path(folder).resolve()
    reader = _Reader(root=root)
    pack_file = root / PACK_FILE
    if not pack_file.is_file():
        raise InvalidPack([PackProblem(PACK_FILE, "(file)", f"not found in {root}")])
    raw = pack_file.read_bytes()
    reader.digest.update(raw)
    try:
        data = yaml.safe_load(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise InvalidPack(
            [PackProblem(PACK_FILE, "(file)", f"is not UTF-8 text (byte {error.start})")]
        ) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(file)"
        problem = getattr(error, "problem", None) or str(error)
        raise InvalidPack(
            [PackProblem(PACK_FILE, where, f"is not valid YAML: {problem}")]
        ) from None
    if not isinstance(data, dict):
        raise InvalidPack([PackProblem(PACK_FILE, "(file)", "must be a YAML mapping of fields")])

    content = _read_campaign(reader, data)
    if reader.problems:
        raise InvalidPack(reader.problems)
    content["path"] = str(root)
    content["digest"] = reader.digest.hexdigest()
    return content


def _read_campaign(r: _Reader, data: dict) -> dict:
    r.only_keys(
        data,
        {
            "format", "slug", "name", "tagline", "default", "organisation", "statement", "pledge",
            "appeal", "call_to_action", "letters", "demonstration", "engagement", "pages",
        },
        "",
    )  # fmt: skip
    if type(data.get("format")) is not int or data["format"] != FORMAT_VERSION:
        r.problem("format", f"must be {FORMAT_VERSION} (the version of the format this site reads)")
    organisation = r.mapping(data, "organisation", "organisation")
    r.only_keys(organisation, {"name", "contact_email"}, "organisation")
    statement = r.mapping(data, "statement", "statement")
    r.only_keys(statement, {"title", "body"}, "statement")
    default = data.get("default", False)
    if not isinstance(default, bool):
        r.problem("default", "must be true or false")
    return {
        "slug": r.slug(data, "slug", "slug"),
        "name": r.text(data, "name", "name"),
        "tagline": r.text(data, "tagline", "tagline", required=False),
        "is_default": default is True,
        "organisation_name": r.text(organisation, "name", "organisation.name"),
        "contact_email": r.email(organisation, "contact_email", "organisation.contact_email"),
        "statement_title": r.text(statement, "title", "statement.title"),
        "statement": r.file_text(statement, "body", "statement.body"),
        "pledge": _read_pledge(r, r.mapping(data, "pledge", "pledge")),
        "appeal": _read_appeal(r, r.mapping(data, "appeal", "appeal")),
        "call_to_action": _read_call_to_action(
            r, r.mapping(data, "call_to_action", "call_to_action")
        ),
        "letters": _read_letters(r, r.sequence(data, "letters", "letters")),
        "demonstration": _read_demonstration(r, r.mapping(data, "demonstration", "demonstration")),
        "engagement": _read_engagement(r, r.mapping(data, "engagement", "engagement")),
        "pages": _read_pages(r, r.sequence(data, "pages", "pages")),
    }


def _read_pledge(r: _Reader, data: dict) -> dict:
    r.only_keys(data, {"slug", "title", "introduction", "commitment", "demands"}, "pledge")
    demands = r.sequence(data, "demands", "pledge.demands")
    return {
        "slug": r.slug(data, "slug", "pledge.slug"),
        "title": r.text(data, "title", "pledge.title"),
        "introduction": r.file_text(data, "introduction", "pledge.introduction"),
        "commitment": r.text(data, "commitment", "pledge.commitment"),
        "demands": [
            r.item_text(demand, f"pledge.demands[{number}]")
            for number, demand in enumerate(demands, start=1)
        ],
    }


def _read_appeal(r: _Reader, data: dict) -> dict:
    r.only_keys(
        data,
        {"title", "summary", "body", "url", "link_text", "calls", "currency", "target", "raised"},
        "appeal",
    )
    calls = r.sequence(data, "calls", "appeal.calls")
    currency = r.text(data, "currency", "appeal.currency", required=False) or "GBP"
    if not (len(currency) == 3 and currency.isalpha() and currency.isupper()):
        r.problem("appeal.currency", f"{currency!r} must be a three-letter code like GBP")
    return {
        "title": r.text(data, "title", "appeal.title"),
        "summary": r.text(data, "summary", "appeal.summary"),
        "body": r.file_text(data, "body", "appeal.body", required=False),
        "url": r.url(data, "url", "appeal.url"),
        "link_text": r.text(data, "link_text", "appeal.link_text"),
        "currency": currency,
        "target": r.whole_number(data, "target", "appeal.target"),
        "raised": r.whole_number(data, "raised", "appeal.raised"),
        "calls": [
            r.item_text(call, f"appeal.calls[{number}]")
            for number, call in enumerate(calls, start=1)
        ],
    }


def _read_call_to_action(r: _Reader, data: dict) -> dict:
    r.only_keys(data, {"title", "summary", "body", "url", "link_text"}, "call_to_action")
    return {
        "title": r.text(data, "title", "call_to_action.title"),
        "summary": r.text(data, "summary", "call_to_action.summary"),
        "body": r.file_text(data, "body", "call_to_action.body"),
        "url": r.url(data, "url", "call_to_action.url", required=False),
        "link_text": r.text(data, "link_text", "call_to_action.link_text", required=False),
    }


def _read_letters(r: _Reader, items: list) -> list[dict]:
    letters = []
    for number, item in enumerate(items, start=1):
        where = f"letters[{number}]"
        if not isinstance(item, dict):
            r.problem(where, "must be a section of named fields")
            continue
        r.only_keys(
            item,
            {"slug", "title", "summary", "subject", "body", "briefing", "recipient", "for_brands"},
            where,
        )
        recipient = item.get("recipient", "mp")
        if recipient not in ("mp", "brand"):
            r.problem(f"{where}.recipient", "must be mp or brand")
        for_brands = _read_for_brands(r, item, recipient, where, letters)
        briefing = r.mapping(item, "briefing", f"{where}.briefing")
        r.only_keys(briefing, {"title", "summary", "body"}, f"{where}.briefing")
        letters.append(
            {
                "slug": r.slug(item, "slug", f"{where}.slug"),
                "position": number,
                "recipient": recipient,
                "for_brands": for_brands,
                "title": r.text(item, "title", f"{where}.title"),
                "summary": r.text(item, "summary", f"{where}.summary"),
                "subject": r.text(item, "subject", f"{where}.subject"),
                "body": r.file_text(item, "body", f"{where}.body"),
                "briefing_title": r.text(briefing, "title", f"{where}.briefing.title"),
                "briefing_summary": r.text(briefing, "summary", f"{where}.briefing.summary"),
                "briefing": r.file_text(briefing, "body", f"{where}.briefing.body"),
            }
        )
    _no_repeats(r, letters, "letters")
    return letters


FOR_BRANDS = ("not-committed", "committed", "overdue")


def _read_for_brands(r: _Reader, item: dict, recipient: str, where: str, before: list) -> str:
    """Which brands a letter to brands is for (asking to commit unless it says otherwise)."""
    if recipient != "brand":
        if "for_brands" in item:
            r.problem(f"{where}.for_brands", "is only for letters with recipient: brand")
        return ""
    for_brands = item.get("for_brands", "not-committed")
    if for_brands not in FOR_BRANDS:
        r.problem(f"{where}.for_brands", f"must be one of: {', '.join(FOR_BRANDS)}")
    elif any(letter["for_brands"] == for_brands for letter in before):
        r.problem(f"{where}.for_brands", f"another letter is already for {for_brands} brands")
    return for_brands


def _read_demonstration(r: _Reader, data: dict) -> dict:
    r.only_keys(
        data,
        {
            "title", "summary", "description", "safety", "venue", "recurrence", "start_time",
            "duration_minutes", "timezone",
        },
        "demonstration",
    )  # fmt: skip
    venue = r.mapping(data, "venue", "demonstration.venue")
    r.only_keys(venue, {"name", "street", "locality", "town", "postcode"}, "demonstration.venue")
    duration = data.get("duration_minutes")
    if isinstance(duration, bool) or not isinstance(duration, int) or not 0 < duration <= 24 * 60:
        r.problem("demonstration.duration_minutes", "must be a whole number of minutes, 1 to 1440")
        duration = 0
    return {
        "title": r.text(data, "title", "demonstration.title"),
        "summary": r.text(data, "summary", "demonstration.summary"),
        "description": r.file_text(data, "description", "demonstration.description"),
        "safety": r.file_text(data, "safety", "demonstration.safety"),
        "venue_name": r.text(venue, "name", "demonstration.venue.name"),
        "street": r.text(venue, "street", "demonstration.venue.street"),
        "locality": r.text(venue, "locality", "demonstration.venue.locality", required=False),
        "town": r.text(venue, "town", "demonstration.venue.town"),
        "postcode": r.text(venue, "postcode", "demonstration.venue.postcode"),
        "recurrence": r.checked(
            r.text(data, "recurrence", "demonstration.recurrence"),
            validate_rrule,
            "demonstration.recurrence",
        ),
        "start_time": r.clock_time(data, "start_time", "demonstration.start_time"),
        "duration_minutes": duration,
        "timezone": r.checked(
            r.text(data, "timezone", "demonstration.timezone"),
            validate_timezone,
            "demonstration.timezone",
        ),
    }


def _read_engagement(r: _Reader, data: dict) -> dict:
    r.only_keys(data, {"title", "summary", "introduction", "steps"}, "engagement")
    steps = []
    for number, item in enumerate(r.sequence(data, "steps", "engagement.steps"), start=1):
        where = f"engagement.steps[{number}]"
        if not isinstance(item, dict):
            r.problem(where, "must be a section of named fields")
            continue
        r.only_keys(item, {"slug", "title", "summary", "body", "needs", "tools"}, where)
        needs = r.sequence(item, "needs", f"{where}.needs")
        tools = r.sequence(item, "tools", f"{where}.tools", required=False)
        steps.append(
            {
                "slug": r.slug(item, "slug", f"{where}.slug"),
                "position": number,
                "title": r.text(item, "title", f"{where}.title"),
                "summary": r.text(item, "summary", f"{where}.summary"),
                "body": r.file_text(item, "body", f"{where}.body"),
                "needs": "\n".join(
                    r.item_text(need, f"{where}.needs[{n}]") for n, need in enumerate(needs, 1)
                ),
                "tools": r.checked(
                    "\n".join(
                        r.item_text(tool, f"{where}.tools[{n}]") for n, tool in enumerate(tools, 1)
                    ),
                    validate_tool_lines,
                    f"{where}.tools",
                ),
            }
        )
    _no_repeats(r, steps, "engagement.steps")
    return {
        "title": r.text(data, "title", "engagement.title"),
        "summary": r.text(data, "summary", "engagement.summary"),
        "introduction": r.file_text(data, "introduction", "engagement.introduction"),
        "steps": steps,
    }


REQUIRED_PAGES = {"privacy", "accessibility"}


def _read_pages(r: _Reader, items: list) -> list[dict]:
    pages = []
    for number, item in enumerate(items, start=1):
        where = f"pages[{number}]"
        if not isinstance(item, dict):
            r.problem(where, "must be a section of named fields")
            continue
        r.only_keys(item, {"slug", "title", "body"}, where)
        pages.append(
            {
                "slug": r.checked(
                    r.slug(item, "slug", f"{where}.slug"), validate_page_slug, f"{where}.slug"
                ),
                "title": r.text(item, "title", f"{where}.title"),
                "body": r.file_text(item, "body", f"{where}.body"),
            }
        )
    _no_repeats(r, pages, "pages")
    missing = REQUIRED_PAGES - {page["slug"] for page in pages}
    if missing:
        r.problem("pages", f"must include the page(s): {', '.join(sorted(missing))}")
    return pages


def _no_repeats(r: _Reader, items: list[dict], where: str) -> None:
    seen = set()
    for number, item in enumerate(items, start=1):
        if item["slug"] and item["slug"] in seen:
            r.problem(f"{where}[{number}].slug", f"{item['slug']!r} is used twice")
        seen.add(item["slug"])
