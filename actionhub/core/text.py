"""Checks for text people type that goes into emails and documents, and counts in words."""

import unicodedata

from django import forms

# Joiners shape letters in Persian, Kurdish and Indic names; other invisible characters do not.
JOINERS = {"\u200c", "\u200d"}


def has_control_characters(value: str, allowed: str = "") -> bool:
    return any(unicodedata.category(char) == "Cc" and char not in allowed for char in value)


def _unseen(char: str) -> bool:
    """A control, formatting or unassigned character: line breaks, right-to-left overrides
    that disguise text, zero-width spaces; joiners aside."""
    return unicodedata.category(char).startswith("C") and char not in JOINERS


def single_line(value: str, what: str) -> str:
    """One line without characters that cannot be seen (such values go into email headers
    and subjects, and into MPs' inboxes); spaces tidied."""
    if any(_unseen(char) for char in value):
        raise forms.ValidationError(f"{what} must be on one line, without special characters.")
    return " ".join(value.split())


def subject_line(value: str, what: str) -> str:
    """A subject on one line (as `single_line`) with at least one letter or number: a subject
    of emoji or symbols alone says nothing, and reads as spam in the inbox it reaches."""
    value = single_line(value, what)
    if value and not any(unicodedata.category(char)[0] in "LMN" for char in value):
        lowered = f"{what[0].lower()}{what[1:]}"
        raise forms.ValidationError(f"Write {lowered} in words, not only emoji or symbols.")
    return value


def person_name(value: str, what: str) -> str:
    """A name as the person gives it, in any script, on one line, with at least one letter."""
    value = single_line(value, what)
    lowered = f"{what[0].lower()}{what[1:]}"
    if value and not any(unicodedata.category(char)[0] in "LM" for char in value):
        raise forms.ValidationError(f"Enter {lowered} using letters.")
    if "@" in value:
        raise forms.ValidationError(f"Enter {lowered} here, not an email address.")
    return value


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """A count with its noun, singular or plural: "1 signature", "2 signatures", "3 people"."""
    return f"{count:,} {singular if count == 1 else plural or singular + 's'}"
