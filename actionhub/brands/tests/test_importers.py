"""The importers behind the console and the commands: a dry run that returns the plan, an apply
that executes it, one operation that checks permission, compares the plan with the preview,
applies it and audits it; every file read within the upload limits, and a refused file changing
nothing."""

import io
from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from actionhub.brands.importers import (
    BrandImporter,
    EntityListCsvImporter,
    OpenSanctionsImporter,
)
from actionhub.brands.models import Brand, EntityList, EntityListVersion, ListedEntity
from actionhub.brands.operations import PlanRefused, PreviewOutdated, spreadsheet_import
from actionhub.brands.supplier_files import UploadRefused
from actionhub.brands.tests.factories import BrandFactory
from actionhub.core.models import AuditEntry
from actionhub.staff.tests.factories import OrganiserFactory

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE = Path(__file__).parents[1] / "static" / "brands" / "brands-sample.csv"
ENTITY_HEADER = b"name,aliases,country,list,date added,source link\n"


def brands(campaign, data: bytes, filename="brands.csv") -> BrandImporter:
    return BrandImporter(data=data, filename=filename, campaign=campaign)


def workbook(*rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


# Brands


def test_the_dry_run_writes_nothing_and_says_what_would_change(campaign):
    BrandFactory(name="Alpha Apparel", sector="Clothing", website="https://alpha.example")
    BrandFactory(name="Beta Bikes", sector="Cycling", country="United Kingdom")
    data = (
        b"name,sector,country\n"
        b"Alpha Apparel,Sportswear,United Kingdom\n"
        b"Beta Bikes,Cycling,United Kingdom\n"
        b"Gamma Garments,Clothing,\n"
    )

    plan = brands(campaign, data).plan()

    assert plan.rows_read == 3 and not plan.refused
    assert [row.name for row in plan.created] == ["Gamma Garments"]
    assert [(row.name, row.changes) for row in plan.updated] == [
        ("Alpha Apparel", {"sector": ("Clothing", "Sportswear")})
    ]
    assert [row.name for row in plan.unchanged] == ["Beta Bikes"]
    assert Brand.objects.count() == 2
    assert Brand.objects.get(name="Alpha Apparel").sector == "Clothing"


def test_applying_adds_and_updates_by_name_keeping_the_columns_left_out(campaign):
    data = (
        b"name,sector,country,website\n"
        b"Alpha Apparel,Clothing,United Kingdom,https://alpha.example\n"
        b"Beta Bikes,Cycling,,\n"
    )
    plan = spreadsheet_import(importer=brands(campaign, data), actor_label="test")
    assert (len(plan.created), len(plan.updated)) == (2, 0)

    again = spreadsheet_import(
        importer=brands(campaign, b"name,sector\nAlpha Apparel,Sportswear\n"), actor_label="test"
    )
    assert (len(again.created), len(again.updated)) == (0, 1)
    alpha = Brand.objects.get(name="Alpha Apparel")
    assert alpha.sector == "Sportswear"
    assert alpha.website == "https://alpha.example"  # a column the file leaves out is kept
    assert alpha.slug == "alpha-apparel"
    assert list(
        AuditEntry.objects.filter(action="brands.imported").values_list("summary", flat=True)
    ) == [
        "Imported brands.csv: 0 added, 1 updated, 0 unchanged",
        "Imported brands.csv: 2 added, 0 updated, 0 unchanged",
    ]


def test_new_brands_get_slugs_of_their_own(campaign):
    BrandFactory(name="Other", slug="alpha-apparel")
    spreadsheet_import(importer=brands(campaign, b"name,sector\nAlpha Apparel,Clothing\n"))
    assert Brand.objects.get(name="Alpha Apparel").slug == "alpha-apparel-2"


@pytest.mark.parametrize(
    ("data", "line", "problem"),
    [
        (b"name,sector\n,Clothing\n", 2, "the name is empty"),
        (b"name,sector,website\nA,B,not a link\n", 2, "website: Enter a valid URL."),
        (
            b"name,sector,contact_email\nA,B,nobody\n",
            2,
            "contact_email: Enter a valid email address.",
        ),
        (b"name,sector\nA,B\na,C\n", 3, "a appears twice (first on line 2)"),
        (b"name,sector\nA,\n", 2, "sector: This field cannot be blank."),
        (b"name,sector\n=1+2,B\n", 2, "the name starts with “=”"),
        (b"name,sector\n" + b"N" * 201 + b",B\n", 2, "name: Ensure this value has at most 200"),
        (b"name,sector\n" + b"N" * 5_001 + b",B\n", 2, "the name is longer than 5,000 characters"),
    ],
)
def test_a_bad_row_is_refused_with_its_line_and_nothing_is_imported(campaign, data, line, problem):
    plan = brands(campaign, data).plan()
    assert [(r.line, r.problem[: len(problem)]) for r in plan.refusals] == [(line, problem)]

    with pytest.raises(PlanRefused, match=f"brands.csv, line {line}: "):
        spreadsheet_import(importer=brands(campaign, data))
    assert not Brand.objects.exists()
    assert not AuditEntry.objects.filter(action="brands.imported").exists()


def test_every_refused_row_is_listed_not_only_the_first(campaign):
    data = b"name,sector\nGood,Clothing\n,Clothing\nAlso good,Cycling\nBad,\n,\n"
    plan = brands(campaign, data).plan()
    assert [r.line for r in plan.refusals] == [3, 5]  # the empty row 6 is skipped, not refused
    assert [row.name for row in plan.created] == ["Good", "Also good"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"title,sector\nA,B\n", "brands.csv, line 1: missing column(s): name. The first row"),
        (b"", "brands.csv, line 1: missing column(s): name, sector"),
        ("name,sector\nCaf\u00e9,B\n".encode("latin-1"), "line 2: this is not UTF-8 text"),
        (b"name,sector\n", "brands.csv has no rows to import."),
        (b"name,sector\n,\n,\n", "brands.csv has no rows to import."),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_whole(campaign, data, message):
    with pytest.raises(UploadRefused, match=message.replace("(", r"\(").replace(")", r"\)")):
        brands(campaign, data).plan()


def test_brands_import_from_an_excel_workbook(campaign):
    data = workbook(["Name", "Sector", "Country"], ["Alpha Apparel", "Clothing", "UK"], [None],
                    ["Beta Bikes", "Cycling", None])  # fmt: skip
    plan = spreadsheet_import(importer=brands(campaign, data, "brands.xlsx"))
    assert [row.name for row in plan.created] == ["Alpha Apparel", "Beta Bikes"]
    assert Brand.objects.get(name="Beta Bikes").country == ""


def test_the_sample_file_imports_cleanly_and_holds_only_made_up_brands(campaign):
    data = SAMPLE.read_bytes()
    plan = brands(campaign, data, "brands-sample.csv").plan()

    assert not plan.refused
    names = [row.name for row in plan.created]
    assert names == ["Example Apparel Ltd", "Sample Sportswear plc", "Demo Denim GmbH",
                     "Illustrative Electronics Inc"]  # fmt: skip
    assert all(name.split()[0] in {"Example", "Sample", "Demo", "Illustrative"} for name in names)
    for row in plan.created:  # only addresses reserved for examples (RFC 2606)
        for column in ("website", "contact_email"):
            assert not row.fields[column] or row.fields[column].endswith(".example")
    assert data.decode().splitlines()[0] == "name,sector,country,website,contact_email"


def test_the_command_imports_brands_and_refuses_a_bad_file_whole(campaign, tmp_path, capsys):
    call_command("import_brands", str(SAMPLE))
    assert "4 brands added, 0 updated, 0 unchanged." in capsys.readouterr().out
    assert AuditEntry.objects.get(action="brands.imported").actor_label == "manage.py import_brands"

    bad = tmp_path / "brands.csv"
    bad.write_bytes(b"name,sector\nNew Brand,Clothing\n,Clothing\n,\nOther,\n")
    with pytest.raises(CommandError) as refused:
        call_command("import_brands", str(bad))
    assert str(refused.value) == (
        "Nothing imported. brands.csv, line 3: the name is empty\n"
        "brands.csv, line 5: sector: This field cannot be blank."
    )
    assert not Brand.objects.filter(name="New Brand").exists()


# Permission and the preview's digest


def test_importing_needs_permission_to_add_and_change_brands(campaign):
    clerk = OrganiserFactory(username="clerk", is_superuser=False)
    clerk.user_permissions.add(Permission.objects.get(codename="add_brand"))

    with pytest.raises(PermissionDenied):
        spreadsheet_import(importer=brands(campaign, b"name,sector\nA,B\n"), actor=clerk)

    clerk.user_permissions.add(Permission.objects.get(codename="change_brand"))
    clerk = type(clerk).objects.get(pk=clerk.pk)  # permissions are cached on the instance
    spreadsheet_import(importer=brands(campaign, b"name,sector\nA,B\n"), actor=clerk)
    entry = AuditEntry.objects.get(action="brands.imported")
    assert entry.actor == clerk


def test_a_plan_that_is_not_the_one_previewed_is_not_applied(campaign):
    BrandFactory(name="Alpha Apparel", sector="Clothing")
    data = b"name,sector\nAlpha Apparel,Sportswear\nBeta Bikes,Cycling\n"
    previewed = brands(campaign, data).plan().digest
    assert brands(campaign, data).plan().digest == previewed  # the same file and data: the same

    Brand.objects.filter(name="Alpha Apparel").update(sector="Outdoor")  # edited meanwhile
    with pytest.raises(PreviewOutdated) as outdated:
        spreadsheet_import(importer=brands(campaign, data), previewed=previewed)

    assert outdated.value.plan.updated[0].changes == {"sector": ("Outdoor", "Sportswear")}
    assert not Brand.objects.filter(name="Beta Bikes").exists()
    spreadsheet_import(importer=brands(campaign, data), previewed=outdated.value.plan.digest)
    assert Brand.objects.get(name="Alpha Apparel").sector == "Sportswear"


# Entity lists


def entity_list(data: bytes, filename="list.csv", **options) -> EntityListCsvImporter:
    options = {"licence": "CC BY 4.0", "kind": "risk"} | options
    return EntityListCsvImporter(data=data, filename=filename, **options)


def test_an_entity_list_plan_names_each_list_its_version_and_the_one_it_replaces(db):
    call_command("import_entity_list", str(FIXTURES / "targets.simple.csv"),
                 format="opensanctions", date="2026-10-01")  # fmt: skip
    importer = OpenSanctionsImporter(
        data=(FIXTURES / "targets.simple.csv").read_bytes(), filename="targets.simple.csv",
        source="https://data.opensanctions.org/", source_date=date(2026, 11, 1),
    )  # fmt: skip
    plan = importer.plan()
    summary = importer.summary(plan, rows=100)

    assert (plan.rows_read, len(plan.created), plan.skipped) == (5, 4, 1)
    assert [(p.slug, p.entities, p.list_id is None) for p in plan.lists] == [
        ("us_dhs_uflpa", 3, False), ("shu_uyghur_companies", 2, False)
    ]  # fmt: skip
    uflpa = summary["lists"][0]
    assert uflpa["kind"] == "Legal designation"
    assert uflpa["current"]["entity_count"] == 3
    assert uflpa["current"]["source_date"] == "1 October 2026"
    assert summary["source_date"] == "1 November 2026"
    assert summary["licence"] == "CC BY-NC 4.0 (OpenSanctions)"
    assert summary["entity_rows"][0]["aliases"] == ["Example Cotton", "示例新疆棉业有限公司"]
    assert EntityListVersion.objects.count() == 2  # the dry run added no version


def test_a_new_version_made_meanwhile_outdates_the_preview(db):
    data = (FIXTURES / "targets.simple.csv").read_bytes()
    previewed = OpenSanctionsImporter(data=data, filename="t.csv").plan().digest
    call_command("import_entity_list", str(FIXTURES / "targets.simple.csv"), format="opensanctions")

    with pytest.raises(PreviewOutdated):
        spreadsheet_import(importer=OpenSanctionsImporter(data=data, filename="t.csv"),
                           previewed=previewed)  # fmt: skip
    assert EntityListVersion.objects.count() == 2  # the command's, and no more


def test_an_entity_list_from_an_excel_workbook_with_date_cells(db):
    data = workbook(
        ["name", "aliases", "country", "list", "date added", "source link"],
        ["Example Hair Accessories Co.", "Example Hair; 示例发饰", "China", "campaign-research",
         date(2024, 3, 1), "https://example.org/research/1"],
        ["Example Apparel Ltd", None, "China", "campaign-research", "2024-03-02", None],
    )  # fmt: skip
    spreadsheet_import(importer=entity_list(data, "list.xlsx"))

    hair = ListedEntity.objects.get(name="Example Hair Accessories Co.")
    assert hair.date_added == date(2024, 3, 1)
    assert hair.aliases == ["Example Hair", "示例发饰"]
    assert ListedEntity.objects.get(name="Example Apparel Ltd").date_added == date(2024, 3, 2)
    assert EntityList.objects.get().kind == EntityList.Kind.RISK


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (b"A,,,campaign research,,", "the list 'campaign research' is not a list's short name"),
        (
            b"A,,,l,,javascript:alert(1)",
            "the source link 'javascript:alert(1)' is not a web address",
        ),
        (b"A,,,l,,https://example.org/" + b"x" * 500, "the source link is longer than 500"),
        (b"N" * 501 + b",,,l,,", "the name is longer than 500 characters"),
        (b"A,,," + b"x" * 60 + b",,", "the list 'xxxxxxxx"),
        (b"A,,,,,", "the list is empty"),
        (b"A,,=cmd,l,,", "the country starts with “=”"),
    ],
)
def test_a_bad_entity_row_is_refused_with_its_line(db, row, problem):
    plan = entity_list(ENTITY_HEADER + row + b"\n").plan()
    assert len(plan.refusals) == 1
    assert plan.refusals[0].line == 2
    assert plan.refusals[0].problem.startswith(problem)
    with pytest.raises(PlanRefused):
        spreadsheet_import(importer=entity_list(ENTITY_HEADER + row + b"\n"))
    assert not EntityList.objects.exists()
    assert not ListedEntity.objects.exists()


def test_importing_an_entity_list_needs_permission_and_is_audited(db):
    clerk = OrganiserFactory(username="clerk", is_superuser=False)
    data = (FIXTURES / "entities.csv").read_bytes()
    with pytest.raises(PermissionDenied):
        spreadsheet_import(importer=entity_list(data), actor=clerk)

    clerk.user_permissions.add(Permission.objects.get(codename="add_entitylistversion"))
    clerk = type(clerk).objects.get(pk=clerk.pk)
    spreadsheet_import(importer=entity_list(data, "entities.csv"), actor=clerk)

    entry = AuditEntry.objects.get(action="entity_lists.imported")
    assert entry.actor == clerk
    assert (
        entry.summary == "Imported entities.csv (our CSV, CC BY 4.0): campaign-research: 2 entities"
    )


# Hostile files: the limits of a supplier list, with words for the kind of file


def zip_bomb() -> bytes:
    """A workbook of a few kilobytes whose sheet unpacks to 60 MB."""
    from actionhub.brands.tests.test_upload_limits import huge_text_sheet, workbook

    return workbook(huge_text_sheet(b"A" * 1024 * 1024, 60))


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (ENTITY_HEADER + b"\n" * 60_000, "list.csv",
         "list.csv has more than 50,000 rows, counting empty ones. Remove the empty rows and "
         "upload it again."),
        (ENTITY_HEADER + b"A" * 200_000 + b",,,l,,\n", "list.csv",
         "list.csv, line 2 is longer than 100,000 characters"),
        (ENTITY_HEADER + b"A,,,l,," + b",x" * 300 + b"\n", "list.csv",
         "list.csv, line 2: more than 200 columns. Only name, aliases, country, list, date added "
         "and source link are read: delete the other columns (or copy those six into a new "
         "file)"),
        (zip_bomb(), "list.xlsx",
         "list.xlsx unpacks to more than 50 MB in one part, more than an entity list needs. "
         "Check that it is the right file."),
        (b"%PDF-1.7", "list.pdf", "list.pdf: upload a CSV file or an Excel workbook (.xlsx)."),
        (b"PK\x03\x04 not really a workbook", "list.xlsx", "is not an Excel workbook we can read"),
        (b"x" * (10 * 1024 * 1024 + 1), "list.csv",
         "list.csv is larger than 10 MB. That is far more than an entity list holds"),
    ],
    ids=["a million empty lines", "a long line", "many columns", "a zip bomb", "not a spreadsheet",
         "a broken workbook", "over 10 MB"],
)  # fmt: skip
def test_hostile_entity_lists_are_refused_with_words_for_an_entity_list(
    db, data, filename, message
):
    with pytest.raises(UploadRefused) as refused:
        spreadsheet_import(importer=entity_list(data, filename))
    assert message in str(refused.value)
    assert "split" not in str(refused.value).lower()  # two files would be two versions
    assert not EntityListVersion.objects.exists()


def test_a_brand_list_with_a_formula_cell_is_refused(campaign):
    book = Workbook()
    book.active.append(["name", "sector"])
    book.active["A2"] = '=HYPERLINK("http://evil.example","x")'
    data = io.BytesIO()
    book.save(data)

    with pytest.raises(UploadRefused, match="brands.xlsx, cell A2: holds a formula"):
        brands(campaign, data.getvalue(), "brands.xlsx").plan()


def test_a_brand_list_over_the_row_limit_may_be_split(campaign):
    data = b"name,sector\n" + b"\n" * 60_000
    with pytest.raises(UploadRefused, match="Remove the empty rows, or split the file"):
        brands(campaign, data).plan()
