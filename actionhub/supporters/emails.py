"""Email addresses as a person, not a string: one address, however it is typed."""

from django.conf import settings

# Providers that deliver `name+anything@` to `name@`, and those that also ignore dots in the name.
PLUS_TAG_DOMAINS = {
    "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "hotmail.co.uk", "live.com",
    "live.co.uk", "icloud.com", "me.com", "fastmail.com", "protonmail.com", "proton.me",
}  # fmt: skip
DOT_BLIND_DOMAINS = {"gmail.com", "googlemail.com"}
DOMAIN_ALIASES = {"googlemail.com": "gmail.com"}


def normalise_email(address: str) -> str:
    """`John.Smith+pledge@GoogleMail.com` -> `johnsmith@gmail.com`: one form per mailbox."""
    local, _, domain = address.strip().casefold().rpartition("@")
    domain = domain.rstrip(".")
    if domain in PLUS_TAG_DOMAINS:
        local = local.split("+", 1)[0]
    if domain in DOT_BLIND_DOMAINS:
        local = local.replace(".", "")
    return f"{local}@{DOMAIN_ALIASES.get(domain, domain)}"


def is_disposable_email(address: str) -> bool:
    """An address at a temporary email service (DISPOSABLE_EMAIL_DOMAINS), or a subdomain of one."""
    domain = address.rpartition("@")[2].casefold()
    return any(
        domain == disposable or domain.endswith("." + disposable)
        for disposable in settings.DISPOSABLE_EMAIL_DOMAINS
    )
