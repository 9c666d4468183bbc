"""Reading the spreadsheets people send (XLSX or CSV), defensively, into plain rows.

An .xlsx is a zip of XML parts. Before openpyxl sees one, every part's declared size is
checked against a limit and every part is inflated once, counting, so a zip bomb (a small file
that inflates hugely, or one whose parts lie about their size) is refused before parsing.
openpyxl parses the XML through defusedxml (entity expansion, external entities refused) and,
in read-only mode, streams the sheets instead of building them in memory. Nothing here touches
the database: it runs in a worker thread.
"""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from services.errors import Invalid

MAX_FILE_BYTES = 10 * 1024 * 1024  # what a coordinator may send
MAX_PARTS = 500  # parts inside one .xlsx
MAX_PART_BYTES = 64 * 1024 * 1024  # one inflated part (a sheet of 50,000 rows is ~15 MB)
MAX_SHARED_STRINGS_BYTES = 16 * 1024 * 1024  # openpyxl keeps every shared string in memory
MAX_TOTAL_BYTES = 128 * 1024 * 1024  # all inflated parts together
MAX_ROWS = 50_000  # data rows in one file, all sheets together
MAX_COLUMNS = 40
READ_CHUNK = 1024 * 1024

XLSX_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv", ".txt")
OLD_EXCEL_SUFFIXES = (".xls", ".ods", ".numbers")

Cell = Any  # str, int, float, bool, datetime, date, time or None, as the file holds it


@dataclass
class Sheet:
    """One table: its name (the sheet's, or the CSV file's), header and data rows.

    `rows` keeps the row number a spreadsheet program shows next to each row.
    """

    name: str
    header: list[str]
    rows: list[tuple[int, list[Cell]]] = field(default_factory=list)
    from_csv: bool = False


def read_file(filename: str, data: bytes) -> list[Sheet]:
    """The tables in a file, or Invalid naming what is wrong with the file as a whole."""
    suffix = PurePath(filename.lower()).suffix
    if len(data) > MAX_FILE_BYTES:
        raise Invalid("import-error-file-too-big", mb=MAX_FILE_BYTES // (1024 * 1024))
    if suffix in OLD_EXCEL_SUFFIXES:
        raise Invalid("import-error-old-format")
    if suffix not in XLSX_SUFFIXES + CSV_SUFFIXES:
        raise Invalid("import-error-not-spreadsheet")
    if not data.strip():
        raise Invalid("import-error-empty-file")
    if suffix in XLSX_SUFFIXES:
        sheets = _read_xlsx(data)
    else:
        sheets = [_read_csv(PurePath(filename).stem, data)]
    if not any(sheet.rows for sheet in sheets):
        raise Invalid("import-error-no-rows")
    return sheets


# --- XLSX -------------------------------------------------------------------------------------


def check_zip(data: bytes) -> None:
    """Refuse an archive whose parts are too many, too big, or not what they claim to be."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise Invalid("import-error-damaged") from exc
    with archive:
        parts = archive.infolist()
        if not parts or len(parts) > MAX_PARTS:
            raise Invalid("import-error-damaged")
        declared = 0
        for part in parts:
            limit = (
                MAX_SHARED_STRINGS_BYTES
                if part.filename.lower().endswith("sharedstrings.xml")
                else MAX_PART_BYTES
            )
            if part.file_size > limit:
                raise Invalid("import-error-hostile")
            declared += part.file_size
        if declared > MAX_TOTAL_BYTES:
            raise Invalid("import-error-hostile")
        # The declared sizes may lie: inflate every part once and count. zipfile stops at the
        # declared size and then finds the checksum wrong, so this ends early on a liar.
        for part in parts:
            actual = 0
            try:
                with archive.open(part) as stream:
                    while chunk := stream.read(READ_CHUNK):
                        actual += len(chunk)
                        if actual > part.file_size:
                            raise Invalid("import-error-hostile")
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError) as exc:
                raise Invalid("import-error-damaged") from exc
            if actual != part.file_size:
                raise Invalid("import-error-damaged")


def _read_xlsx(data: bytes) -> list[Sheet]:
    check_zip(data)
    # Imported here: only the processes that read spreadsheets pay for openpyxl.
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True, keep_links=False
        )
    except Exception as exc:  # openpyxl and defusedxml raise many kinds for a broken file
        raise Invalid("import-error-damaged") from exc
    sheets = []
    total = 0
    try:
        for worksheet in workbook.worksheets:
            sheet = Sheet(str(worksheet.title), [])
            for number, values in enumerate(worksheet.iter_rows(min_row=1, values_only=True), 1):
                cells = _trim(list(values))
                if number == 1:
                    sheet.header = _header(cells)
                    continue
                if not cells:
                    continue
                total += 1
                _check_size(total, cells)
                sheet.rows.append((number, cells))
            sheets.append(sheet)
    except Invalid:
        raise
    except Exception as exc:  # a sheet that breaks halfway through
        raise Invalid("import-error-damaged") from exc
    finally:
        workbook.close()
    return sheets


def _check_size(rows: int, cells: list[Cell]) -> None:
    if rows > MAX_ROWS:
        raise Invalid("import-error-too-many-rows", max=MAX_ROWS)
    if len(cells) > MAX_COLUMNS:
        raise Invalid("import-error-too-many-columns", max=MAX_COLUMNS)


def _trim(cells: list[Cell]) -> list[Cell]:
    """A row without its empty cells at the end; blank strings count as empty."""
    cleaned = [None if isinstance(c, str) and not c.strip() else c for c in cells]
    while cleaned and cleaned[-1] is None:
        cleaned.pop()
    return cleaned


def _header(cells: list[Cell]) -> list[str]:
    if len(cells) > MAX_COLUMNS:
        raise Invalid("import-error-too-many-columns", max=MAX_COLUMNS)
    return ["" if c is None else str(c).strip().lower() for c in cells]


# --- CSV --------------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise Invalid("import-error-not-spreadsheet")  # a binary file with a .csv name
    try:
        return data.decode("utf_8_sig")
    except UnicodeDecodeError:
        # Excel in Russia saves CSV in Windows-1251.
        return data.decode("cp1251", errors="replace")


def _delimiter(first_line: str) -> str:
    """Excel writes ';' where the decimal separator is a comma (Russian settings)."""
    counts = {d: first_line.count(d) for d in (";", ",", "\t")}
    return max(counts, key=lambda d: counts[d])


def _read_csv(stem: str, data: bytes) -> Sheet:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    sheet: Sheet | None = None
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
        for number, values in enumerate(reader, 1):
            cells = _trim(list(values))
            if sheet is None:
                sheet = Sheet(stem, _header(cells), from_csv=True)
                continue
            if not cells:
                continue
            if len(sheet.rows) >= MAX_ROWS:
                raise Invalid("import-error-too-many-rows", max=MAX_ROWS)
            if len(cells) > MAX_COLUMNS:
                raise Invalid("import-error-too-many-columns", max=MAX_COLUMNS)
            sheet.rows.append((number, cells))
    except csv.Error as exc:
        raise Invalid("import-error-damaged") from exc
    return sheet or Sheet(stem, [], from_csv=True)
