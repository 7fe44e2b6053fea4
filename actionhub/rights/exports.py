"""An inventory as files to keep: one JSON document, or a zip of one CSV file per section.

Both hold exactly what the page shows, in the same words (`rights.inventory`).
"""

import csv
import io
import json
import zipfile

from actionhub.pledges.operations import spreadsheet_safe
from actionhub.rights.inventory import DELETED_LABEL, Inventory, Section

ITEM_LABEL = "Item"


def inventory_json(inventory: Inventory) -> bytes:
    return json.dumps(inventory.as_dict(), ensure_ascii=False, indent=2).encode()


def section_rows(section: Section) -> list[list[str]]:
    """A header (every label any item has, in the order they first come) and one row per item."""
    labels: list[str] = []
    for item in section.items:
        labels.extend(label for label, _ in item.fields if label not in labels)
    rows = [[ITEM_LABEL, *labels, DELETED_LABEL]]
    for item in section.items:
        values = dict(item.fields)
        rows.append([item.title, *(values.get(label, "") for label in labels), item.deleted])
    return rows


def section_csv(section: Section) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in section_rows(section):
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return out.getvalue()


def csv_name(number: int, section: Section) -> str:
    return f"{number:02d}-{section.key}.csv"


def inventory_csv_zip(inventory: Inventory) -> bytes:
    """A zip of one CSV per section (UTF-8 with a byte-order mark, so spreadsheets read the
    letters right), and a note of what it is."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "README.txt",
            f"Everything held about {inventory.email}, as of {inventory.made_at} (UK time).\n"
            "One file for each part of the page, in the same words.\n",
        )
        for number, section in enumerate(inventory.sections, start=1):
            archive.writestr(csv_name(number, section), "\ufeff" + section_csv(section))
    return buffer.getvalue()


# Each way to download an inventory: its content type, file extension, maker and name in words.
# The supporter's page, the worker and the console all offer these, and only these.
FORMATS = {
    "json": ("application/json", "json", inventory_json, "JSON"),
    "csv": ("application/zip", "zip", inventory_csv_zip, "CSV files"),
}
