"""Hostile supplier lists: files built to expand far beyond their size, or to keep a worker busy.

Each is built here, small, from hand-written XML and a zip written byte by byte (so a part can
be given its deflated data directly, and its header any size), and each must be refused with
the message for the limit it hits, leaving nothing saved, having done bounded work: bytes
unpacked, rows read, memory at its peak.
"""

import random
import struct
import tracemalloc
import zipfile
import zlib
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from actionhub.brands import supplier_files
from actionhub.brands.models import ScreeningLink, ScreeningResult, ScreeningRun
from actionhub.brands.tests.factories import BrandFactory

FIXTURES = Path(__file__).parent / "fixtures"
MB = 1024 * 1024
MEMORY_PEAK = 50 * MB  # far below what the files expand to


@pytest.fixture
def link(campaign):
    call_command("import_entity_list", str(FIXTURES / "targets.simple.csv"), format="opensanctions")
    return ScreeningLink.objects.create(
        brand=BrandFactory(name="Threadwell"), expires_at=timezone.now() + timedelta(days=14)
    )


@pytest.fixture
def unpacked(monkeypatch):
    """Counts the bytes read out of zip members."""
    counted = {"bytes": 0}
    read = zipfile.ZipExtFile.read

    def counting_read(self, n=-1):
        data = read(self, n)
        counted["bytes"] += len(data)
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting_read)
    return counted


def post(client, link, content: bytes, name: str):
    return client.post(f"/screening/{link.token}/", {"file": SimpleUploadedFile(name, content)})


def assert_refused(client, link, content: bytes, name: str, message: str, *, memory=False):
    """The upload is refused with `message`, nothing is saved, and (with `memory`) Python's
    memory never grew by MEMORY_PEAK while it was read."""
    if memory:
        tracemalloc.start()
    try:
        response = post(client, link, content, name)
        peak = tracemalloc.get_traced_memory()[1] if memory else 0
    finally:
        tracemalloc.stop()
    page = response.content.decode()
    assert response.status_code == 400, page[:500]
    assert message in page, page[page.find("There is a problem") :][:800]
    assert not ScreeningRun.objects.exists()
    assert not ScreeningResult.objects.exists()
    assert peak < MEMORY_PEAK, f"peak {peak / MB:.0f} MB"


# Building workbooks


def deflated(*pieces: tuple[bytes, int]) -> tuple[bytes, int, int]:
    """Raw deflate data for each piece repeated its number of times, with its CRC and size,
    without ever holding the whole: each piece is compressed once and flushed to a byte
    boundary with the compressor's memory reset, so its output can be repeated as it is."""
    out, crc, size = [], 0, 0
    for piece, times in pieces:
        compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
        out.append((compressor.compress(piece) + compressor.flush(zlib.Z_FULL_FLUSH)) * times)
        for _ in range(times):
            crc = zlib.crc32(piece, crc)
        size += len(piece) * times
    out.append(zlib.compressobj(6, zlib.DEFLATED, -15).flush())  # the last, empty block
    return b"".join(out), crc, size


def zip_of(members: dict, *, sizes_said: dict | None = None) -> bytes:
    """A zip written byte by byte. A member is bytes, or (deflated, crc, size) from deflated();
    sizes_said gives a member's header (local and in the directory) another size."""
    body, directory = bytearray(), bytearray()
    for name, content in members.items():
        data, crc, size = content if isinstance(content, tuple) else deflated((content, 1))
        size = (sizes_said or {}).get(name, size)
        offset, encoded = len(body), name.encode()
        body += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(data), size,
                            len(encoded), 0) + encoded + data  # fmt: skip
        directory += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc,
                                 len(data), size, len(encoded), 0, 0, 0, 0, 0, offset) + encoded  # fmt: skip
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members),
                      len(directory), len(body), 0)  # fmt: skip
    return bytes(body + directory + end)


MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIP = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def relationships(*targets: tuple[bytes, bytes]) -> bytes:
    """A .rels part: (type, target) for rId1, rId2 and so on."""
    return (
        b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        b'openxmlformats.org/package/2006/relationships">'
        + b"".join(
            b'<Relationship Id="rId%d" Type="%s/%s" Target="%s"/>' % (n, RELATIONSHIP, kind, target)
            for n, (kind, target) in enumerate(targets, 1)
        )
        + b"</Relationships>"
    )


PACKAGE = relationships((b"officeDocument", b"xl/workbook.xml"))
WORKBOOK_RELATIONSHIPS = relationships(
    (b"worksheet", b"worksheets/sheet1.xml"), (b"sharedStrings", b"/xl/sharedStrings.xml")
)
WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="%s" xmlns:r="%s"><sheets>'
    b'<sheet name="Suppliers" sheetId="1" r:id="rId1"/></sheets></workbook>' % (MAIN, RELATIONSHIP)
)
SHEET_START = b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="' + MAIN + b'">'
SHEET_END = b"</worksheet>"
STRINGS_START = b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="' + MAIN + b'">'
STRINGS_END = b"</sst>"
HEADER_ROW = (
    b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
    b'<c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>'
)
HEADER_TEXTS = (
    b"<si><t>name</t></si><si><t>address</t></si><si><t>country</t></si><si><t>notes</t></si>"
)


def inline(reference: str, text: bytes) -> bytes:
    return b'<c r="' + reference.encode() + b'" t="inlineStr"><is><t>' + text + b"</t></is></c>"


def workbook(sheet, strings=HEADER_TEXTS + STRINGS_END, *, sizes_said=None) -> bytes:
    """A workbook with one sheet. `sheet` is the XML inside <worksheet> (bytes) or deflated()
    data for the whole part; `strings` the shared texts (bytes, or deflated data)."""
    if isinstance(sheet, bytes):
        sheet = SHEET_START + sheet + SHEET_END
    if isinstance(strings, bytes):
        strings = STRINGS_START + strings
    return zip_of(
        {
            "[Content_Types].xml": b"<Types/>",
            "_rels/.rels": PACKAGE,
            "xl/workbook.xml": WORKBOOK,
            "xl/_rels/workbook.xml.rels": WORKBOOK_RELATIONSHIPS,
            "xl/sharedStrings.xml": strings,
            "xl/worksheets/sheet1.xml": sheet,
        },
        sizes_said=sizes_said,
    )


SUPPLIER_ROW = (
    b'<row r="2">' + inline("A2", b"Example Xinjiang Cotton Co., Ltd.") + inline("B2", b"Urumqi")
    + inline("C2", b"CN") + b"</row>"
)  # fmt: skip


def test_a_workbook_built_as_these_are_is_screened(client, link):
    """The control: the hand-built workbook, with nothing hostile in it, is read."""
    content = workbook(b'<dimension ref="A1:D2"/><sheetData>' + HEADER_ROW + SUPPLIER_ROW
                       + b"</sheetData>")  # fmt: skip

    response = post(client, link, content, "suppliers.xlsx")

    assert response.status_code == 303
    result = ScreeningRun.objects.get().results.get()
    assert (result.row_number, result.supplier_name) == (2, "Example Xinjiang Cotton Co., Ltd.")
    assert result.band == ScreeningResult.Band.LIKELY


# The sheet's declared size


LIE = b'<dimension ref="A1:XFD1048576"/>'


def test_a_sheet_that_declares_every_row_and_column_costs_only_the_rows_it_holds(client, link):
    content = workbook(LIE + b'<sheetData><row r="1048576">' + inline("A1048576", b"x")
                       + b"</row></sheetData>")  # fmt: skip

    assert_refused(client, link, content, "suppliers.xlsx",
                   "line 1048576: missing column(s): name, address, country", memory=True)  # fmt: skip


def test_a_supplier_in_the_last_row_of_a_sheet_declared_full_is_screened(client, link):
    row = (b'<row r="1048576">' + inline("A1048576", b"Acme Buttons") + inline("B1048576", b"")
           + inline("C1048576", b"UK") + b"</row>")  # fmt: skip
    content = workbook(LIE + b"<sheetData>" + HEADER_ROW + row + b"</sheetData>")
    budget = supplier_files._Budget("suppliers.xlsx")

    rows = list(supplier_files._xlsx_rows(content, budget))

    assert [number for number, _ in rows] == [1, 1048576]
    assert budget.rows == 2 and budget.cells == 7
    assert post(client, link, content, "suppliers.xlsx").status_code == 303
    assert ScreeningRun.objects.get().results.get().row_number == 1048576


# Text that expands


def huge_text_sheet(text: bytes, times: int) -> tuple[bytes, int, int]:
    """A sheet whose A2 holds `text` repeated `times` times, inline."""
    return deflated(
        (SHEET_START + b"<sheetData>" + HEADER_ROW + b'<row r="2"><c r="A2" t="inlineStr"><is><t>', 1),
        (text, times),
        (b"</t></is></c></row></sheetData>" + SHEET_END, 1),
    )  # fmt: skip


def test_a_400_mb_inline_string_is_refused_from_the_zip_directory(client, link, unpacked):
    content = workbook(huge_text_sheet(b"A" * MB, 400))
    assert len(content) < 500_000

    assert_refused(client, link, content, "suppliers.xlsx",
                   "suppliers.xlsx unpacks to more than 50 MB in one part", memory=True)  # fmt: skip
    assert unpacked["bytes"] == 0


def test_a_400_mb_shared_string_is_refused_from_the_zip_directory(client, link, unpacked):
    strings = deflated((STRINGS_START + HEADER_TEXTS + b"<si><t>", 1), (b"B" * MB, 400),
                       (b"</t></si>" + STRINGS_END, 1))  # fmt: skip
    content = workbook(b"<sheetData>" + HEADER_ROW + b"</sheetData>", strings)

    assert_refused(client, link, content, "suppliers.xlsx",
                   "suppliers.xlsx unpacks to more than 50 MB in one part", memory=True)  # fmt: skip
    assert unpacked["bytes"] == 0


def test_a_part_packed_far_tighter_than_a_list_packs_is_refused(client, link, unpacked):
    content = workbook(huge_text_sheet(b"A" * MB, 5))

    assert_refused(client, link, content, "suppliers.xlsx",
                   "suppliers.xlsx unpacks to more than 100 times its size")  # fmt: skip
    assert unpacked["bytes"] == 0


def test_a_zip_header_that_understates_a_part_cannot_make_it_read_more(client, link, unpacked):
    sheet = huge_text_sheet(b"A" * MB, 400)  # 400 MB, said to be 20 KB
    content = workbook(sheet, sizes_said={"xl/worksheets/sheet1.xml": 20_000})

    assert_refused(client, link, content, "suppliers.xlsx", "suppliers.xlsx is damaged",
                   memory=True)  # fmt: skip
    assert unpacked["bytes"] < 100_000


def test_long_text_is_read_in_pieces_and_only_a_cell_s_worth_kept(client, link, monkeypatch):
    """A 40 MB name that the zip directory cannot catch (the ratio check is lifted for the
    test) is still never held whole: a name may be 5,000 characters."""
    monkeypatch.setattr(supplier_files, "MAX_RATIO", 10**9)
    content = workbook(huge_text_sheet(b"A" * MB, 40))

    assert_refused(client, link, content, "suppliers.xlsx",
                   "suppliers.xlsx, line 2: the name is longer than 5,000 characters",
                   memory=True)  # fmt: skip


def test_long_text_in_a_column_that_is_not_read_is_not_kept(client, link, monkeypatch):
    monkeypatch.setattr(supplier_files, "MAX_RATIO", 10**9)
    content = workbook(deflated(
        (SHEET_START + b"<sheetData>" + HEADER_ROW + SUPPLIER_ROW[:-6] + b'<c r="D2" '
         b't="inlineStr"><is><t>', 1),
        (b"notes " * 100_000, 60),
        (b"</t></is></c></row></sheetData>" + SHEET_END, 1),
    ))  # fmt: skip

    tracemalloc.start()
    try:
        response = post(client, link, content, "suppliers.xlsx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert response.status_code == 303
    assert ScreeningRun.objects.get().results.count() == 1
    assert peak < MEMORY_PEAK


def test_text_used_by_many_cells_counts_each_time(client, link):
    """One 5,000-character shared text in 4,001 cells is 20 million characters to read."""
    strings = (
        HEADER_TEXTS + b"<si><t>Acme</t></si><si><t>" + b"n" * 5000 + b"</t></si>" + STRINGS_END
    )
    row = b'<row><c t="s"><v>4</v></c><c/><c/><c t="s"><v>5</v></c></row>'

    content = workbook(b"<sheetData>" + HEADER_ROW + row * 4001 + b"</sheetData>", strings)

    assert_refused(client, link, content, "suppliers.xlsx",
                   "holds more than 20,000,000 characters of text")  # fmt: skip


# Rows and columns


def test_a_million_empty_rows_are_refused_after_50_000(client, link, unpacked):
    rows = "".join(f'<row r="{n}"/>' for n in range(2, 1_000_002)).encode()
    sheet = SHEET_START + b"<sheetData>" + HEADER_ROW + rows + b"</sheetData>" + SHEET_END
    content = workbook(deflated((sheet, 1)))

    assert_refused(client, link, content, "suppliers.xlsx",
                   "suppliers.xlsx has more than 50,000 rows, counting empty ones. Remove the "
                   "empty rows")  # fmt: skip
    assert unpacked["bytes"] < len(sheet) / 10


def test_a_row_of_every_column_is_refused_at_the_201st(client, link, unpacked):
    cells = b"".join(inline(f"{column}1", b"x") for column in columns(16_384))
    sheet = SHEET_START + b"<sheetData><row>" + cells + b"</row></sheetData>" + SHEET_END

    assert_refused(client, link, workbook(deflated((sheet, 1))), "suppliers.xlsx",
                   "suppliers.xlsx, line 1: more than 200 columns. Only name, address and "
                   "country are read")  # fmt: skip
    assert unpacked["bytes"] < len(sheet) / 4


def columns(count: int) -> list[str]:
    letters = [chr(ord("A") + n) for n in range(26)]
    names = letters + [a + b for a in letters for b in letters]
    names += [a + b for a in letters for b in names[26:]]
    return names[:count]


def test_cells_past_column_200_are_left_out(client, link):
    stray = inline("XFD2", b"=not read, so not refused")
    content = workbook(b"<sheetData>" + HEADER_ROW + SUPPLIER_ROW[:-6] + stray
                       + b"</row></sheetData>")  # fmt: skip

    assert post(client, link, content, "suppliers.xlsx").status_code == 303


def test_a_file_of_more_cells_than_the_limit_is_refused(client, link, monkeypatch):
    monkeypatch.setattr(supplier_files, "MAX_CELLS", 1_000)
    content = "name,address,country" + ",x" * 7 + "\n" + ("Acme,Road,UK" + ",x" * 7 + "\n") * 100

    assert_refused(client, link, content.encode(), "suppliers.csv",
                   "suppliers.csv has more than 1,000 cells")  # fmt: skip


def test_more_shared_texts_than_cells_are_refused(client, link, monkeypatch):
    monkeypatch.setattr(supplier_files, "MAX_CELLS", 10)
    strings = HEADER_TEXTS + b"<si><t>x</t></si>" * 7 + STRINGS_END
    content = workbook(b"<sheetData>" + HEADER_ROW + b"</sheetData>", strings)

    assert_refused(client, link, content, "suppliers.xlsx", "has more than 10 cells")


# The XML itself


def test_entities_cannot_be_declared(client, link):
    entities = b"".join(
        b'<!ENTITY e%d "' % n + b"&e%d;" % (n - 1) * 10 + b'">' for n in range(1, 10)
    )
    laughs = (b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY e0 "ha">' + entities + b"]>"
              b'<worksheet xmlns="' + MAIN + b'"><sheetData><row><c t="inlineStr"><is><t>&e9;'
              b"</t></is></c></row></sheetData></worksheet>")  # fmt: skip

    assert_refused(client, link, workbook(deflated((laughs, 1))), "suppliers.xlsx",
                   "suppliers.xlsx is damaged", memory=True)  # fmt: skip


def test_an_external_entity_is_never_fetched(client, link):
    sheet = (b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
             b'<worksheet xmlns="' + MAIN + b'"><sheetData><row><c t="inlineStr"><is><t>&x;'
             b"</t></is></c></row></sheetData></worksheet>")  # fmt: skip

    assert_refused(client, link, workbook(deflated((sheet, 1))), "suppliers.xlsx",
                   "suppliers.xlsx is damaged")  # fmt: skip


def test_a_tag_of_megabytes_is_refused_before_it_is_read_whole(client, link):
    attribute = random.Random(0).randbytes(3 * MB // 2).hex().encode()  # packs two to one
    sheet = SHEET_START + b'<sheetData><row r="1" x="' + attribute + b'"/></sheetData>' + SHEET_END

    assert_refused(client, link, workbook(deflated((sheet, 1))), "suppliers.xlsx",
                   "suppliers.xlsx is damaged", memory=True)  # fmt: skip


def test_a_zip_of_a_thousand_parts_is_refused_before_its_directory_is_read(client, link):
    content = zip_of({f"part{n}": b"" for n in range(1_001)})

    assert_refused(client, link, content, "suppliers.xlsx",
                   "suppliers.xlsx has more than 1,000 parts")  # fmt: skip


# CSV files


CSV_HEADER = b"name,address,country\n"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (CSV_HEADER + b"A" * 200_000 + b",Road,UK\n",
         "suppliers.csv, line 2 is longer than 100,000 characters"),
        (CSV_HEADER + b"," * 1_000_000 + b"\n", "suppliers.csv, line 2 is longer than 100,000"),
        (CSV_HEADER + b"Acme,Road,UK" + b",x" * 1_000 + b"\n",
         "suppliers.csv, line 2: more than 200 columns"),
        (CSV_HEADER + b"\n" * 1_000_000, "suppliers.csv has more than 50,000 rows, counting empty"),
        (CSV_HEADER + b"\r\n" * 1_000_000, "suppliers.csv has more than 50,000 rows"),
        (CSV_HEADER + b"N" * 5_001 + b",Road,UK\n",
         "suppliers.csv, line 2: the name is longer than 5,000 characters"),
        (CSV_HEADER + b'"' + b"Acme\n" * 50_000 + b'",Road,UK\n',
         "suppliers.csv, line 2: a cell is longer than 131,072 characters"),
    ],
    ids=["a long line", "a million columns", "a thousand columns", "a million empty lines",
         "a million Windows empty lines", "a long name", "a cell over many lines"],
)  # fmt: skip
def test_hostile_csv_files_are_refused(client, link, content, message):
    assert_refused(client, link, content, "suppliers.csv", message, memory=True)


def test_empty_rows_are_skipped_and_do_not_count_as_suppliers(client, link):
    content = (
        CSV_HEADER + b"Acme Buttons,1 Road,UK\n" + b",,\n" * 30_000 + b"Tiny Tools,2 Road,UK\n"
    )

    response = post(client, link, content, "suppliers.csv")

    assert response.status_code == 303
    assert list(ScreeningRun.objects.get().results.values_list("row_number", flat=True)) == [
        2, 30_003,
    ]  # fmt: skip


# Time


def test_reading_stops_when_the_time_is_up(client, link, monkeypatch):
    """The clock is read as each line and row is read: one that moves a second each time it is
    read stops the file within a few rows."""
    seconds = iter(range(1_000_000))
    monkeypatch.setattr(supplier_files, "monotonic", lambda: next(seconds))
    content = CSV_HEADER + b"Acme Buttons,1 Road,UK\n" * 1_000

    assert_refused(client, link, content, "suppliers.csv",
                   "suppliers.csv took more than 10 seconds to read")  # fmt: skip
    assert next(seconds) < 30
