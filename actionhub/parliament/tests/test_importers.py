"""The importers, through the commands organisers run, on files in the real formats."""

import shutil
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from actionhub.parliament import importers
from actionhub.parliament.models import MP, Constituency, Postcode

pytestmark = pytest.mark.django_db
DEMO = Path(__file__).resolve().parents[1] / "demo"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def run(command, path):
    out = StringIO()
    call_command(command, str(path), stdout=out)
    return out.getvalue()


def refused(command, path):
    with pytest.raises(CommandError) as error:
        run(command, path)
    return str(error.value)


@pytest.fixture
def imported():
    run("import_constituencies", DEMO / "constituencies.hexjson")
    run("import_mps", DEMO / "mps.csv")
    run("import_postcodes", DEMO / "postcodes.csv")


def test_the_three_importers_fill_the_tables(imported):
    hampstead = Constituency.objects.get(gss_code="E14001265")
    assert (hampstead.name, hampstead.nation, hampstead.hex_q, hampstead.hex_r) == (
        "Hampstead and Highgate", "England", 62, -38,
    )  # fmt: skip
    assert Constituency.objects.get(gss_code="S14000079").nation == "Scotland"
    assert hampstead.mp.name == "Demo MP for Hampstead and Highgate"
    assert Postcode.objects.get(postcode="NW3 7UX").constituency == hampstead
    assert Postcode.objects.get(postcode="NW3 9ZZ").terminated
    assert (
        Postcode.objects.get(postcode="SW1A 0AA").constituency.name
        == "Cities of London and Westminster"
    )


def test_importing_again_changes_nothing_and_says_so(imported):
    before = list(Postcode.objects.values_list("postcode", "constituency_id", "terminated"))
    output = run("import_postcodes", DEMO / "postcodes.csv")
    assert "11 rows read; 0 created, 11 updated or unchanged, 0 skipped." in output
    assert list(Postcode.objects.values_list("postcode", "constituency_id", "terminated")) == before


def test_postcodes_from_a_zipped_onspd_file(tmp_path):
    run("import_constituencies", DEMO / "constituencies.hexjson")
    archive = tmp_path / "ONSPD_FEB_2026.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("Documents/readme.csv", "not,the,data\n")
        zipped.write(DEMO / "postcodes.csv", "Data/ONSPD_FEB_2026_UK.csv")
    assert "11 rows read; 11 created" in run("import_postcodes", archive)


def test_mps_from_the_members_api_json(imported):
    output = run("import_mps", FIXTURES / "members-search.json")
    assert "2 rows read; 1 created" in output and "1 skipped" in output
    mp = MP.objects.get(member_id=910001)
    assert (mp.name, mp.party, str(mp.since)) == ("Ada Example", "Example Party", "2024-07-04")
    assert Constituency.objects.get(name="Hampstead and Highgate").mp == mp
    assert not MP.objects.filter(member_id=910002).exists()


def test_a_placeholder_instead_of_an_email_means_no_email(imported, tmp_path):
    path = write(
        tmp_path,
        "mps.csv",
        "pcon_code,member_id,display_as,party_text,member_email\n"
        "E14001265,900003,Demo MP for Hampstead and Highgate,Demo data,No email found\n",
    )
    run("import_mps", path)
    assert MP.objects.get(member_id=900003).email == ""


def test_a_malformed_email_is_refused(imported, tmp_path):
    path = write(
        tmp_path,
        "mps.csv",
        "pcon_code,member_id,display_as,party_text,member_email\n"
        "E14001265,900003,Demo MP,Demo data,someone@\n",
    )
    assert "mps.csv, line 2: 'someone@' is not an email address" in refused("import_mps", path)


def test_a_constituency_the_ons_has_recoded_is_matched_by_name(tmp_path):
    # The HexJSON still has the old code; the MP list and the postcode directory use the new one.
    old = write(
        tmp_path,
        "old.hexjson",
        '{"hexes": {"S14000006": {"n": "Ayr, Carrick and Cumnock", "q": 45, "r": -10}}}',
    )
    run("import_constituencies", old)
    mps = write(
        tmp_path,
        "mps.csv",
        "pcon_name,pcon_code,member_id,display_as,party_text,member_email\n"
        '"Ayr, Carrick and Cumnock",S14000107,900010,Demo MP,Demo data,\n',
    )
    run("import_mps", mps)
    postcodes = write(tmp_path, "pc.csv", "pcds,doterm,pcon\nKA7 1AA,,S14000107\n")
    run("import_postcodes", postcodes)
    run("import_constituencies", old)  # importing the HexJSON again makes no second one

    ayr = Constituency.objects.get()
    assert (ayr.gss_code, ayr.hex_q) == ("S14000107", 45)
    assert ayr.mp.member_id == 900010
    assert Postcode.objects.get().constituency == ayr


def test_a_new_mp_takes_the_seat_from_the_old_one(imported):
    old = MP.objects.get(constituency__gss_code="E14001265")
    run("import_mps", FIXTURES / "members-search.json")
    old.refresh_from_db()
    assert old.constituency is None


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("command", "name", "content", "message"),
    [
        ("import_constituencies", "bad.hexjson", "{not json", "is not HexJSON"),
        ("import_constituencies", "bad.hexjson", '{"layout": "odd-r"}', 'it has no "hexes"'),
        ("import_constituencies", "bad.hexjson", '{"hexes": {"X1": {"n": "A", "q": 1, "r": 1}}}',
         "bad.hexjson, hex X1: 'X1' is not a constituency's GSS code"),
        ("import_constituencies", "bad.hexjson", '{"hexes": {"E14001265": {"n": "A", "q": "x", "r": 1}}}',
         "needs whole-number q and r positions"),
        ("import_postcodes", "bad.csv", "pcds,pcon\nNW3 7UX,E14001265\n", "line 1: missing column(s): doterm"),
        ("import_postcodes", "bad.csv", "pcds,doterm,pcon\nNW3 7UX,,E14001265\nNOT A CODE,,E14001265\n",
         "bad.csv, line 3: 'NOT A CODE' is not a UK postcode"),
        ("import_postcodes", "bad.csv", "pcds,doterm,pcon\n", "bad.csv: has no rows"),
        ("import_postcodes", "bad.csv", "pcds,doterm,pcon\n\n\n", "bad.csv: has no rows"),
        ("import_postcodes", "missing.csv", None, "no such file"),
        ("import_mps", "bad.csv", "pcon_code,member_id,display_as,party_text,member_email\nE99999999,1,A,B,\n",
         "bad.csv, line 2: constituency 'E99999999' is not in the imported constituencies"),
        ("import_mps", "bad.csv", "pcon_code,member_id,display_as,party_text,member_email\nE14001265,x,A,B,\n",
         "member id 'x' is not a number"),
        ("import_mps", "bad.json", '{"items": [{"nothing": 1}]}', 'bad.json, item 1: has no "value"'),
    ],
)  # fmt: skip
def test_a_broken_file_is_refused_naming_the_line_and_nothing_changes(
    tmp_path, imported, command, name, content, message
):
    before = (Constituency.objects.count(), MP.objects.count(), Postcode.objects.count())
    path = tmp_path / name if content is None else write(tmp_path, name, content)

    error = refused(command, path)

    assert message in error
    assert error.startswith("Not imported, nothing changed.")
    assert (Constituency.objects.count(), MP.objects.count(), Postcode.objects.count()) == before


def test_a_file_that_is_not_utf8_is_refused(tmp_path, imported):
    path = tmp_path / "latin1.csv"
    path.write_bytes(b"pcds,doterm,pcon\nNW3 7UX,,E14001265\n\xff\xfe,,\n")
    assert "latin1.csv, line" in refused("import_postcodes", path)


def test_a_bad_row_late_in_a_long_file_leaves_nothing_half_imported(tmp_path, imported):
    rows = [
        f"NW3 {n % 10}{chr(65 + n // 10 % 26)}{chr(65 + n // 260 % 26)},,E14001265"
        for n in range(12_000)
    ]
    path = write(
        tmp_path, "long.csv", "pcds,doterm,pcon\n" + "\n".join(rows) + "\nBROKEN,,E14001265\n"
    )
    before = Postcode.objects.count()
    assert "long.csv, line 12002" in refused("import_postcodes", path)
    assert Postcode.objects.count() == before


def test_mps_need_the_constituencies_first(tmp_path):
    shutil.copy(DEMO / "mps.csv", tmp_path / "mps.csv")
    assert "import the constituencies first" in refused("import_mps", tmp_path / "mps.csv")


def test_the_demo_loader_labels_its_data_and_runs_once():
    out = StringIO()
    call_command("load_demo_parliament", "--if-empty", stdout=out)
    assert "DEMO Parliament data" in out.getvalue()
    assert all("Demo" in name for name in MP.objects.values_list("name", flat=True))
    again = StringIO()
    call_command("load_demo_parliament", "--if-empty", stdout=again)
    assert "already loaded" in again.getvalue()


def postcode_table():
    return sorted(Postcode.objects.values_list("postcode", "constituency__gss_code", "terminated"))


# Rows the ONS files do not have, each read as the ORM importer always read them.
ODD_ROWS = (
    "pcd,pcds,doterm,pcon,extra\n"
    "NW37UX,NW3 7UX,,E14001265,x\n"  # the standard form
    "NW36AA,nw3 6aa,,E14001265,\n"  # lower case
    "NW36AB,NW36AB,202001,E14001265,\n"  # no space; terminated
    "NW36AD, NW3 6AD ,  , E14001265 ,\n"  # spaces all round
    "\n"  # a blank line: skipped, not counted
    "SW1A1AA,SW1A 1AA,,E99999999,\n"  # a constituency nobody has imported
    '"SW1A2AA","SW1A 2AA","","",""\n'  # quoted, with no constituency
    "SW1A0AA,SW1A 0AA\n"  # a short row: no doterm, no pcon
)


@pytest.mark.parametrize("table", ["empty", "filled"])
def test_the_fast_import_writes_what_the_orm_importer_writes(tmp_path, monkeypatch, table):
    run("import_constituencies", DEMO / "constituencies.hexjson")
    path = write(tmp_path, "odd.csv", ODD_ROWS)
    results = []
    for orm in (False, True):
        Postcode.objects.all().delete()
        if table == "filled":  # a re-import: updates, on PostgreSQL through the staging table
            run("import_postcodes", DEMO / "postcodes.csv")
            Postcode.objects.filter(postcode="NW3 7UX").update(terminated=True, constituency=None)
        if orm:
            monkeypatch.setattr(importers, "_WRITERS", {})  # as on a database with no fast path
        results.append((run("import_postcodes", path), postcode_table()))

    assert results[0] == results[1]
    output, rows = results[0]
    created = 7 if table == "empty" else 4
    assert f"7 rows read; {created} created, {7 - created} updated or unchanged" in output
    assert [row for row in rows if row[0] in {"NW3 7UX", "NW3 6AA", "NW3 6AB", "NW3 6AD"}] == [
        ("NW3 6AA", "E14001265", False),
        ("NW3 6AB", "E14001265", True),
        ("NW3 6AD", "E14001265", False),
        ("NW3 7UX", "E14001265", False),
    ]
    assert [row for row in rows if row[0].startswith("SW1A")] == [
        ("SW1A 0AA", None, False),
        ("SW1A 1AA", None, False),
        ("SW1A 2AA", None, False),
    ]


def test_a_reimport_updates_the_constituency_and_the_end_date(tmp_path, imported):
    path = write(tmp_path, "moved.csv", "pcds,doterm,pcon\nNW3 7UX,202602,E14001279\n")
    assert "1 row read; 0 created, 1 updated or unchanged" in run("import_postcodes", path)
    moved = Postcode.objects.get(postcode="NW3 7UX")
    assert (moved.constituency.name, moved.terminated) == ("Hendon", True)
    assert Postcode.objects.count() == 11


def unique_postcodes(count):
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return [
        f"NW{1 + n // 6760} {n % 10}{letters[n // 10 % 26]}{letters[n // 260 % 26]}"
        for n in range(count)
    ]


@pytest.mark.parametrize("table", ["empty", "filled"])
@pytest.mark.parametrize(
    ("postcodes", "message"),
    [
        (["NW3 7UX", "SW1A 1AA", "NW3 7UX"], "line 4: postcode NW3 7UX is also on line 2"),
        (["nw37ux", "NW3 7UX"], "line 3: postcode NW3 7UX is also on line 2"),
        # Far apart, in different batches of rows.
        ([*unique_postcodes(9000), "NW1 0AA"], "line 9002: postcode NW1 0AA is also on line 2"),
        # Side by side, late in a long file: the first one again is named.
        (
            [*unique_postcodes(7000), "NW3 7UX", "NW3 7UX", "NW1 1AA", "NW1 1AA"],
            "line 7003: postcode NW3 7UX is also on line 7002",
        ),
    ],
    ids=["near", "normalised", "far apart", "side by side"],
)
def test_a_postcode_on_two_lines_is_refused_naming_both(tmp_path, table, postcodes, message):
    run("import_constituencies", DEMO / "constituencies.hexjson")
    if table == "filled":
        run("import_postcodes", DEMO / "postcodes.csv")
    before = postcode_table()
    rows = "".join(f"{postcode},,E14001265\n" for postcode in postcodes)
    path = write(tmp_path, "twice.csv", "pcds,doterm,pcon\n" + rows)

    assert f"twice.csv, {message}" in refused("import_postcodes", path)
    assert postcode_table() == before


def test_a_bad_row_is_refused_before_a_postcode_on_two_lines(tmp_path, imported):
    rows = ["NW3 7UX,,E14001265"] * 2 + [f"{p},,E14001265" for p in unique_postcodes(6000)]
    path = write(tmp_path, "both.csv", "pcds,doterm,pcon\n" + "\n".join([*rows, "BROKEN,,"]))
    assert "both.csv, line 6004: 'BROKEN' is not a UK postcode" in refused("import_postcodes", path)
