"""Importers for Parliament data: one base class fixes the steps, small subclasses read each source.

Steps: check the input, stream its rows, turn each into a record (or refuse the file, naming the
line), write in batches, and report counts. The whole import is one transaction: a refused file
leaves the database as it was. Writing is an upsert, so importing the same file twice changes
nothing. The postcode importer, with 2.7 million rows, keeps the steps but writes through the
database's bulk loader instead of the ORM.
"""

import csv
import io
import json
import re
import zipfile
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import partial
from itertools import chain, islice
from pathlib import Path

from django.db import IntegrityError, connection, transaction

from actionhub.core.text import counted
from actionhub.parliament.models import MP, NATIONS, Constituency, Postcode
from actionhub.parliament.postcodes import normalise_postcode

GSS_CODE = re.compile(r"^[ENSW]\d{8}$")


class ImportRefused(Exception):
    def __init__(self, where: str, problem: str):
        self.where, self.problem = where, problem
        super().__init__(f"{where}: {problem}")


@dataclass
class ImportReport:
    read: int = 0
    written: int = 0
    skipped: int = 0
    before: int = 0
    after: int = 0

    def __str__(self):
        created = self.after - self.before
        return (
            f"{counted(self.read, 'row')} read; {created:,} created, "
            f"{self.written - created:,} updated or unchanged, {self.skipped:,} skipped."
        )


class Importer(ABC):
    model = None
    unique_fields: list[str] = []
    update_fields: list[str] = []
    batch_size = 5000
    required_columns: set[str] = set()

    def __init__(self, path: str | Path):
        self.path = Path(path)

    @abstractmethod
    def rows(self) -> Iterator[tuple[str, dict]]:
        """Each row of the input, with where it is (file and line) for messages."""

    @abstractmethod
    def record(self, where: str, row: dict):
        """The model instance for a row, None to skip it, or raise ImportRefused."""

    def prepare(self) -> None:  # noqa: B027  (optional: most importers need nothing first)
        """Work to do inside the transaction before the first row is written."""

    def run(self) -> ImportReport:
        if not self.path.is_file():
            raise ImportRefused(str(self.path), "no such file")
        report = ImportReport()
        try:
            return self._run(report)
        except IntegrityError as error:
            raise ImportRefused(
                self.path.name, f"rows that contradict each other ({error})"
            ) from None

    def _run(self, report: ImportReport) -> ImportReport:
        with transaction.atomic():
            report.before = self.model.objects.count()
            self.prepare()
            batch = []
            for where, row in self.rows():
                report.read += 1
                instance = self.record(where, row)
                if instance is None:
                    report.skipped += 1
                    continue
                batch.append(instance)
                if len(batch) >= self.batch_size:
                    report.written += self._write(batch)
                    batch = []
            report.written += self._write(batch)
            if report.read == 0:
                raise ImportRefused(self.path.name, "has no rows")
            report.after = self.model.objects.count()
        return report

    def _write(self, batch) -> int:
        if batch:
            self.model.objects.bulk_create(
                batch,
                update_conflicts=True,
                unique_fields=self.unique_fields,
                update_fields=self.update_fields,
            )
        return len(batch)

    def csv_rows(self, stream) -> Iterator[tuple[str, dict]]:
        reader = csv.DictReader(stream)
        with self.reading(reader):
            self.check_columns(reader.fieldnames)
            for row in reader:
                yield f"{self.path.name}, line {reader.line_num}", row

    def check_columns(self, header: list[str] | None) -> None:
        missing = self.required_columns - set(header or [])
        if missing:
            raise ImportRefused(
                f"{self.path.name}, line 1", f"missing column(s): {', '.join(sorted(missing))}"
            )

    @contextmanager
    def reading(self, reader):
        """Refuse text that is not UTF-8, or not CSV, naming the line the CSV reader was on."""
        try:
            yield
        except UnicodeDecodeError as error:
            raise ImportRefused(
                f"{self.path.name}, line {reader.line_num + 1}",
                f"is not UTF-8 text ({error.reason})",
            ) from None
        except csv.Error as error:
            where = f"{self.path.name}, line {reader.line_num + 1}"
            raise ImportRefused(where, str(error)) from None


def _text_stream(binary) -> io.TextIOWrapper:
    return io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")


class ConstituencyImporter(Importer):
    """Open Innovations' HexJSON of the 2024 constituencies.

    The ONS has re-issued the codes of a few constituencies since the HexJSON was drawn; where a
    constituency of the same name is already known under another code (from the MPs or the
    postcode directory, which are newer), that code is kept and the hex position added to it.
    """

    model = Constituency
    unique_fields = ["gss_code"]
    update_fields = ["name", "nation", "hex_q", "hex_r"]

    def prepare(self):
        self.known = dict(Constituency.objects.values_list("gss_code", "name"))
        self.code_by_name = {name.casefold(): code for code, name in self.known.items()}

    def rows(self):
        try:
            data = json.loads(self.path.read_text(encoding="utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ImportRefused(self.path.name, f"is not HexJSON: {error}") from None
        hexes = data.get("hexes") if isinstance(data, dict) else None
        if not isinstance(hexes, dict):
            raise ImportRefused(self.path.name, 'is not HexJSON: it has no "hexes"')
        for code, hexagon in hexes.items():
            yield f"{self.path.name}, hex {code}", {"code": code, **(hexagon or {})}

    def record(self, where, row):
        code, name = row["code"], str(row.get("n", "")).strip()
        if not GSS_CODE.fullmatch(code):
            raise ImportRefused(where, f"{code!r} is not a constituency's GSS code")
        if not name:
            raise ImportRefused(where, "has no name (n)")
        q, r = row.get("q"), row.get("r")
        if not isinstance(q, int) or not isinstance(r, int):
            raise ImportRefused(where, "needs whole-number q and r positions")
        if code not in self.known:
            code = self.code_by_name.get(name.casefold(), code)
        return Constituency(
            gss_code=code, name=name[:100], nation=NATIONS[code[0]], hex_q=q, hex_r=r
        )


class _MPImporter(Importer):
    model = MP
    unique_fields = ["member_id"]
    update_fields = ["name", "party", "email", "constituency", "since"]

    def prepare(self):
        self.constituencies = dict(Constituency.objects.values_list("gss_code", "pk"))
        self.by_name = {
            name.casefold(): pk for pk, name in Constituency.objects.values_list("pk", "name")
        }
        # A seat changes hands at elections and by-elections: nobody keeps an old seat.
        MP.objects.update(constituency=None)
        if not self.constituencies:
            raise ImportRefused(self.path.name, "import the constituencies first")

    def mp(self, where, *, member_id, name, party, email, constituency_id, since=None):
        try:
            member_id = int(member_id)
        except (TypeError, ValueError):
            raise ImportRefused(where, f"member id {member_id!r} is not a number") from None
        if not str(name or "").strip():
            raise ImportRefused(where, "has no name")
        email = (email or "").strip()
        if "@" not in email:
            email = ""  # sources write placeholders such as "No email found": the MP has none
        elif not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
            raise ImportRefused(where, f"{email!r} is not an email address")
        return MP(
            member_id=member_id,
            name=str(name).strip()[:150],
            party=str(party or "").strip()[:100],
            email=email,
            constituency_id=constituency_id,
            since=since,
        )


class MPCsvImporter(_MPImporter):
    """A CSV with pcon_code, member_id, display_as, party_text and member_email."""

    required_columns = {"pcon_code", "member_id", "display_as", "party_text", "member_email"}

    def rows(self):
        with self.path.open("rb") as binary:
            yield from self.csv_rows(_text_stream(binary))

    def record(self, where, row):
        code = (row.get("pcon_code") or "").strip()
        if code not in self.constituencies:
            code = self._recoded(where, code, (row.get("pcon_name") or "").strip())
        return self.mp(
            where,
            member_id=row.get("member_id"),
            name=row.get("display_as"),
            party=row.get("party_text"),
            email=row.get("member_email"),
            constituency_id=self.constituencies[code],
        )

    def _recoded(self, where, code, name) -> str:
        """A constituency the ONS has given a new code: known by name, it takes the new code."""
        pk = self.by_name.get(name.casefold()) if name and GSS_CODE.fullmatch(code) else None
        if pk is None:
            raise ImportRefused(
                where, f"constituency {code!r} is not in the imported constituencies"
            )
        Constituency.objects.filter(pk=pk).update(gss_code=code)
        self.constituencies = {k: v for k, v in self.constituencies.items() if v != pk}
        self.constituencies[code] = pk
        return code


class MPMembersApiImporter(_MPImporter):
    """Pages of the Parliament Members API's /api/Members/Search, as JSON."""

    def rows(self):
        try:
            data = json.loads(self.path.read_text(encoding="utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ImportRefused(self.path.name, f"is not Members API JSON: {error}") from None
        pages = data if isinstance(data, list) else [data]
        for page_number, page in enumerate(pages, start=1):
            items = page.get("items") if isinstance(page, dict) else None
            if not isinstance(items, list):
                raise ImportRefused(f"{self.path.name}, page {page_number}", 'has no "items" list')
            for index, item in enumerate(items, start=1):
                value = item.get("value") if isinstance(item, dict) else None
                if not isinstance(value, dict):
                    raise ImportRefused(f"{self.path.name}, item {index}", 'has no "value"')
                yield f"{self.path.name}, page {page_number}, item {index}", value

    def record(self, where, value):
        membership = value.get("latestHouseMembership") or {}
        if membership.get("house") not in (None, 1) or membership.get("membershipEndDate"):
            return None  # a Lord, or someone no longer an MP
        seat = str(membership.get("membershipFrom") or "").strip()
        constituency_id = self.by_name.get(seat.casefold())
        if constituency_id is None:
            raise ImportRefused(
                where, f"constituency {seat!r} is not in the imported constituencies"
            )
        since = membership.get("membershipStartDate")
        try:
            since = date.fromisoformat(since[:10]) if since else None
        except ValueError:
            raise ImportRefused(where, f"start date {since!r} is not a date") from None
        return self.mp(
            where,
            member_id=value.get("id"),
            name=value.get("nameDisplayAs"),
            party=(value.get("latestParty") or {}).get("name", ""),
            email="",
            constituency_id=constituency_id,
            since=since,
        )


class PostcodeImporter(Importer):
    """An ONS Postcode Directory (ONSPD) or NSPL file, CSV or zipped: columns pcds, doterm, pcon.

    The directory has about 2.7 million rows, so this importer does not write through the ORM:
    it streams the checked rows to the database's own loader (see the writers below), refuses
    the file if a postcode is on two lines, and changes only the postcodes that differ. Other
    databases than PostgreSQL and SQLite take the base class's path (bulk upserts).
    """

    model = Postcode
    unique_fields = ["postcode"]
    update_fields = ["constituency", "terminated"]
    required_columns = {"pcds", "doterm", "pcon"}

    def prepare(self):
        self.constituencies = dict(Constituency.objects.values_list("gss_code", "pk"))

    @contextmanager
    def open_csv(self) -> Iterator[io.TextIOWrapper]:
        """The CSV as text: the file itself, or the largest CSV in a zip (its Data folder's)."""
        if zipfile.is_zipfile(self.path):
            with zipfile.ZipFile(self.path) as archive:
                names = [
                    n
                    for n in archive.namelist()
                    if n.lower().endswith(".csv") and "/data/" in f"/{n.lower()}"
                ]
                names = names or [n for n in archive.namelist() if n.lower().endswith(".csv")]
                if not names:
                    raise ImportRefused(self.path.name, "holds no CSV file")
                largest = max(names, key=lambda n: archive.getinfo(n).file_size)
                with archive.open(largest) as binary:
                    yield _text_stream(binary)
        else:
            with self.path.open("rb") as binary:
                yield _text_stream(binary)

    def rows(self):
        with self.open_csv() as stream:
            yield from self.csv_rows(stream)

    def record(self, where, row):
        postcode = normalise_postcode(row.get("pcds") or "")
        if not postcode:
            raise ImportRefused(where, f"{row.get('pcds')!r} is not a UK postcode")
        return Postcode(
            postcode=postcode,
            constituency_id=self.constituencies.get((row.get("pcon") or "").strip()),
            terminated=bool((row.get("doterm") or "").strip()),
        )

    def checked_rows(self, report: ImportReport) -> Iterator[tuple[str, int | None, bool, int]]:
        """(postcode, constituency id, terminated, line) for each row, as `record` reads it.

        A row whose pcds is already in the standard form (as in the ONS files: "SW1A 1AA")
        takes the fast path; any other row goes through `record`, which normalises or refuses.
        """
        with self.open_csv() as stream:
            reader = csv.reader(stream)
            with self.reading(reader):
                header = next(reader, None)
                self.check_columns(header)
                # The last column of a name, as csv.DictReader (and so `record`) would read it.
                pcds, doterm, pcon = (
                    max(i for i, name in enumerate(header) if name == column)
                    for column in ("pcds", "doterm", "pcon")
                )
                width = max(pcds, doterm, pcon) + 1
                standard, constituency = STANDARD_POSTCODE.fullmatch, self.constituencies.get
                read = 0
                for row in reader:
                    if len(row) >= width and standard(row[pcds]):
                        yield (
                            row[pcds],
                            constituency(row[pcon].strip()),
                            bool(row[doterm].strip()),
                            reader.line_num,
                        )
                    elif not row:
                        continue  # a blank line, skipped as csv.DictReader skips it
                    else:
                        where = f"{self.path.name}, line {reader.line_num}"
                        postcode = self.record(where, dict(zip(header, row, strict=False)))
                        yield (
                            postcode.postcode,
                            postcode.constituency_id,
                            postcode.terminated,
                            reader.line_num,
                        )
                    read += 1
                report.read = read

    def _run(self, report: ImportReport) -> ImportReport:
        writer = _WRITERS.get(connection.vendor)
        if writer is None:
            return super()._run(report)  # the ORM's bulk upserts
        with transaction.atomic(), connection.cursor() as cursor:
            writer = writer(cursor)
            writer.lock()
            report.before = Postcode.objects.count()
            self.prepare()
            duplicate = writer.load(partial(self.checked_rows, report))
            if report.read == 0:
                raise ImportRefused(self.path.name, "has no rows")
            if duplicate:
                postcode, first_line, line = duplicate
                raise ImportRefused(
                    f"{self.path.name}, line {line}",
                    f"postcode {postcode} is also on line {first_line}",
                )
            writer.merge()
            report.written = report.read - report.skipped
            report.after = Postcode.objects.count()
        return report


STANDARD_POSTCODE = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}")  # as normalise_postcode
Duplicate = tuple[str, int, int]  # a postcode, the line it is first on, and the line it is on again


class _PostgresWriter:
    """COPY: straight into the table when it is empty, else into a staging table from which
    one UPDATE changes the postcodes that differ and one INSERT adds the new ones."""

    # Other writers of postcodes wait until the import commits, so the table stays as the
    # writer found it (empty, or not); lookups (readers) do not wait.
    LOCK = "LOCK TABLE parliament_postcode IN SHARE ROW EXCLUSIVE MODE"
    IS_EMPTY = "SELECT NOT EXISTS (SELECT FROM parliament_postcode)"
    COPY_INTO_TABLE = "COPY parliament_postcode (postcode, constituency_id, terminated) FROM STDIN"
    CREATE_STAGING = """
        CREATE TEMPORARY TABLE postcode_import
        (postcode text, constituency_id bigint, terminated boolean, line integer) ON COMMIT DROP
    """
    COPY_INTO_STAGING = (
        "COPY postcode_import (postcode, constituency_id, terminated, line) FROM STDIN"
    )
    FIRST_DUPLICATE = """
        SELECT postcode, first_line, line FROM (
            SELECT postcode, line, min(line) OVER (PARTITION BY postcode) AS first_line
            FROM postcode_import
        ) AS staged WHERE line > first_line ORDER BY line LIMIT 1
    """
    UPDATE = """
        UPDATE parliament_postcode AS p
        SET constituency_id = i.constituency_id, terminated = i.terminated
        FROM postcode_import AS i
        WHERE p.postcode = i.postcode
        AND (p.constituency_id, p.terminated) IS DISTINCT FROM (i.constituency_id, i.terminated)
    """
    INSERT = """
        INSERT INTO parliament_postcode (postcode, constituency_id, terminated)
        SELECT postcode, constituency_id, terminated FROM postcode_import AS i
        WHERE NOT EXISTS (SELECT FROM parliament_postcode AS p WHERE p.postcode = i.postcode)
    """

    def __init__(self, cursor):
        self.cursor = cursor
        self.staged = False

    def lock(self):
        self.cursor.execute(self.LOCK)

    def load(self, rows: Callable[[], Iterable[tuple]]) -> Duplicate | None:
        """Load the rows (`rows()` reads the file); return the first duplicate, if any."""
        self.cursor.execute(self.IS_EMPTY)
        if self.cursor.fetchone()[0]:
            # Nothing to merge with: the table's indexes do their work while Python reads on.
            try:
                with transaction.atomic():
                    self._copy(self.COPY_INTO_TABLE, (row[:3] for row in rows()))
                return None
            except IntegrityError:
                pass  # a postcode on two lines: staging the rows finds the lines
        self.staged = True
        self.cursor.execute(self.CREATE_STAGING)
        self._copy(self.COPY_INTO_STAGING, rows())
        try:
            with transaction.atomic():
                self.cursor.execute("CREATE UNIQUE INDEX ON postcode_import (postcode)")
        except IntegrityError:
            self.cursor.execute(self.FIRST_DUPLICATE)
            return self.cursor.fetchone()
        return None

    def _copy(self, statement, rows):
        with connection.wrap_database_errors, self.cursor.copy(statement) as copy:
            write_row = copy.write_row
            for row in rows:
                write_row(row)

    def merge(self):
        if self.staged:
            self.cursor.execute(self.UPDATE)
            self.cursor.execute(self.INSERT)
            self.cursor.execute("DROP TABLE postcode_import")


class _SqliteWriter:
    """Many rows a statement into a staging table keyed by postcode, then one INSERT ... SELECT
    ... ON CONFLICT, which reads the staging table in postcode order.

    The transaction already holds SQLite's write lock. A larger page cache while the merge runs
    keeps the indexes' pages in memory.
    """

    rows_per_statement = 50
    batch_size = 5000
    cache_kib = 32 * 1024
    CREATE_STAGING = """
        CREATE TEMPORARY TABLE postcode_import (
            postcode TEXT PRIMARY KEY, constituency_id INTEGER, terminated INTEGER, line INTEGER
        ) WITHOUT ROWID
    """
    INSERT_ONE = "INSERT INTO postcode_import VALUES (%s, %s, %s, %s)"
    INSERT_MANY = "INSERT INTO postcode_import VALUES " + ", ".join(  # noqa: S608  (constant)
        ["(%s, %s, %s, %s)"] * rows_per_statement
    )
    STAGED_LINE = "SELECT line FROM postcode_import WHERE postcode = %s"
    MERGE = """
        INSERT INTO parliament_postcode (postcode, constituency_id, terminated)
        SELECT postcode, constituency_id, terminated FROM postcode_import WHERE true
        ON CONFLICT (postcode) DO UPDATE
        SET constituency_id = excluded.constituency_id, terminated = excluded.terminated
        WHERE (parliament_postcode.constituency_id, parliament_postcode.terminated)
        IS NOT (excluded.constituency_id, excluded.terminated)
    """

    def __init__(self, cursor):
        self.cursor = cursor

    def lock(self):
        pass

    def load(self, rows: Callable[[], Iterable[tuple]]) -> Duplicate | None:
        """Load the rows (`rows()` reads the file); return the first duplicate, if any."""
        self.cursor.execute(self.CREATE_STAGING)
        rows = iter(rows())
        while batch := list(islice(rows, self.batch_size)):
            try:
                self._insert(batch)
            except IntegrityError:
                duplicate = self._duplicate(batch)
                if duplicate is None:
                    raise
                deque(rows, maxlen=0)  # read on: a bad row anywhere is refused first
                return duplicate
        return None

    def _insert(self, batch):
        # SQLite's cost per statement is most of the cost of a row this small.
        n = self.rows_per_statement
        whole = len(batch) - len(batch) % n
        statements = [list(chain.from_iterable(batch[i : i + n])) for i in range(0, whole, n)]
        self.cursor.executemany(self.INSERT_MANY, statements)
        self.cursor.executemany(self.INSERT_ONE, batch[whole:])

    def _duplicate(self, batch) -> Duplicate | None:
        """The first row of the batch whose postcode is on an earlier line, staged or not."""
        first_lines = {}
        for postcode, _, _, line in batch:
            self.cursor.execute(self.STAGED_LINE, [postcode])
            staged = self.cursor.fetchone()
            first_line = first_lines.setdefault(postcode, staged[0] if staged else line)
            if first_line != line:
                return postcode, first_line, line
        return None

    def merge(self):
        self.cursor.execute("PRAGMA cache_size")
        (cache_size,) = self.cursor.fetchone()
        self.cursor.execute(f"PRAGMA cache_size = -{self.cache_kib:d}")
        try:
            self.cursor.execute(self.MERGE)
        finally:
            self.cursor.execute(f"PRAGMA cache_size = {cache_size:d}")
        self.cursor.execute("DROP TABLE temp.postcode_import")


_WRITERS = {"postgresql": _PostgresWriter, "sqlite": _SqliteWriter}
