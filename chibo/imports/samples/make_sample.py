"""Write the fictional sample roster ``mau-danh-sach-dang-vien.xlsx`` beside this file
(issue 13, item 7): ``.venv/bin/python -m chibo.imports.samples.make_sample``.

Everything a real office file has: title rows above a merged two-row header, a column typed
in TCVN3 (".VnTime", Quê quán) and one in VNI ("VNI-Times", Chức vụ), dates as text in
several forms and as Excel dates, a CCCD number that the spreadsheet turned into a number
(its leading zero lost), and a "Tổng cộng" row. The people are invented; their CCCD numbers
follow the layout (province 049, gender and century digit, year) with made-up last digits.
"""

import datetime as dt
import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

PATH = Path(__file__).with_name("mau-danh-sach-dang-vien.xlsx")
HEADERS = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Quê quán"]
# (name, birth, gender, cccd, home town in TCVN3, joined, official, rank, post in VNI)
PEOPLE = [
    (
        "Nguyễn Văn Thành",
        "12/04/1985",
        "Nam",
        "049085001234",
        "HiÖp §øc, Qu¶ng Nam",
        dt.date(2010, 3, 15),
        dt.date(2011, 3, 15),
        "Thiếu tá",
        "Tröôûng Coâng an xaõ",
    ),
    (
        "Trần Thị Minh Hòa",
        dt.date(1992, 8, 20),
        "Nữ",
        "049192002345",
        "Th¨ng Ph\xadíc, Qu¶ng Nam",
        "ngày 5 tháng 3 năm 2015",
        "05/03/2016",
        "Đại uý",
        "Phoù Tröôûng Coâng an xaõ",
    ),
    (
        "Lê Quốc Bảo",
        "3/7/94",
        "Nam",
        49094003456,
        "B×nh L©m, Qu¶ng Nam",
        "2018-06-01",
        "2019-06-01",
        "Thượng úy",
        "Caùn boä, chieán só",
    ),
    (
        "Phạm Thị Ngọc Ánh",
        "1996-11-02",
        "Nữ",
        "049196004567",
        "QuÕ Thä, Qu¶ng Nam",
        dt.date(2019, 9, 2),
        dt.date(2020, 9, 2),
        "Trung úy",
        "Caùn boä, chieán só",
    ),
    (
        "Võ Đình Khoa",
        "25/01/1990",
        "Nam",
        "049090005678",
        "S«ng Trµ, Qu¶ng Nam",
        "20/12/2012",
        "20/12/2013",
        "Đại úy",
        "Phoù Tröôûng Coâng an xaõ",
    ),
    (
        "Huỳnh Văn Lộc",
        "09/09/1998",
        "Nam",
        "049098006789",
        "Ph\xadíc Gia, Qu¶ng Nam",
        "10/09/2022",
        "",
        "Thiếu úy",
        "Caùn boä, chieán só",
    ),
    (
        "Đặng Thị Thu Trang",
        "14/02/1997",
        "Nữ",
        "049197007890",
        "HiÖp Hßa, Qu¶ng Nam",
        "15/05/2020",
        "15/05/2021",
        "Trung úy",
        "Caùn boä, chieán só",
    ),
    (
        "Bùi Minh Tuấn",
        "30/06/1988",
        "Nam",
        "049088008901",
        "T©n B×nh, Qu¶ng Nam",
        "02/09/2014",
        "02/09/2015",
        "Thiếu tá",
        "Caùn boä, chieán só",
    ),
]


def build(people=PEOPLE) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    bold = Font(bold=True)
    sheet["A1"] = "ĐẢNG BỘ XÃ A"
    sheet["A2"] = "CHI BỘ CÔNG AN XÃ A"
    sheet["F1"] = "ĐẢNG CỘNG SẢN VIỆT NAM"
    sheet["A3"] = "DANH SÁCH ĐẢNG VIÊN"
    sheet["A4"] = "(Tính đến ngày 24/5/2023)"
    for ref in ("A1", "A2", "F1", "A3"):
        sheet[ref].font = bold
    sheet.merge_cells("A3:K3")
    sheet.merge_cells("A4:K4")
    # A two-row header: each column merged down, "Ngày tháng" merged across two.
    for index, text in enumerate([*HEADERS, "Ngày tháng", "", "Cấp bậc", "Chức vụ", "Ghi chú"]):
        cell = sheet.cell(row=6, column=index + 1, value=text or None)
        cell.font = bold
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for column in "ABCDEFIJK":
        sheet.merge_cells(f"{column}6:{column}7")
    sheet.merge_cells("G6:H6")
    sheet["G7"], sheet["H7"] = "Vào Đảng", "Chính thức"
    sheet["G7"].font = sheet["H7"].font = bold
    row = 8
    for number, person in enumerate(people, start=1):
        name, birth, gender, cccd, town, joined, official, rank, post = person
        values = [number, name, birth, gender, cccd, town, joined, official or None, rank, post]
        for index, value in enumerate(values):
            cell = sheet.cell(row=row, column=index + 1, value=value)
            if isinstance(value, dt.date):
                cell.number_format = "dd/mm/yyyy"
        row += 1
    sheet.cell(row=row, column=1, value=f"Tổng cộng: {len(people)} đồng chí").font = bold
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
    for column, width in zip(
        "ABCDEFGHIJK", (5, 26, 12, 9, 15, 26, 12, 12, 11, 26, 12), strict=True
    ):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


if __name__ == "__main__":
    PATH.write_bytes(build())
    print(PATH)
