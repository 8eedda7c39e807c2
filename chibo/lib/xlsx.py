"""The one .xlsx writer of chibo (issue 14, item 4): every list, board and annex goes through
it, so every file prints and filters the same way.

Each sheet has title rows (the title, the date the figures are exact for, optional lines
such as "Kèm theo Báo cáo số …"), a bold header row, then the rows; the header is frozen
and carries an auto filter; column widths are fitted to the content (bounded, so one long
name does not push the rest off the page); printing is A4 landscape, fitted to the page
width, with the title and header rows repeated on every page. Numbers and dates are typed
cells with a number format; a column marked ``total`` is summed in a last, bold row.

The workbook is written in openpyxl's write-only mode: rows are streamed, so a list of
120,000 members does not sit in memory as cells. Widths must be written before the first
row, so they are fitted on the first ``SAMPLE`` rows (buffered) and the rest only streams.

Text is always a text cell (issue 10): a name typed as ``=HYPERLINK(…)`` never becomes a
live formula in the reader's spreadsheet, and one that starts like a formula also gets
Excel's quote prefix so editing it keeps it text.
"""

import datetime as dt
import io
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What spreadsheet programs read as the start of a formula (or of a DDE call) when a person
# edits or re-saves the cell.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# Number formats. The reader's locale chooses the separators: "#,##0" shows 1.234 in a
# Vietnamese Excel or LibreOffice.
TEXT = "@"
DATE = "dd/mm/yyyy"
MONTH = "mm/yyyy"
INTEGER = "#,##0"
DECIMAL = "#,##0.0"
PERCENT = "0%"

# Width bounds in characters: narrow enough that A4 landscape fitted to width stays legible,
# wide enough for "Chi bộ Công an thị trấn Tân An" (issue 14: 12 wide cut every name).
MIN_WIDTH = 5
MAX_WIDTH = 48
SAMPLE = 1000  # rows buffered to fit the widths; later rows only stream
TOTAL_LABEL = "Tổng cộng"
WRAP_TOP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class Column:
    """One column: its header, its number format (``None``: text or general) and whether
    its values add up to something meaningful (then the last row holds the sum)."""

    header: str
    format: str | None = None
    total: bool = False
    width: int | None = None  # fixed width; ``None``: fitted to the content


def cell(sheet, value: Any, number_format: str | None = None) -> WriteOnlyCell:
    """A cell for ``value``: numbers and dates keep their type (with ``number_format``, or
    dd/mm/yyyy for a date); a string is a text cell, never a formula or an error code."""
    result = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        # openpyxl infers a formula from a leading "=" and an error from "#N/A" and the like.
        result.data_type = "s"
        if value.startswith(FORMULA_START):
            result.quotePrefix = True
        if "\n" in value:  # a list in one cell (warnings) reads line by line
            result.alignment = WRAP_TOP
    elif isinstance(value, bool):
        pass  # a yes/no stays a boolean cell
    elif isinstance(value, dt.date | int | float):
        if number_format is not None and number_format != TEXT:
            result.number_format = number_format
        elif isinstance(value, dt.date):
            result.number_format = DATE
    return result


def _shown_length(value: Any, number_format: str | None) -> int:
    """About how many characters the cell shows (what its width must hold)."""
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 7 if number_format == MONTH else 10
    if isinstance(value, float) and number_format == PERCENT:
        return 5
    if isinstance(value, int | float) and not isinstance(value, bool):
        text = f"{value:,.1f}" if isinstance(value, float) else f"{value:,}"
        return len(text)
    # The longest line of a multi-line text.
    return max((len(line) for line in str(value).splitlines()), default=0)


def fitted_widths(columns: Sequence[Column], rows: Iterable[Sequence]) -> list[int]:
    """Each column's width from its header's longest word (headers wrap) and its values,
    bounded by ``MIN_WIDTH`` and ``MAX_WIDTH``."""
    widest = [max((len(w) for w in c.header.split()), default=0) for c in columns]
    for row in rows:
        for index, (column, value) in enumerate(zip(columns, row, strict=False)):
            widest[index] = max(widest[index], _shown_length(value, column.format))
    return [
        c.width if c.width is not None else max(MIN_WIDTH, min(MAX_WIDTH, w + 2))
        for c, w in zip(columns, widest, strict=True)
    ]


def _sheet_name(title: str, taken: set[str]) -> str:
    # Excel forbids []:*?/\ in sheet names, caps them at 31 characters, and wants them unique.
    base = "".join(c for c in title if c not in "[]:*?/\\")[:31] or "Sheet"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    return name


class Book:
    """A workbook of one or more sheets, written in write-only mode."""

    def __init__(self) -> None:
        self.workbook = Workbook(write_only=True)
        self._names: set[str] = set()

    def sheet(
        self,
        *,
        title: str,
        as_of: dt.date | None,
        columns: Sequence[Column | str],
        rows: Iterable[Sequence],
        lines: Sequence[str] = (),
        name: str | None = None,
    ) -> dict[str, int | float]:
        """Write one sheet; return the totals written (header → sum) for the caller's use. A
        plain string as a column is a text column with that header."""
        columns = [c if isinstance(c, Column) else Column(c) for c in columns]
        sheet_name = _sheet_name(name or title, self._names)
        self._names.add(sheet_name.lower())
        sheet = self.workbook.create_sheet(title=sheet_name)
        rows = iter(rows)
        head = list(itertools.islice(rows, SAMPLE))
        for index, width in enumerate(fitted_widths(columns, head), start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width

        top = [title, *([f"Số liệu tại ngày {as_of:%d/%m/%Y}"] if as_of else []), *lines]
        header_row = len(top) + 1
        last_col = get_column_letter(len(columns))
        sheet.freeze_panes = f"A{header_row + 1}"
        sheet.print_title_rows = f"1:{header_row}"
        sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        sheet.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0  # as many pages down as the rows need
        sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        sheet.print_options.horizontalCentered = True
        sheet.page_margins.left = sheet.page_margins.right = 0.4
        sheet.page_margins.top = sheet.page_margins.bottom = 0.5
        # "Trang 2/5" at the foot of every printed page.
        sheet.oddFooter.center.text = "Trang &P/&N"

        for index, text in enumerate(top):
            line = cell(sheet, text)
            line.font = Font(bold=True, size=13) if index == 0 else Font(italic=True)
            sheet.append([line])
        bold_wrapped = Font(bold=True)
        wrap = Alignment(wrap_text=True, vertical="center", horizontal="center")
        headers = []
        for column in columns:
            header = cell(sheet, column.header)
            header.font, header.alignment = bold_wrapped, wrap
            headers.append(header)
        sheet.append(headers)

        sums: dict[int, int | float] = {i: 0 for i, c in enumerate(columns) if c.total}
        count = 0
        for row in itertools.chain(head, rows):
            count += 1
            for index in sums:
                value = row[index]
                if isinstance(value, int | float) and not isinstance(value, bool):
                    sums[index] += value
            sheet.append([cell(sheet, v, c.format) for c, v in zip(columns, row, strict=False)])
        last_row = header_row + max(count, 1)
        sheet.auto_filter.ref = f"A{header_row}:{last_col}{last_row}"
        if sums:
            label_at = next((i for i, c in enumerate(columns) if not c.total), None)
            totals = []
            for index, column in enumerate(columns):
                if index in sums:
                    value = cell(sheet, sums[index], column.format)
                elif index == label_at:
                    value = cell(sheet, TOTAL_LABEL)
                else:
                    value = cell(sheet, None)
                value.font = bold_wrapped
                totals.append(value)
            sheet.append(totals)
        return {columns[i].header: total for i, total in sums.items()}

    def save(self, target: IO[bytes] | None = None) -> bytes:
        """Write the workbook to ``target`` (a file opened for binary writing), or return
        its bytes when there is none."""
        if target is not None:
            self.workbook.save(target)
            return b""
        buffer = io.BytesIO()
        self.workbook.save(buffer)
        return buffer.getvalue()


def render(
    *,
    title: str,
    as_of: dt.date | None,
    columns: Sequence[Column | str],
    rows: Iterable[Sequence],
    lines: Sequence[str] = (),
) -> bytes:
    """A one-sheet workbook (see ``Book.sheet``)."""
    book = Book()
    book.sheet(
        title=title,
        as_of=as_of,
        columns=columns,
        rows=rows,
        lines=lines,
    )
    return book.save()


def response(content: bytes, filename: str) -> HttpResponse:
    reply = HttpResponse(content, content_type=XLSX)
    reply["Content-Disposition"] = f'attachment; filename="{filename}"'
    return reply
