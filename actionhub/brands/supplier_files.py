"""Reading an uploaded spreadsheet (CSV or an Excel workbook), within limits.

Supplier lists are read here, and so are the brand lists and entity lists organisers import
(`table_read` gives the rows of any of them; `suppliers_read` the suppliers of a list).

A file is bounded by what it expands to, not only by its size: a 10 MB workbook is a zip that
can unpack to gigabytes, and a sheet can declare a million rows it does not hold. So the
workbook's parts are checked in the zip directory before any is read, and everything is
counted while it is read: bytes unpacked, rows (empty ones too), cells, characters of text and
seconds. A file over a limit is refused at that point, whole, with a message that says which
limit and what to do; nothing is saved from it.

Workbooks are read here rather than with openpyxl, whose reader pads every row to the sheet's
declared width and holds any text whole: only the parts a list needs are read (the package and
workbook relationships, the workbook, the shared text and the first worksheet), each streamed
through expat with document type declarations refused, so no entity can be defined.
"""

import csv
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass
from time import monotonic
from xml.parsers import expat

COLUMNS = ("name", "address", "country")
FORMULA_STARTS = ("=",)

MAX_BYTES = 10 * 1024 * 1024  # the upload itself
MAX_SUPPLIERS = 20_000  # rows with a supplier; empty rows are skipped, not counted here
MAX_ROWS = 50_000  # rows read, empty ones and the header included
MAX_COLUMNS = 200  # cells in one row
MAX_CELLS = 1_000_000  # cells in the file (and distinct texts in a workbook)
MAX_CELL_CHARS = 5_000  # one name, address or country; of other cells no more is kept
MAX_TEXT_CHARS = 20_000_000  # text in the cells kept, shared text counted at each use
MAX_LINE_CHARS = 100_000  # one line of a CSV file
MAX_PARTS = 1_000  # parts (zip members) of a workbook
MAX_PART_BYTES = 50 * 1024 * 1024  # one part, unpacked: as the zip directory says, and as read
MAX_RATIO = 100  # how many times its packed size a part over RATIO_FROM_BYTES may unpack to
RATIO_FROM_BYTES = 1024 * 1024
MAX_TOKEN_BYTES = 1024 * 1024  # XML unpacked that expat must hold whole (one huge tag)
READ_SECONDS = 10  # reading the file, wall-clock: checked every row and every 64 KB unpacked
CHUNK_BYTES = 64 * 1024
EXCEL_ROWS = 1_048_576
EXCEL_COLUMNS = 16_384


NUMBER_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven"}


class UploadRefused(Exception):
    """The upload cannot be read; the message says why and where."""


@dataclass(frozen=True)
class Wording:
    """How a refusal names the kind of file and the columns read from it."""

    a_list: str  # "a supplier list"
    columns: tuple[str, ...]  # the columns read, in the order they are named
    needs: str  # what the largest file of the kind holds: "a list of 20,000 suppliers"
    can_split: bool = True  # False where two files are not the same as one (an entity list)

    @property
    def columns_read(self) -> str:
        *others, last = self.columns
        return f"{', '.join(others)} and {last}" if others else last

    @property
    def those(self) -> str:
        return f"those {NUMBER_WORDS.get(len(self.columns), 'columns')}"

    def advice(self, split: str, whole: str) -> str:
        """What to do about a file over a limit: split it, where the kind allows that."""
        return split if self.can_split else whole


SUPPLIER_LIST = Wording(
    a_list="a supplier list",
    columns=COLUMNS,
    needs=f"a list of {MAX_SUPPLIERS:,} suppliers",
)


@dataclass(frozen=True)
class Supplier:
    row_number: int
    name: str
    address: str
    country: str


def suppliers_read(*, data: bytes, filename: str) -> list[Supplier]:
    """The rows of a CSV or Excel (.xlsx) file with the columns name, address and country."""
    if not data.strip():
        raise UploadRefused(f"{filename} is empty.")
    return _suppliers(table_read(data=data, filename=filename, wording=SUPPLIER_LIST), filename)


def is_workbook(*, data: bytes, filename: str) -> bool:
    return filename.lower().endswith(".xlsx") or zipfile.is_zipfile(io.BytesIO(data))


def table_read(*, data: bytes, filename: str, wording: Wording):
    """(row number, cells) for each row of a CSV or Excel (.xlsx) file, the header first,
    read within the limits; an UploadRefused as soon as one is passed."""
    if len(data) > MAX_BYTES:
        raise UploadRefused(
            f"{filename} is larger than 10 MB. "
            + wording.advice(
                "Split it into smaller files.",
                f"That is far more than {wording.needs} holds: check that it is the right file.",
            )
        )
    budget = _Budget(filename, wording)
    if is_workbook(data=data, filename=filename):
        return _xlsx_rows(data, budget)
    if filename.lower().endswith((".csv", ".txt")):
        return _csv_rows(data, budget)
    raise UploadRefused(f"{filename}: upload a CSV file or an Excel workbook (.xlsx).")


class _Budget:
    """What reading one file has cost so far; each method refuses the file over a limit."""

    def __init__(self, filename: str, wording: Wording = SUPPLIER_LIST):
        self.filename, self.wording = filename, wording
        self.deadline = monotonic() + READ_SECONDS
        self.rows = self.cells = self.text = 0

    def check_time(self):
        if monotonic() > self.deadline:
            raise UploadRefused(
                f"{self.filename} took more than {READ_SECONDS} seconds to read. "
                + self.wording.advice(
                    "Split it into smaller files, remove empty rows and the columns you do not "
                    "need, and upload them one at a time.",
                    "Remove empty rows and the columns you do not need, and upload it again.",
                )
            )

    def check_columns(self, number: int, cells: int):
        if cells > MAX_COLUMNS:
            raise UploadRefused(
                f"{self.filename}, line {number}: more than {MAX_COLUMNS} columns. Only "
                f"{self.wording.columns_read} are read: delete the other columns (or copy "
                f"{self.wording.those} into a new file) and upload it again."
            )

    def count_row(self, values: list[str], cells: int):
        self.rows += 1
        if self.rows > MAX_ROWS:
            raise UploadRefused(
                f"{self.filename} has more than {MAX_ROWS:,} rows, counting empty ones. "
                + self.wording.advice(
                    "Remove the empty rows, or split the file, and upload it again.",
                    "Remove the empty rows and upload it again.",
                )
            )
        self.cells += cells
        if self.cells > MAX_CELLS:
            raise UploadRefused(_too_many_cells(self.filename, self.wording))
        self.text += sum(map(len, values))
        if self.text > MAX_TEXT_CHARS:
            raise UploadRefused(
                f"{self.filename} holds more than {MAX_TEXT_CHARS:,} characters of text. "
                + self.wording.advice(
                    "Delete the columns you do not need, or split the file, and upload it again.",
                    "Delete the columns you do not need and upload it again.",
                )
            )
        self.check_time()


def _too_many_cells(filename: str, wording: Wording) -> str:
    return (
        f"{filename} has more than {MAX_CELLS:,} cells. Only {wording.columns_read} are read: "
        + wording.advice(
            "delete the other columns, or split the file, and upload it again.",
            "delete the other columns and upload it again.",
        )
    )


def _csv_rows(data: bytes, budget: _Budget):
    filename = budget.filename
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise UploadRefused(
            f"{filename}, line {line}: this is not UTF-8 text. In Excel, choose "
            "“Save as… CSV UTF-8”, or upload the .xlsx file."
        ) from None
    # Strict: a quotation mark left open would otherwise swallow every later line into one
    # cell, and suppliers after it would be missed without a word.
    reader = csv.reader(_csv_lines(text, budget), strict=True)
    ended = 0  # the line the last row ended on
    try:
        for number, row in enumerate(reader, 1):
            budget.check_columns(number, len(row))
            budget.count_row(row, len(row))
            ended = reader.line_num
            yield number, row
    except csv.Error as error:
        message = _csv_error_message(str(error), filename, ended, reader.line_num)
        raise UploadRefused(message) from None


def _csv_error_message(error: str, filename: str, ended: int, reached: int) -> str:
    """Python's csv error in plain words, with the line: its own words never reach the page."""
    if "field limit" in error:  # a quoted cell over many lines
        return (
            f"{filename}, line {ended + 1}: a cell is longer than "
            f"{csv.field_size_limit():,} characters. Shorten it and upload again."
        )
    if "end of data" in error:  # a quotation mark opened and never closed
        return (
            f'{filename}, line {ended + 1}: a quotation mark (") opens a cell and is never '
            "closed, so the rest of the file would be read as that one cell. Close it, or delete "
            "it, and upload the file again."
        )
    return (
        f'{filename}, line {max(reached, ended + 1)}: the quotation marks (") do not follow the '
        "rules of a CSV file. A cell in quotation marks must end with one, followed by a comma "
        'or the end of the line, and a quotation mark inside a cell is written twice (""). '
        "Correct the line, or save the file from your spreadsheet as “CSV UTF-8”, and upload it "
        "again."
    )


def _csv_lines(text: str, budget: _Budget):
    """The file's lines (any line ending), none so long that the csv module splits it into
    millions of cells before the columns can be counted."""
    for number, line in enumerate(io.StringIO(text, newline=""), 1):
        if len(line) > MAX_LINE_CHARS:
            raise UploadRefused(
                f"{budget.filename}, line {number} is longer than {MAX_LINE_CHARS:,} characters. "
                "Delete the columns you do not need, or shorten the text, and upload it again."
            )
        budget.check_time()
        yield line


def _suppliers(rows, filename: str) -> list[Supplier]:
    rows = iter(rows)
    try:
        first, header = next(rows)
    except StopIteration:
        raise UploadRefused(f"{filename} is empty.") from None
    names = [cell.strip().lower() for cell in header]
    missing = [column for column in COLUMNS if column not in names]
    if missing:
        raise UploadRefused(
            f"{filename}, line {first}: missing column(s): {', '.join(missing)}. The first row "
            "must name the columns: name, address, country."
        )
    where = {column: names.index(column) for column in COLUMNS}
    suppliers = []
    for number, row in rows:
        cells = {column: _cell(row, index) for column, index in where.items()}
        if not any(cells.values()):
            continue
        for column, value in cells.items():
            if len(value) > MAX_CELL_CHARS:
                raise UploadRefused(
                    f"{filename}, line {number}: the {column} is longer than "
                    f"{MAX_CELL_CHARS:,} characters. Shorten it and upload again."
                )
            if value.startswith(FORMULA_STARTS):
                raise UploadRefused(
                    f"{filename}, line {number}: the {column} starts with “=”, which a "
                    "spreadsheet would run as a formula. Remove it and upload again."
                )
        if not cells["name"]:
            raise UploadRefused(f"{filename}, line {number}: the name is empty.")
        if len(suppliers) >= MAX_SUPPLIERS:
            raise UploadRefused(
                f"{filename} has more than {MAX_SUPPLIERS:,} suppliers. Screen at most "
                f"{MAX_SUPPLIERS:,} at a time: split the file."
            )
        suppliers.append(Supplier(number, cells["name"][:500], cells["address"][:1000],
                                  cells["country"][:100]))  # fmt: skip
    if not suppliers:
        raise UploadRefused(f"{filename} has no suppliers under its header row.")
    return suppliers


# Control characters (a NUL, Excel's vertical tab for a line break in a cell): a name never
# means them, and PostgreSQL cannot store a NUL in text. They become spaces.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _cell(row: list[str], index: int) -> str:
    if index >= len(row) or not row[index]:
        return ""
    return cell_text(row[index])


def cell_text(value: str) -> str:
    """A cell as it is kept: control characters as spaces, spaces tidied."""
    return " ".join(CONTROL_CHARACTERS.sub(" ", value).split())


# Excel workbooks


def _xlsx_rows(data: bytes, budget: _Budget):
    filename = budget.filename
    # Each member has an entry in the zip directory that starts with this signature: counting
    # them bounds the directory zipfile reads, and the memory it takes, before it reads it.
    if data.count(b"PK\x01\x02") > MAX_PARTS:
        raise UploadRefused(
            f"{filename} has more than {MAX_PARTS:,} parts, far more than a workbook has. "
            "Open it in Excel, save it as “CSV UTF-8”, and upload that."
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception:  # noqa: BLE001  (zipfile raises many kinds for a broken file)
        raise UploadRefused(_unreadable(filename)) from None
    with archive:
        _check_parts(archive, budget)
        try:
            sheet, shared = _workbook_parts(archive, budget)
        except UploadRefused:
            raise
        except Exception:  # noqa: BLE001  (a broken package fails in many ways)
            raise UploadRefused(_unreadable(filename)) from None
        try:
            texts = _shared_texts(archive, shared, budget) if shared else []
            yield from _sheet_rows(archive, sheet, texts, budget)
        except UploadRefused:
            raise
        except Exception:  # noqa: BLE001  (a damaged sheet fails in many ways while it is read)
            raise UploadRefused(
                f"{filename} is damaged: open it in Excel, save it, and try again."
            ) from None


def _unreadable(filename: str) -> str:
    return f"{filename} is not an Excel workbook we can read (.xlsx)."


def _check_parts(archive: zipfile.ZipFile, budget: _Budget):
    """Refuse a workbook by what its zip directory says its parts unpack to, before reading."""
    filename, wording = budget.filename, budget.wording
    for part in archive.infolist():
        if part.file_size > MAX_PART_BYTES:
            raise UploadRefused(
                f"{filename} unpacks to more than {MAX_PART_BYTES // 1024 // 1024} MB in one "
                f"part, more than {wording.needs} needs. "
                + wording.advice(
                    "Split the list into smaller files and upload them one at a time.",
                    "Check that it is the right file.",
                )
            )
        if part.file_size > RATIO_FROM_BYTES and part.file_size > MAX_RATIO * part.compress_size:
            raise UploadRefused(
                f"{filename} unpacks to more than {MAX_RATIO} times its size, which "
                f"{wording.a_list} does not: it may be damaged or made to overload the site. If "
                "it is a real list, open it in Excel, save it as “CSV UTF-8”, and upload that."
            )


def _workbook_parts(archive, budget) -> tuple[str, str | None]:
    """The first worksheet's part and the shared text's, found through the relationships."""
    package = _relationships(archive, "_rels/.rels", budget)
    workbook = next(target for kind, _, target in package if kind == "officeDocument")
    folder, name = posixpath.split(workbook)
    related = _relationships(archive, posixpath.join(folder, "_rels", f"{name}.rels"), budget)
    worksheets = {id_: target for kind, id_, target in related if kind == "worksheet"}
    shared = next((target for kind, _, target in related if kind == "sharedStrings"), None)
    order = [_attribute(sheet, "id") for sheet in _elements(archive, workbook, "sheet", budget)]
    sheet = next(worksheets[id_] for id_ in order if id_ in worksheets)
    return sheet, shared


def _relationships(archive, part: str, budget) -> list[tuple[str, str, str]]:
    """(kind, id, part) of each relationship in a .rels part; kind is the type's last word."""
    source_folder = posixpath.dirname(posixpath.dirname(part))
    found = []
    for relationship in _elements(archive, part, "Relationship", budget):
        if relationship.get("TargetMode") == "External":
            continue
        target = relationship["Target"]
        target = target[1:] if target.startswith("/") else posixpath.join(source_folder, target)
        kind = relationship.get("Type", "").rpartition("/")[2]
        found.append((kind, relationship.get("Id"), posixpath.normpath(target)))
    return found


def _attribute(attributes: dict, name: str) -> str | None:
    """An attribute whatever its namespace (r:id is written with more than one)."""
    return next((value for key, value in attributes.items() if _local(key) == name), None)


def _local(name: str) -> str:
    """An element's name without its namespace (expat gives "namespace name")."""
    return name.rpartition(" ")[2]


def _elements(archive, part: str, wanted: str, budget) -> list[dict]:
    """The attributes of each element called `wanted` in a small part."""
    found = []

    def start(name, attributes):
        if _local(name) == wanted:
            if len(found) >= MAX_PARTS:
                raise ValueError(f"{part}: more {wanted} elements than a workbook has")
            found.append(attributes)

    for _ in _parse(archive, part, budget, start=start):
        pass
    return found


def _parse(archive, part: str, budget: _Budget, *, start, end=None, text=None):
    """Feed one part to expat as it unpacks, yielding after each piece.

    It counts the bytes unpacked (so a zip header that understates a part's size cannot make it
    read more), checks the time, refuses a document type declaration (so no entity is ever
    defined, let alone expanded), and any tag so long that expat would hold megabytes of it.
    """
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = _no_document_type
    parser.EntityDeclHandler = _no_document_type
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    info = archive.getinfo(part)
    allowed = min(info.file_size, MAX_PART_BYTES)
    unpacked = 0
    with archive.open(info) as stream:
        while chunk := stream.read(CHUNK_BYTES):
            unpacked += len(chunk)
            if unpacked > allowed:
                raise ValueError(f"{part} unpacks to more than its zip directory says")
            budget.check_time()
            parser.Parse(chunk, False)
            if unpacked - parser.CurrentByteIndex > MAX_TOKEN_BYTES:
                raise ValueError(f"{part} has a tag longer than {MAX_TOKEN_BYTES:,} bytes")
            yield
    parser.Parse(b"", True)
    yield


def _no_document_type(*_):
    raise ValueError("a workbook part has a document type declaration")


class _Text:
    """Text gathered from expat's pieces, keeping no more than a cell may hold and one
    character more (so that too long can be told)."""

    def __init__(self):
        self.pieces, self.length = [], 0

    def add(self, data: str):
        if self.length <= MAX_CELL_CHARS:
            piece = data[: MAX_CELL_CHARS + 1 - self.length]
            self.pieces.append(piece)
            self.length += len(piece)

    def value(self) -> str:
        return "".join(self.pieces)


class _SharedTexts:
    """The workbook's shared text: each <si>'s <t> text, phonetic readings (<rPh>) left out."""

    def __init__(self, budget: _Budget):
        self.budget = budget
        self.texts = []
        self.text = None
        self.in_text = self.phonetic = False

    def start(self, name, attributes):
        name = _local(name)
        if name == "si":
            if len(self.texts) >= MAX_CELLS:
                raise UploadRefused(_too_many_cells(self.budget.filename, self.budget.wording))
            self.text = _Text()
        elif name == "t":
            self.in_text = not self.phonetic
        elif name == "rPh":
            self.phonetic = True

    def end(self, name):
        name = _local(name)
        if name == "si" and self.text is not None:
            self.texts.append(self.text.value())
            self.text = None
        elif name == "t":
            self.in_text = False
        elif name == "rPh":
            self.phonetic = False

    def characters(self, data):
        if self.in_text and self.text is not None:
            self.text.add(data)


def _shared_texts(archive, part: str, budget: _Budget) -> list[str]:
    reader = _SharedTexts(budget)
    for _ in _parse(archive, part, budget, start=reader.start, end=reader.end,
                    text=reader.characters):  # fmt: skip
        pass
    return reader.texts


_REFERENCE = re.compile(r"([A-Z]{1,3})[0-9]{1,7}")


class _SheetReader:
    """A worksheet's rows from expat's events.

    The sheet's declared dimension is ignored: only the rows and cells written in it are read,
    each where its reference puts it (or after the one before), so a sheet that declares
    A1:XFD1048576 and holds one row costs one row. Cells past column MAX_COLUMNS are counted
    but not kept.
    """

    def __init__(self, texts: list[str], budget: _Budget):
        self.texts, self.budget = texts, budget
        self.rows = []  # rows read and not yet handed on
        self.number = 0
        self.values = None  # the row being read
        self.cells = self.column = 0
        self.kind = self.reference = self.text = None  # the cell being read
        self.in_text = self.inline = self.phonetic = False

    def start(self, name, attributes):
        name = _local(name)
        if name == "row":
            self.number = int(attributes.get("r") or self.number + 1)
            if not 1 <= self.number <= EXCEL_ROWS:
                raise ValueError(f"row {self.number} is outside a sheet")
            self.values, self.cells, self.column = [], 0, 0
        elif name == "c" and self.values is not None:
            self.cells += 1
            self.budget.check_columns(self.number, self.cells)
            self.reference = attributes.get("r")
            self.column = _column(self.reference) if self.reference else self.column + 1
            self.kind, self.text = attributes.get("t", "n"), _Text()
        elif name == "f" and self.text is not None:
            where = self.reference or f"in column {self.column} of row {self.number}"
            raise UploadRefused(
                f"{self.budget.filename}, cell {where}: holds a formula. Turn the formulas into "
                "values (copy, then paste as values) and upload it again."
            )
        elif name == "is":
            self.inline = True
        elif name == "rPh":
            self.phonetic = True
        elif name == "v" or (name == "t" and self.inline):
            self.in_text = not self.phonetic

    def end(self, name):
        name = _local(name)
        if name in ("v", "t"):
            self.in_text = False
        elif name == "is":
            self.inline = False
        elif name == "rPh":
            self.phonetic = False
        elif name == "c" and self.text is not None:
            if self.column <= MAX_COLUMNS:
                self._keep(self._value(self.kind, self.text.value()))
            self.text = None
        elif name == "row" and self.values is not None:
            self.budget.count_row(self.values, self.cells)
            self.rows.append((self.number, self.values))
            self.values = None

    def characters(self, data):
        if self.in_text and self.text is not None:
            self.text.add(data)

    def _value(self, kind: str, raw: str) -> str:
        """The cell as text, as openpyxl gives it (numbers as Python writes them)."""
        if not raw:
            return ""
        if kind == "s":
            index = int(raw)
            if not 0 <= index < len(self.texts):
                raise ValueError(f"shared text {index} does not exist")
            return self.texts[index]
        if kind == "b":
            return str(bool(int(raw)))
        if kind == "n":
            return str(float(raw) if any(c in raw for c in ".Ee") else int(raw))
        return raw  # inline text, a formula's text, an error such as #N/A, an ISO date

    def _keep(self, value: str):
        if self.column > len(self.values):
            self.values.extend([""] * (self.column - len(self.values)))
        self.values[self.column - 1] = value


def _column(reference: str) -> int:
    """The column number of a cell reference: A1 is 1, XFD1 is 16,384."""
    match = _REFERENCE.fullmatch(reference)
    if not match:
        raise ValueError(f"{reference} is not a cell reference")
    column = 0
    for letter in match.group(1):
        column = column * 26 + ord(letter) - ord("A") + 1
    if column > EXCEL_COLUMNS:
        raise ValueError(f"cell {reference} is outside a sheet")
    return column


def _sheet_rows(archive, part: str, texts: list[str], budget: _Budget):
    """The rows of the sheet, handed on as each piece of it is read."""
    reader = _SheetReader(texts, budget)
    for _ in _parse(archive, part, budget, start=reader.start, end=reader.end,
                    text=reader.characters):  # fmt: skip
        yield from reader.rows
        reader.rows.clear()
