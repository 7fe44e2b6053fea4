"""Email addresses as a person, not a string: one address, however it is typed."""

import unicodedata

from django.conf import settings

# Providers that deliver `name+anything@` to `name@`, and those that also ignore dots in the name.
# The suppression list keeps a keyed hash of the mailbox, made with these: changing them needs a
# migration hashing again the entries that still hold their address (an erased one cannot be).
PLUS_TAG_DOMAINS = {
    "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "hotmail.co.uk", "live.com",
    "live.co.uk", "icloud.com", "me.com", "fastmail.com", "protonmail.com", "proton.me",
}  # fmt: skip
DOT_BLIND_DOMAINS = {"gmail.com", "googlemail.com"}
DOMAIN_ALIASES = {"googlemail.com": "gmail.com"}


def normalise_email(address: str) -> str:
    """`John.Smith+pledge@GoogleMail.com` -> `johnsmith@gmail.com`: one form per mailbox.

    Look-alikes that mail systems deliver to the same mailbox count as that mailbox: full-width
    letters and other compatibility forms (Unicode NFKC), and an international domain in its
    ASCII (IDNA) form."""
    address = unicodedata.normalize("NFKC", address.strip()).casefold()
    local, _, domain = address.rpartition("@")
    domain = _ascii_domain(domain.rstrip("."))
    if domain in PLUS_TAG_DOMAINS:
        local = local.split("+", 1)[0]
    if domain in DOT_BLIND_DOMAINS:
        local = local.replace(".", "")
    return f"{local}@{DOMAIN_ALIASES.get(domain, domain)}"


def _ascii_domain(domain: str) -> str:
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:  # not a domain IDNA can write; the form has already refused such
        return domain


def has_unseen_characters(address: str) -> bool:
    """Zero-width spaces, direction marks and the like: an address never needs them."""
    return any(unicodedata.category(char).startswith("C") for char in address)


def is_disposable_email(address: str) -> bool:
    """An address at a temporary email service (DISPOSABLE_EMAIL_DOMAINS), or a subdomain of one."""
    domain = normalise_email(address).rpartition("@")[2]
    return any(
        domain == disposable or domain.endswith("." + disposable)
        for disposable in settings.DISPOSABLE_EMAIL_DOMAINS
    )
