"""The .xlsx renderer shared by every list export (conventions §10): a title row, the date the
list is exact for, a bold header, then rows; dates as real dates shown dd/mm/yyyy."""

import datetime as dt
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    heading = WriteOnlyCell(sheet, value=title)
    heading.font = Font(bold=True, size=13)
    sheet.append([heading])
    sheet.append([f"Số liệu tại ngày {as_of:%d/%m/%Y}"])
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, dt.date):
                cell.number_format = "dd/mm/yyyy"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def response(content: bytes, filename: str) -> HttpResponse:
    reply = HttpResponse(content, content_type=XLSX)
    reply["Content-Disposition"] = f'attachment; filename="{filename}"'
    return reply
