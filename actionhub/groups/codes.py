"""Group codes: short, lower case, and never one look-alike character away from another.

A code is typed from a poster or read aloud at a meeting, so two groups' codes must not differ
only by characters people confuse (0 and o, 1, l and i, rn and m, vv and w) or by hyphens. Each
code has a key with those made one, and the key is unique in the database; a link typed with a
look-alike (`/g/hampstead-shu1/`) still finds its group. Suggested codes come from the group's
name and area, or else from letters and digits that have no look-alikes.
"""

import re
import secrets

from django.utils.text import slugify

CODE_SHAPE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
CODE_MIN, CODE_MAX = 3, 30
SUGGESTION_MAX = 24
# Neither 0, 1, i, l nor o: none of them can be misread as another.
UNAMBIGUOUS = "abcdefghjkmnpqrstuvwxyz23456789"
# Hyphens go first, so that "r-n" is as like "m" as "rn" is.
LOOK_ALIKES = [("_", ""), ("-", ""), ("rn", "m"), ("vv", "w"), ("o", "0"), ("i", "1"), ("l", "1")]
RESERVED = {"admin", "groups", "pledge", "static", "test", "removed-group"}


class CodeProblem(ValueError):
    """A code that cannot be used, with the reason in words for the person who typed it."""


def code_normalise(typed: str) -> str:
    """What someone typed, as a code: trimmed, lower case, spaces and underscores as hyphens."""
    return re.sub(r"[\s_]+", "-", (typed or "").strip().lower()).strip("-")


def code_key(code: str) -> str:
    key = code.lower()
    for look_alike, same in LOOK_ALIKES:
        key = key.replace(look_alike, same)
    return key


def code_check(code: str) -> str:
    """The code if it has the right shape; CodeProblem saying what is wrong otherwise."""
    if not CODE_SHAPE.fullmatch(code):
        raise CodeProblem(
            "Use only letters a to z, digits and hyphens (no spaces or accents), like "
            "hampstead-shul."
        )
    if not CODE_MIN <= len(code) <= CODE_MAX:
        raise CodeProblem(f"Use between {CODE_MIN} and {CODE_MAX} characters.")
    if code in RESERVED:
        raise CodeProblem("That code is kept for the site’s own use: choose another.")
    return code


def code_suggest(*, name: str, area: str, taken) -> str:
    """A free code made from the name (then the name and area), else a random one.

    `taken(key)` says whether a code key is in use already.
    """
    for words in (name, f"{name} {area}"):
        candidate = _shorten(slugify(words))
        if (
            len(candidate) >= CODE_MIN
            and candidate not in RESERVED
            and not taken(code_key(candidate))
        ):
            return candidate
    base = _shorten(slugify(name), SUGGESTION_MAX - 5)
    while True:
        tail = "".join(secrets.choice(UNAMBIGUOUS) for _ in range(4))
        candidate = f"{base}-{tail}" if len(base) >= CODE_MIN else f"group-{tail}"
        if not taken(code_key(candidate)):
            return candidate


def _shorten(slug: str, limit: int = SUGGESTION_MAX) -> str:
    """Cut at a hyphen so a suggestion never ends in half a word."""
    if len(slug) <= limit:
        return slug
    cut = slug[:limit]
    return cut.rsplit("-", 1)[0] if "-" in cut else cut
