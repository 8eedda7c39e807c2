"""Reading a roster file (issue 13, items 1–2 and "Bad input"): which format it is, which
sheet holds the roster, where its header is, and the raw rows under it.

Spreadsheets are read with python-calamine (fast: 100,000 rows in about a second, stack.md);
it returns numbers as floats and Excel dates as ``datetime.date``. Every refusal is a
``ValidationError`` with a Vietnamese message; nothing here touches the database.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field

import python_calamine
from django.core.exceptions import ValidationError

from chibo.imports import columns
from chibo.lib import uploads

MAX_ROWS = 20_000
# Where a header may be: below a few title rows, never deep in the sheet.
HEADER_SEARCH_ROWS = 30
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"

NOT_A_SPREADSHEET = (
    "Tệp không phải bảng tính đọc được. Hãy tải lên tệp .xlsx, .xls, .ods hoặc .csv "
    "(mã UTF-8, UTF-16 hoặc Windows-1258)."
)
PASSWORD = (
    "Tệp được bảo vệ bằng mật khẩu nên không đọc được. Hãy mở tệp, bỏ mật khẩu "
    "(Tệp → Thông tin → Bảo vệ sổ làm việc) rồi tải lên lại."
)


@dataclass
class Sheet:
    name: str
    rows: list[list]  # from row 1 of the sheet, so index + 1 is the sheet's row number
    hidden: bool = False
    formulas: set[tuple[int, int]] = field(default_factory=set)  # (row index, column index)


@dataclass
class Table:
    """The roster found in a file: its sheet, header and the data rows below the header."""

    sheet: str
    header_row: int  # sheet row number (1-based) of the last header row
    headers: list[str]
    rows: list[tuple[int, list]]  # (sheet row number, cells)
    formulas: set[tuple[int, int]]


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def _text_rows(data: bytes) -> list[list]:
    """A CSV in UTF-8 (with or without BOM), UTF-16 (BOM) or Windows-1258 (issue 13)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1258")
            except UnicodeDecodeError:
                raise _refuse(NOT_A_SPREADSHEET, "not_spreadsheet") from None
    if "\x00" in text:
        raise _refuse(NOT_A_SPREADSHEET, "not_spreadsheet")
    sample = text[:20_000]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text), dialect))
    if not any(len(r) > 1 for r in rows[:HEADER_SEARCH_ROWS]):
        raise _refuse(NOT_A_SPREADSHEET, "not_spreadsheet")
    return rows


def _is_encrypted_office(data: bytes) -> bool:
    """An encrypted .xlsx is an OLE container with these streams (MS-OFFCRYPTO §2.3.4);
    an .xls with a password has a FILEPASS record, which calamine reports itself."""
    return data.startswith(OLE_MAGIC) and (
        "EncryptedPackage".encode("utf-16-le") in data
        or "EncryptionInfo".encode("utf-16-le") in data
    )


_CELL_REF = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*?(?:/>|>(.*?)</c>)', re.S)


def _column_index(letters: bytes) -> int:
    index = 0
    for char in letters:
        index = index * 26 + (char - 64)
    return index - 1


def _xlsx_formulas(data: bytes) -> dict[str, set[tuple[int, int]]]:
    """Cells holding a formula, by sheet name. calamine gives a formula's cached value and no
    sign that it was one; an uncalculated formula reads as empty. So the sheet XML is asked."""
    found: dict[str, set[tuple[int, int]]] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        if "xl/workbook.xml" not in names:
            return found
        book = archive.read("xl/workbook.xml")
        rels = (
            archive.read("xl/_rels/workbook.xml.rels")
            if "xl/_rels/workbook.xml.rels" in names
            else b""
        )
        targets = dict(re.findall(rb'Id="([^"]+)"[^>]*Target="([^"]+)"', rels))
        targets |= {k: v for v, k in re.findall(rb'Target="([^"]+)"[^>]*Id="([^"]+)"', rels)}
        for name, rid in re.findall(rb'<sheet [^>]*name="([^"]+)"[^>]*r:id="([^"]+)"', book):
            target = targets.get(rid, b"").decode()
            part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            if part not in names:
                continue
            xml = archive.read(part)
            if b"<f" not in xml:
                continue
            cells = set()
            for letters, row, body in _CELL_REF.findall(xml):
                if body and (b"<f>" in body or b"<f " in body or b"<f/>" in body):
                    cells.add((int(row) - 1, _column_index(letters)))
            if cells:
                sheet_name = name.decode().replace("&amp;", "&").replace("&lt;", "<")
                found[sheet_name] = cells
    return found


def _ods_has_formulas(data: bytes) -> bool:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "content.xml" in archive.namelist() and b"table:formula=" in archive.read(
            "content.xml"
        )


def read_sheets(data: bytes, file_name: str) -> list[Sheet]:
    """Every sheet of the file with its rows; refuses what is not a readable spreadsheet."""
    if not data:
        raise _refuse("Tệp rỗng.", "empty")
    if _is_encrypted_office(data):
        raise _refuse(PASSWORD, "password")
    formulas: dict[str, set[tuple[int, int]]] = {}
    ods_formulas = False
    if data.startswith(ZIP_MAGIC):
        # Before calamine unpacks anything: the zip-bomb and size checks every upload passes.
        upload = io.BytesIO(data)
        uploads.check_zip(upload)
        try:
            formulas = _xlsx_formulas(data)
            ods_formulas = _ods_has_formulas(data)
        except uploads.ZIP_ERRORS:
            raise _refuse(NOT_A_SPREADSHEET, "not_spreadsheet") from None
    elif not data.startswith(OLE_MAGIC):
        return [Sheet(name=file_name, rows=_text_rows(data))]
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = []
        for meta in book.sheets_metadata:
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue
            sheet = book.get_sheet_by_name(meta.name)
            rows = sheet.to_python(skip_empty_area=False) if sheet.height else []
            sheets.append(
                Sheet(
                    name=meta.name,
                    rows=rows,
                    hidden=meta.visible != python_calamine.SheetVisibleEnum.Visible,
                    formulas=formulas.get(meta.name, set()),
                )
            )
    except python_calamine.PasswordError:
        raise _refuse(PASSWORD, "password") from None
    except (python_calamine.CalamineError, ValueError, TypeError, OverflowError):
        raise _refuse(NOT_A_SPREADSHEET, "not_spreadsheet") from None
    if ods_formulas:
        for sheet in sheets:
            sheet.formulas = {(-1, -1)}  # only the sign that some cell holds one
    return sheets


def _header_at(rows: list[list], index: int) -> tuple[list[str], int] | None:
    """The header texts if row ``index`` (with the row below, for a two-row merged header)
    looks like a roster header; also how many rows it spans."""
    top = [columns.cell_text(v) for v in rows[index]]
    if columns.score(top) < 2 or not columns.has_name(top):
        return None
    if index + 1 < len(rows):
        below = [columns.cell_text(v) for v in rows[index + 1]]
        if columns.score(below) >= 1 and not any(columns.looks_like_data(v) for v in below):
            merged, parent = [], ""
            width = max(len(top), len(below))
            for i in range(width):
                upper = top[i] if i < len(top) else ""
                lower = below[i] if i < len(below) else ""
                # A label merged across columns is in its first cell only: carry it right.
                parent = upper or (parent if lower else "")
                if lower and columns.field_of(lower) is None and parent:
                    merged.append(f"{parent} {lower}")
                else:
                    merged.append(lower or upper)
            return merged, 2
    return top, 1


def find_table(sheets: list[Sheet]) -> Table:
    """The one sheet that holds a roster, its header and rows (issue 13, item 2)."""
    found = []
    for sheet in sheets:
        for index in range(min(HEADER_SEARCH_ROWS, len(sheet.rows))):
            header = _header_at(sheet.rows, index)
            if header is not None:
                found.append((sheet, index, header))
                break
    visible = [f for f in found if not f[0].hidden]
    hidden = [f for f in found if f[0].hidden]
    if hidden:
        names = ", ".join(f"“{f[0].name}”" for f in hidden)
        raise _refuse(
            f"Tệp có trang tính ẩn chứa danh sách ({names}). Dữ liệu ẩn không được nhập để "
            "tránh nhập những dòng không ai nhìn thấy: hãy hiện trang tính đó lên, hoặc xóa "
            "nó, rồi tải lên lại.",
            "hidden_sheet",
        )
    if not visible:
        raise _refuse(
            "Không tìm thấy dòng tiêu đề của danh sách (cần có ít nhất cột “Họ và tên” và một "
            "cột khác như “Ngày sinh”, “Số CCCD”). Hãy kiểm tra tệp hoặc dùng tệp mẫu.",
            "no_header",
        )
    if len(visible) > 1:
        names = ", ".join(f"“{f[0].name}”" for f in visible)
        raise _refuse(
            f"Có {len(visible)} trang tính đều giống danh sách đảng viên ({names}); không "
            "biết nhập trang nào. Hãy để lại một trang tính danh sách trong tệp rồi tải lên lại.",
            "two_rosters",
        )
    sheet, index, (headers, span) = visible[0]
    first = index + span
    data_rows = [(number + 1, cells) for number, cells in enumerate(sheet.rows) if number >= first]
    # Trailing empty rows do not count towards the limit.
    while data_rows and not any(columns.cell_text(v) for v in data_rows[-1][1]):
        data_rows.pop()
    if len(data_rows) > MAX_ROWS:
        raise _refuse(
            f"Danh sách có {len(data_rows):,} dòng, quá mức {MAX_ROWS:,} dòng của một lần "
            "nhập. Hãy chia tệp theo đảng bộ hoặc chi bộ rồi nhập từng phần.".replace(",", "."),
            "too_many_rows",
        )
    return Table(
        sheet=sheet.name,
        header_row=first,
        headers=headers,
        rows=data_rows,
        formulas=sheet.formulas,
    )


def read(data: bytes, file_name: str) -> Table:
    return find_table(read_sheets(data, file_name))
