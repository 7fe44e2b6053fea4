"""Property-based tests of public forms: what people and robots really send, and what must hold.

Each public form's test says which fields it has, which are optional, and a plain valid value
for each. Hypothesis then sends every combination of optional fields left out or blank, with
hostile text in any field (control characters, line breaks of every kind, right-to-left and
invisible characters, other scripts, markup, formulas, very long text), and the test checks what
a supporter would notice: never a server error; either a clear message on the page or the value
stored as it was cleaned and shown escaped; and nothing half written.
"""

import contextlib
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import transaction
from hypothesis import HealthCheck, event, settings, strategies
from hypothesis.strategies import composite

from actionhub.core.email import email_deliver
from actionhub.core.models import OutboundEmail

# The root conftest loads "forms" unless HYPOTHESIS_PROFILE names another: deterministic (the
# same examples on every run, so a failure in CI is never a fluke), with enough examples to
# cover every combination of blank optional fields several times. "thorough" explores anew on
# each run, 25 times as long: `HYPOTHESIS_PROFILE=thorough make test-python PYTEST_ARGS=-kproperties`.
COMMON = {
    "deadline": None,
    "database": None,
    # Each example runs in its own rolled-back transaction (one_example), so the test's
    # database fixture is safely shared between examples.
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}
settings.register_profile("forms", max_examples=40, derandomize=True, **COMMON)
settings.register_profile("thorough", max_examples=1000, **COMMON)

NASTY = [
    "",
    " ",
    "\t",
    "\r\n",
    "\r",
    "\n\n",
    "Line one\r\nBcc: victim@example.org",
    "\x00",
    "\x07bell",
    "\x1b[31mred",
    "\u2028separator\u2029",
    "\u202eevil.exe\u202c",  # right-to-left override
    "\u200b\u200c\u200d\ufeff",  # zero-width
    "ئۇيغۇر",  # Uyghur, right to left
    "张伟",
    "Дмитрий",
    "עברית",
    "e\u0301\u0301\u0301",  # combining marks
    "🧕🏽👨‍👩‍👧",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ 7*7 }} {% debug %}",
    "' OR 1=1 --",
    '=HYPERLINK("http://evil.example","x")',
    "+44 20 7946 0000",
    "miriam@example.org",
    "x" * 101,
    "y" * 301,
    "z " * 5000,
    "%s%s%s%n",
    "../../etc/passwd",
    "NW3 7UX",
    "0",
    "-1",
    "99999999999999999999",
]


# A name or subject that would disguise what a letter says in the inbox it reaches (an MP's, a
# brand's), each with the start of the message that refuses it: for pytest.mark.parametrize.
DISGUISING_NAMES_AND_SUBJECTS = pytest.mark.parametrize(
    ("details", "subject", "message"),
    [
        ({"name": "\u202egpj.exe"}, None, "Your name must be on one line"),
        ({"name": "🙂🙂"}, None, "Enter your name using letters"),
        ({}, "Will you \u202etimmoc\u202c now?", "The subject must be on one line"),
        ({}, "🙂🙂🙂", "Write the subject in words, not only emoji or symbols."),
    ],
    ids=["a right-to-left override in the name", "a name of emoji", "an override in the subject",
         "a subject of emoji"],
)  # fmt: skip


def hostile_text() -> strategies.SearchStrategy[str]:
    """Text that breaks naive code: the classics above, anything Unicode can encode (lone
    surrogates aside: no browser can send them), and the two mixed."""
    anything = strategies.text(
        alphabet=strategies.characters(exclude_categories=["Cs"]), max_size=400
    )
    return strategies.one_of(
        strategies.sampled_from(NASTY),
        anything,
        strategies.builds(lambda a, b: a + b, strategies.sampled_from(NASTY), anything),
    )


@composite
def form_data(draw, *, valid: dict[str, str], optional=frozenset(), hostile: bool = True):
    """A submission. Optional fields are each missing altogether, blank (as a browser sends a
    field nobody filled in) or filled in; with `hostile`, one to three fields (any of them)
    hold hostile text instead."""
    names = sorted(valid)
    spoilt = set()
    if hostile:
        spoilt = draw(strategies.sets(strategies.sampled_from(names), min_size=1, max_size=3))
    data = {}
    for name in names:
        if name in spoilt:
            data[name] = draw(hostile_text())
        elif name not in optional:
            data[name] = valid[name]
        else:
            choice = draw(strategies.sampled_from(["missing", "blank", "filled"]))
            if choice != "missing":
                data[name] = valid[name] if choice == "filled" else ""
    return data


@contextlib.contextmanager
def one_example():
    """Each example starts clean (no rate limit counted, no email sent) and leaves nothing."""
    cache.clear()
    mail.outbox = []
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def rows_of(*models) -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in models}


def deliver_queued_emails() -> list:
    """Send what the request queued, as the task worker does, and return the messages; every
    one must be deliverable whatever was typed (no header injection, no template error).
    Work for a typed address (a link asked for) is done first, as the worker would."""
    from django_tasks_db.models import DBTaskResult

    from actionhub.supporters.typed_addresses import for_typed_address

    queued = DBTaskResult.objects.filter(task_path=for_typed_address.module_path, status="READY")
    for result in queued:
        for_typed_address.call(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
        result.delete()
    for pk in OutboundEmail.objects.values_list("pk", flat=True):
        email_deliver(email_id=pk)
    assert not OutboundEmail.objects.exists(), "every queued email was delivered"
    return list(mail.outbox)


def assert_no_server_error(response):
    event(f"answered {response.status_code}")  # --hypothesis-show-statistics shows the mix
    assert response.status_code < 500, response.status_code


def assert_clear_error(response):
    """A refused form says what is wrong, in the error summary and beside the field."""
    page = response.content.decode()
    assert response.status_code == 400, response.status_code
    assert "There is a problem" in page
    summary = page.split("There is a problem", 1)[1].split("</ul>", 1)[0]
    assert re.search(r"<li>(<a [^>]+>)?[^<\s][^<]{4,}", summary), "each error has words"


MARKUP = re.compile(r"<[A-Za-z!/?][^<]{6,}")


def assert_escaped(page: str, *typed: str):
    """Nothing typed comes back as markup: text that would open a tag is shown escaped."""
    for value in typed:
        if MARKUP.search(value):
            assert value not in page, f"{value!r} is shown unescaped"
