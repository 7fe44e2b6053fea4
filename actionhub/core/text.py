"""Checks for text people type that goes into emails and documents, and counts in words."""

import unicodedata

from django import forms


def has_control_characters(value: str, allowed: str = "") -> bool:
    return any(unicodedata.category(char) == "Cc" and char not in allowed for char in value)


def single_line(value: str, what: str) -> str:
    """No line breaks or control characters (such values may go into email headers)."""
    if has_control_characters(value):
        raise forms.ValidationError(f"{what} must be on one line, without special characters.")
    return " ".join(value.split())


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """A count with its noun, singular or plural: "1 signature", "2 signatures", "3 people"."""
    return f"{count:,} {singular if count == 1 else plural or singular + 's'}"
