"""Spreadsheet files: reading an uploaded CSV or XLSX into rows, writing exports without holding them
in memory, and neutralising formulas. The widgets that read and write single cells are
core.sheet_cells'; what every import does with its rows is core.sheet_import's.

Reading is defensive, because the file comes from outside: size, row and column caps, a ZIP whose
content would unpack to more than a cap is refused before openpyxl opens it, and every refusal is a
`Refused` (core.errors) with a message for the person who uploaded it.
"""

import csv
import datetime
import io
import itertools
import re
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import tablib
from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.writer.excel import ExcelWriter

from .errors import Refused

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 60
# Rows of a sheet looked at: data may sit below some blank rows, but not below this.
MAX_SHEET_ROWS = 4 * MAX_ROWS
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
EXPORT_CHUNK = 500
SPOOL_BYTES = 2 * 1024 * 1024
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A text a spreadsheet would read as a formula (or a DDE command) when the CSV is opened.
CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# XLSX exports: number formats, column widths (in characters) and how many rows they are measured on.
RUPIAH_FORMAT = '"Rp" #,##0'
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
MIN_WIDTH = 8
MAX_WIDTH = 50
WIDTH_SAMPLE = 1000
# A template's dropdown lists: on a hidden sheet, referenced by range (a label may hold a comma).
LISTS_SHEET = "Daftar"


@dataclass
class Table:
    """The first sheet of a file: its header row and its non-blank rows, each with the row number
    the spreadsheet shows."""

    headers: list
    rows: list[list]
    numbers: list[int]


def read_table(name: str, data: bytes) -> Table:
    if not data:
        raise Refused(_("Berkas kosong."))
    if len(data) > MAX_UPLOAD_BYTES:
        raise Refused(_("Berkas lebih besar dari 5 MB. Bagi datanya menjadi beberapa berkas."))
    suffix = Path(name or "").suffix.lower()
    if suffix == ".xlsx":
        rows = _xlsx_rows(data)
    elif suffix == ".csv":
        rows = _csv_rows(data)
    elif suffix in (".xls", ".ods", ".xlsm", ".numbers"):
        raise Refused(
            _("Format %(suffix)s tidak didukung. Simpan ulang sebagai Excel (.xlsx) atau CSV.")
            % {"suffix": suffix}
        )
    else:
        raise Refused(_("Unggah berkas Excel (.xlsx) atau CSV (.csv)."))
    headers, table_rows, numbers = None, [], []
    for number, values in rows:
        if not any(_filled(value) for value in values):
            continue
        if headers is None:
            headers = values
            continue
        if len(table_rows) == MAX_ROWS:
            raise Refused(
                _("Berkas berisi lebih dari %(max)s baris data. Bagi menjadi beberapa berkas.")
                % {"max": f"{MAX_ROWS:,}".replace(",", ".")}
            )
        table_rows.append(values)
        numbers.append(number)
    if headers is None:
        raise Refused(_("Berkas kosong."))
    if not table_rows:
        raise Refused(_("Berkas tidak berisi baris data di bawah baris judul kolom."))
    return Table(headers=headers, rows=table_rows, numbers=numbers)


def _filled(value) -> bool:
    return value is not None and (not isinstance(value, str) or value.strip() != "")


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list]]:
    if not data.startswith(b"PK\x03\x04"):
        raise Refused(_("Berkas ini bukan berkas Excel .xlsx yang sah."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as error:
        raise Refused(_("Berkas ini bukan berkas Excel .xlsx yang sah.")) from error
    if unpacked > MAX_UNPACKED_BYTES:
        raise Refused(_("Isi berkas Excel ini terlalu besar. Bagi datanya menjadi beberapa berkas."))
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds for a damaged or foreign file
        raise Refused(_("Berkas Excel ini tidak dapat dibaca. Simpan ulang sebagai .xlsx.")) from error
    try:
        if not workbook.worksheets:
            raise Refused(_("Berkas kosong."))
        sheet = workbook.worksheets[0]
        if (sheet.max_row or 0) > MAX_SHEET_ROWS:
            raise Refused(
                _("Lembar kerja terlalu panjang. Satu berkas memuat paling banyak %(max)s baris data.")
                % {"max": f"{MAX_ROWS:,}".replace(",", ".")}
            )
        rows = sheet.iter_rows(max_row=MAX_SHEET_ROWS, max_col=MAX_COLUMNS)
        for number, cells in enumerate(rows, start=1):
            yield number, [_xlsx_value(cell) for cell in cells]
    except Refused:
        raise
    except Exception as error:
        raise Refused(_("Berkas Excel ini tidak dapat dibaca. Simpan ulang sebagai .xlsx.")) from error
    finally:
        workbook.close()


def _xlsx_value(cell):
    value = cell.value
    if cell.data_type == "f" and isinstance(value, str) and not value.startswith("="):
        value = "=" + value  # a formula is refused on import whatever openpyxl made of it
    if isinstance(value, float) and value.is_integer() and abs(value) < 10**15:
        return int(value)
    if isinstance(value, datetime.datetime):
        return value.date() if value.time() == datetime.time() else value
    return value


def _csv_rows(data: bytes) -> Iterator[tuple[int, list]]:
    if data.startswith(b"PK\x03\x04") or b"\x00" in data[:8192]:
        raise Refused(_("Berkas ini bukan CSV. Bila ini berkas Excel, unggah sebagai .xlsx."))
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise Refused(_("Berkas CSV ini tidak dapat dibaca. Simpan sebagai CSV UTF-8."))
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    # Indonesian Excel writes CSV with ";" (the comma is the decimal separator); others with ",".
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    try:
        for number, values in enumerate(reader, start=1):
            if number > MAX_SHEET_ROWS:
                raise Refused(
                    _("Berkas berisi lebih dari %(max)s baris data. Bagi menjadi beberapa berkas.")
                    % {"max": f"{MAX_ROWS:,}".replace(",", ".")}
                )
            yield number, values[:MAX_COLUMNS]
    except csv.Error as error:
        raise Refused(_("Berkas CSV rusak di sekitar baris %(row)s.") % {"row": number + 1}) from error


def normalise_header(header) -> str:
    text = "" if header is None else str(header)
    return " ".join(text.replace("*", " ").split()).strip(" :").casefold()


def table_dataset(table: Table, headers: list[str], required: list[str]) -> tuple[tablib.Dataset, list[str]]:
    """The table's columns under the resource's headers (matched whatever the case and spacing), and
    the headers it ignored. Refused when a required column is missing or a column comes twice."""
    known = {normalise_header(header): header for header in headers}
    positions: dict[str, int] = {}
    ignored = []
    for index, header in enumerate(table.headers):
        key = normalise_header(header)
        if not key:
            continue
        column = known.get(key)
        if column is None:
            ignored.append(str(header).strip())
        elif column in positions:
            raise Refused(_("Kolom “%(column)s” muncul dua kali.") % {"column": column})
        else:
            positions[column] = index
    missing = [column for column in required if column not in positions]
    if missing:
        raise Refused(
            ngettext(
                "Kolom %(columns)s tidak ada. Gunakan judul kolom dari templat.",
                "Kolom berikut tidak ada: %(columns)s. Gunakan judul kolom dari templat.",
                len(missing),
            )
            % {"columns": ", ".join(f"“{column}”" for column in missing)}
        )
    dataset = tablib.Dataset(headers=list(positions))
    for values in table.rows:
        dataset.append([values[i] if i < len(values) else None for i in positions.values()])
    return dataset, ignored


# --- writing -------------------------------------------------------------------------------------------


# Where a spreadsheet may start a cell inside one CSV field: Excel in an Indonesian (or any European)
# locale splits lines on ";" whatever the file's separator, an import wizard may split on "," or tabs,
# and a line break starts a row. Such a place followed (after spaces or quotes, which Excel skips) by
# a formula trigger gets an apostrophe; a sign standing alone ("Rp 5.000,-", "-") is no formula.
_CELL_BREAKS = ",;\t\r\n"
_TRIGGERS = re.escape("".join(CSV_TRIGGERS))
_FORMULA_START = re.compile(
    rf"(^|[{_CELL_BREAKS}])"
    rf"(?=[ \"]*[{_TRIGGERS}])"
    rf"(?![ \"]*[+\-][ \"]*(?:$|[{_CELL_BREAKS}]))"
)


def neutralise_formulas(text: str) -> str:
    """The text with an apostrophe before every part a spreadsheet could read as a formula."""
    return _FORMULA_START.sub(lambda match: match.group(1) + "'", text)


# A mobile number as stored (+62 and digits only), e.g. +6281234567890.
_STORED_PHONE = re.compile(r"\+62(\d{7,13})")


class PhoneNumber(str):
    """A WhatsApp number as stored (+62…), marked by the widget that exports it so that a CSV writes
    it in national format (see csv_cell). An XLSX keeps +62…, in a text cell."""


class Rupiah(int):
    """An amount in Rupiah, marked by the widget that exports it so that an XLSX shows it as Rupiah."""


def national_phone(number: str) -> str:
    """+6281234567890 as 0812-3456-7890: the way Indonesians write a mobile number.

    In a CSV, "+62…" starts with a formula trigger and would need the apostrophe, which Excel and
    LibreOffice show as part of the number; "+62 812-…" still starts with "+" (Excel reads it as a
    formula). The national form starts with a digit, so nothing neutralises it, and its dashes keep a
    spreadsheet from reading it as a number (which would drop the leading 0). The import reads it
    back as the same +62… number (products.validators.normalise_whatsapp). Anything else starting
    with + - = @ is still neutralised."""
    match = _STORED_PHONE.fullmatch(number)
    if match is None:
        return number
    digits = "0" + match.group(1)
    head, rest = digits[:4], digits[4:]
    if len(rest) <= 4:
        return f"{head}-{rest}"
    return f"{head}-{rest[:-4]}-{rest[-4:]}"


def csv_cell(value) -> str:
    """A value as CSV text; a text a spreadsheet would evaluate, as a whole or once the line is split
    on another separator, gets an apostrophe there (see _FORMULA_START). A WhatsApp number is written
    in national format (national_phone), which needs no apostrophe."""
    if value is None:
        return ""
    if isinstance(value, PhoneNumber):
        value = national_phone(str(value))
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        return neutralise_formulas(value)
    return str(value)


def xlsx_cell(sheet, value):
    """A value for a write-only sheet; a text is always written as text, never as a formula."""
    if isinstance(value, str):
        text = ILLEGAL_CHARACTERS_RE.sub("", value)[:32767]
        if text.lstrip(' "').startswith(CSV_TRIGGERS) or text in ERROR_CODES:
            cell = WriteOnlyCell(sheet, text)
            cell.data_type = "s"
            # Excel's hidden apostrophe: the cell stays text even after someone edits it.
            cell.quotePrefix = True
            return cell
        return text
    if isinstance(value, Rupiah):
        cell = WriteOnlyCell(sheet, int(value))
        cell.number_format = RUPIAH_FORMAT
        return cell
    if isinstance(value, datetime.datetime):
        cell = WriteOnlyCell(sheet, value.replace(tzinfo=None))
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = DATE_FORMAT
        return cell
    if isinstance(value, int | Decimal) or value is None:
        return value
    return str(value)


def _shown_length(value) -> int:
    """About how many characters a cell shows: what its column's width is measured from."""
    if value is None:
        return 0
    if isinstance(value, Rupiah):
        return len(f"Rp {int(value):,}")
    if isinstance(value, datetime.datetime):
        return 16
    if isinstance(value, datetime.date):
        return 10
    return max((len(line) for line in str(value).splitlines()), default=0)


def column_widths(headers: list[str], rows: list[list]) -> list[float]:
    """Each column's width from its longest value (header included), between MIN and MAX_WIDTH."""
    widths = [len(str(header)) + 4 for header in headers]  # the header's room for the filter button
    for row in rows:
        for index, value in enumerate(row[: len(widths)]):
            widths[index] = max(widths[index], _shown_length(value) + 2)
    return [max(MIN_WIDTH, min(MAX_WIDTH, width)) for width in widths]


class _Echo:
    def write(self, value: str) -> str:
        return value


def stream_csv(headers: list[str], rows: Iterable[list], filename: str) -> StreamingHttpResponse:
    """A CSV (UTF-8 with a byte order mark, so Excel reads it right) sent while the rows are read."""

    def lines() -> Iterator[str]:
        writer = csv.writer(_Echo())
        batch = ["\ufeff" + writer.writerow(headers)]
        for row in rows:
            batch.append(writer.writerow([csv_cell(value) for value in row]))
            if len(batch) >= EXPORT_CHUNK:
                yield "".join(batch)
                batch = []
        yield "".join(batch)

    response = StreamingHttpResponse(lines(), content_type=CSV_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def xlsx_response(
    headers: list[str],
    rows: Iterable[list],
    filename: str,
    title: str,
    extra_sheets: Iterable = (),
    choices: dict[str, list[str]] | None = None,
) -> FileResponse:
    """An XLSX written row by row (openpyxl's write-only mode keeps rows on disk) into a temporary
    file, then sent from it. `extra_sheets` are (title, rows) written after the data; `choices` give
    a column (by header) a dropdown of the values it takes (a template's coded columns)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    lists = [(headers.index(header), values) for header, values in (choices or {}).items() if values]
    # A write-only sheet writes its columns with the first row: the widths are measured on the first
    # WIDTH_SAMPLE rows, held until then, not on the whole export.
    rows = iter(rows)
    sample = list(itertools.islice(rows, WIDTH_SAMPLE))
    sheet.freeze_panes = "A2"
    for index, width in enumerate(column_widths(headers, sample), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, header)
        cell.font = Font(bold=True)
        header_cells.append(cell)
    sheet.append(header_cells)
    last_row = 1
    for row in itertools.chain(sample, rows):
        sheet.append([xlsx_cell(sheet, value) for value in row])
        last_row += 1
    if headers:  # written when the sheet is closed, so it can cover every row
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{last_row}"
    for extra_title, extra_rows in extra_sheets:
        extra = workbook.create_sheet(extra_title[:31])
        extra.column_dimensions["A"].width = 32
        extra.column_dimensions["B"].width = 12
        extra.column_dimensions["C"].width = 90
        for row in extra_rows:
            extra.append([xlsx_cell(extra, value) for value in row])
    if lists:
        _dropdowns(workbook, sheet, lists)
    output = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (FileResponse closes it)
    # Dated to the day, not the second (as workbook.save would): the same content gives the same
    # bytes, so a HEAD and a GET of one file agree on its length.
    day = datetime.datetime.combine(datetime.date.today(), datetime.time())
    workbook.properties.created = workbook.properties.modified = day
    ExcelWriter(workbook, zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED, allowZip64=True)).save()
    output.seek(0)
    return FileResponse(output, as_attachment=True, filename=filename, content_type=XLSX_TYPE)


def _dropdowns(workbook, sheet, lists: list[tuple[int, list[str]]]) -> None:
    """Each list in a column of a hidden sheet, and a dropdown on its column of the data sheet (down
    to the most rows a file may hold). A value outside the list is warned about, not refused: a
    code or an English label is read as well."""
    hidden = workbook.create_sheet(LISTS_SHEET)
    hidden.sheet_state = "hidden"
    for values in itertools.zip_longest(*(values for _index, values in lists)):
        hidden.append([xlsx_cell(hidden, value) for value in values])
    for number, (index, values) in enumerate(lists, start=1):
        source = get_column_letter(number)
        validation = DataValidation(
            type="list",
            formula1=f"{quote_sheetname(LISTS_SHEET)}!${source}$1:${source}${len(values)}",
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
            error=_("Pilih salah satu nilai dari daftar."),
        )
        target = get_column_letter(index + 1)
        validation.add(f"{target}2:{target}{MAX_ROWS + 1}")
        sheet.data_validations.append(validation)


def export_rows(resource, queryset: QuerySet) -> Iterator[list]:
    """The resource's columns for each object, reading the queryset in chunks: the prefetches of a
    chunk are one query each, so the number of queries does not grow with the rows."""
    for obj in queryset.iterator(chunk_size=EXPORT_CHUNK):
        yield resource.export_resource(obj)
