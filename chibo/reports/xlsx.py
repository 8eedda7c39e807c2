"""The .xlsx renderer shared by every list export (conventions §10): a title row, the date the
list is exact for, a bold header, then rows; dates as real dates shown dd/mm/yyyy.

Every chibo .xlsx goes through ``cell`` (issue 10): text is always written as text, so a name
typed as ``=HYPERLINK(…)`` never becomes a live formula in the reader's Excel."""

import datetime as dt
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What spreadsheet programs read as the start of a formula (or of a DDE call) when a person
# edits or re-saves the cell.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(sheet, value) -> WriteOnlyCell:
    """A cell for ``value``: numbers and dates keep their type; a string is a text cell, never
    a formula or an error code, and one that starts like a formula also gets Excel's quote
    prefix, so editing it in Excel keeps it text. The text itself is unchanged."""
    result = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        # openpyxl infers a formula from a leading "=" and an error from "#N/A" and the like.
        result.data_type = "s"
        if value.startswith(FORMULA_START):
            result.quotePrefix = True
    elif isinstance(value, dt.date):
        result.number_format = "dd/mm/yyyy"
    return result


def render(
    *, title: str, as_of: dt.date, headers: Sequence[str], rows: Iterable[Sequence]
) -> bytes:
    book = Workbook(write_only=True)
    # Excel forbids []:*?/\ in sheet names and caps them at 31 characters.
    sheet = book.create_sheet(title="".join(c for c in title if c not in "[]:*?/\\")[:31])
    for index, header in enumerate(headers):
        sheet.column_dimensions[get_column_letter(index + 1)].width = max(
            10, min(40, len(header) + 6)
        )
    bold = Font(bold=True)
    heading = cell(sheet, title)
    heading.font = Font(bold=True, size=13)
    sheet.append([heading])
    sheet.append([cell(sheet, f"Số liệu tại ngày {as_of:%d/%m/%Y}")])
    header_cells = []
    for header in headers:
        header_cell = cell(sheet, header)
        header_cell.font = bold
        header_cells.append(header_cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def response(content: bytes, filename: str) -> HttpResponse:
    reply = HttpResponse(content, content_type=XLSX)
    reply["Content-Disposition"] = f'attachment; filename="{filename}"'
    return reply
