"""A brand's screening upload under hostile files: any cell, any bytes, any file name."""

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from hypothesis import given, strategies

from actionhub.brands.models import ScreeningLink, ScreeningResult, ScreeningRun
from actionhub.brands.tests.factories import BrandFactory
from actionhub.core.tests.hostile import (
    assert_clear_error,
    assert_escaped,
    assert_no_server_error,
    hostile_text,
    one_example,
)

FIXTURES = Path(__file__).parent / "fixtures"
HEADER = ["name", "address", "country"]


@pytest.fixture
def link(campaign):
    call_command("import_entity_list", str(FIXTURES / "targets.simple.csv"), format="opensanctions")
    return ScreeningLink.objects.create(
        brand=BrandFactory(name="Threadwell"), expires_at=timezone.now() + timedelta(days=14)
    )


def as_csv(rows) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADER, *rows])
    return buffer.getvalue().encode()


cells = strategies.one_of(hostile_text(), strategies.just(""), strategies.just("Acme Buttons"))
supplier_lists = strategies.one_of(
    strategies.lists(strategies.lists(cells, min_size=3, max_size=3), max_size=6).map(as_csv),
    strategies.binary(max_size=600),
    strategies.lists(hostile_text(), max_size=4).map(lambda lines: "\n".join(lines).encode()),
)
file_names = strategies.one_of(
    strategies.sampled_from(["suppliers.csv", "suppliers.xlsx", "suppliers", "a.txt"]),
    hostile_text().map(lambda text: f"{text}.csv"),
)


def upload(link, content: bytes, name: str):
    browser = Client()
    response = browser.post(
        f"/screening/{link.token}/", {"file": SimpleUploadedFile(name or "x.csv", content)}
    )
    assert_no_server_error(response)
    return browser, response


names = strategies.sampled_from(
    ["Acme Buttons", "新疆中泰化学股份有限公司", "Ürümqi Textiles GmbH", "ئۇيغۇر", "O'Brien & Sons",
     "Example Xinjiang Cotton Company Limited", "x" * 499]
)  # fmt: skip
blank_or = lambda text: strategies.sampled_from(["", text])  # noqa: E731
plain_lists = strategies.lists(
    strategies.tuples(names, blank_or("1 High Street, Leicester"), blank_or("United Kingdom")),
    min_size=1, max_size=6,
).map(as_csv)  # fmt: skip


@given(content=plain_lists)
def test_every_plain_list_is_screened_whichever_optional_columns_are_blank(link, content):
    with one_example():
        browser, response = upload(link, content, "suppliers.csv")

        assert response.status_code == 303
        run = ScreeningRun.objects.get()
        assert run.row_count == content.count(b"\n") - 1
        assert browser.get(response["Location"]).status_code == 200


@given(content=supplier_lists, name=file_names)
def test_any_upload_is_screened_or_refused_with_a_clear_message(link, content, name):
    with one_example():
        browser, response = upload(link, content, name)

        if response.status_code == 400:
            assert_clear_error(response)
            assert not ScreeningRun.objects.exists(), "a refused file leaves nothing"
            return
        assert response.status_code == 303
        run = ScreeningRun.objects.get()
        assert run.results.count() == run.row_count
        results = browser.get(response["Location"])
        assert results.status_code == 200
        assert_escaped(results.content.decode(), *ScreeningResult.objects.values_list(
            "supplier_name", flat=True))  # fmt: skip
        download = browser.get(f"{response['Location']}results.csv")
        rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode())))
        assert len(rows) == run.row_count + 1
        for row in rows[1:]:
            assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row)
