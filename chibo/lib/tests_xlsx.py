"""The one .xlsx writer: text stays text (issue 10, item 5: a value typed as a formula never
becomes one in the reader's spreadsheet); numbers and dates keep their types; every sheet has
a frozen header, a filter, fitted widths, A4 landscape print fitted to width with the title
rows repeated, and totals that equal the sums (issue 14, item 4)."""

import datetime as dt
import io
import zipfile

import openpyxl
from django.test import SimpleTestCase
from django.urls import reverse
from openpyxl.utils import get_column_letter

from chibo.lib import xlsx
from chibo.lib.xlsx import Column
from chibo.members import operations as ops
from chibo.test import ChiboTestCase, add_member

EVIL = '=HYPERLINK("http://evil.example/","bam")'


def sheet_of(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content)).active


class RenderTests(SimpleTestCase):
    def test_formula_like_text_is_a_text_cell_with_the_quote_prefix(self):
        values = [EVIL, "+84 912", "-1+2", "@SUM(A1)", "\tx", "\r=1+1", "=", "#N/A", "Lê Văn An"]
        content = xlsx.render(
            title="=Tiêu đề",
            as_of=dt.date(2023, 5, 24),
            columns=["@Cột"] + [f"c{i}" for i in range(len(values) - 1)],
            rows=[values],
        )
        sheet = sheet_of(content)
        self.assertEqual(sheet["A1"].value, "=Tiêu đề")
        self.assertEqual(sheet["A1"].data_type, "s")
        self.assertEqual(sheet["A3"].data_type, "s")
        for cell, value in zip(sheet[4], values, strict=True):
            with self.subTest(value=value):
                self.assertEqual(cell.value, value)
                self.assertEqual(cell.data_type, "s")
                self.assertEqual(
                    cell.quotePrefix, value.startswith(("=", "+", "-", "@", "\t", "\r"))
                )

    def test_numbers_and_dates_stay_numbers_and_dates(self):
        day = dt.date(1990, 1, 2)
        content = xlsx.render(
            title="Số",
            as_of=dt.date(2023, 5, 24),
            columns=["a", "b", "c", "d"],
            rows=[[-5, 2.5, day, None]],
        )
        row = sheet_of(content)[4]
        self.assertEqual((row[0].value, row[0].data_type), (-5, "n"))
        self.assertEqual((row[1].value, row[1].data_type), (2.5, "n"))
        self.assertEqual(row[2].value.date(), day)
        self.assertTrue(row[2].is_date)
        self.assertEqual(row[2].number_format, "dd/mm/yyyy")
        self.assertFalse(row[0].quotePrefix)
        self.assertIsNone(row[3].value)

    def test_the_file_holds_no_formula(self):
        """Looked at in the file itself: no <f> element, whatever openpyxl reads back."""
        content = xlsx.render(
            title="T", as_of=dt.date(2023, 5, 24), columns=["h"], rows=[[EVIL], ["=1+1"]]
        )
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            sheet = archive.read("xl/worksheets/sheet1.xml").decode()
        self.assertNotIn("<f>", sheet)
        self.assertIn("HYPERLINK", sheet)


def assert_laid_out(test, sheet, *, header_row: int, columns: int, last_row: int) -> None:
    """What every chibo sheet has (issue 14, item 4), checked on the file as read back."""
    last = get_column_letter(columns)
    test.assertEqual(sheet.freeze_panes, f"A{header_row + 1}")
    test.assertEqual(sheet.auto_filter.ref, f"A{header_row}:{last}{last_row}")
    test.assertEqual(sheet.print_title_rows, f"$1:${header_row}")
    test.assertEqual(sheet.page_setup.orientation, "landscape")
    test.assertEqual(str(sheet.page_setup.paperSize), "9")  # A4
    test.assertEqual((sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight), (1, 0))
    test.assertTrue(sheet.sheet_properties.pageSetUpPr.fitToPage)
    for index in range(1, columns + 1):
        width = sheet.column_dimensions[get_column_letter(index)].width
        test.assertGreaterEqual(width, xlsx.MIN_WIDTH)
        test.assertLessEqual(width, xlsx.MAX_WIDTH)


class LayoutTests(SimpleTestCase):
    COLUMNS = [
        Column("STT", xlsx.INTEGER),
        Column("Chi bộ"),
        Column("Đảng viên", xlsx.INTEGER, total=True),
        Column("Ngày", xlsx.DATE),
        Column("Tỷ lệ", xlsx.PERCENT),
        Column("Điểm", xlsx.DECIMAL, total=True),
    ]
    ROWS = [
        [1, "Chi bộ Công an thị trấn Tân An", 7, dt.date(2023, 5, 4), 0.875, 1.5],
        [2, "Chi bộ Công an xã Quế Lưu", 12, None, None, 2.25],
        [3, "X" * 200, 0, dt.date(2023, 5, 31), 1.0, None],
    ]

    def render(self, rows=None, **kwargs):
        content = xlsx.render(
            title="Danh sách",
            as_of=dt.date(2023, 5, 31),
            columns=self.COLUMNS,
            rows=self.ROWS if rows is None else rows,
            **kwargs,
        )
        return sheet_of(content)

    def test_frozen_header_filter_print_setup_and_bounded_widths(self):
        sheet = self.render(lines=["Kèm theo Báo cáo số 01-BC/HU"])
        self.assertEqual(sheet["A3"].value, "Kèm theo Báo cáo số 01-BC/HU")
        self.assertEqual([c.value for c in sheet[4]], [c.header for c in self.COLUMNS])
        assert_laid_out(self, sheet, header_row=4, columns=6, last_row=7)

    def test_widths_follow_the_content(self):
        sheet = self.render()
        width = {k: sheet.column_dimensions[k].width for k in "ABCDEF"}
        # The longest name is cut at the bound; a long Vietnamese name fits whole.
        self.assertEqual(width["B"], xlsx.MAX_WIDTH)
        short = self.render(rows=self.ROWS[:2]).column_dimensions["B"].width
        self.assertGreaterEqual(short, len("Chi bộ Công an thị trấn Tân An"))
        self.assertLess(short, xlsx.MAX_WIDTH)
        self.assertGreaterEqual(width["D"], len("dd/mm/yyyy"))
        self.assertLess(width["A"], width["D"])

    def test_typed_cells_and_totals_equal_the_sums(self):
        sheet = self.render()
        data = list(sheet.iter_rows(min_row=4, max_row=6))
        self.assertEqual((data[0][0].data_type, data[0][0].number_format), ("n", "#,##0"))
        self.assertTrue(data[0][3].is_date)
        self.assertEqual(data[0][3].number_format, "dd/mm/yyyy")
        self.assertEqual((data[0][4].value, data[0][4].number_format), (0.875, "0%"))
        totals = [c.value for c in sheet[7]]
        self.assertEqual(totals[0], xlsx.TOTAL_LABEL)
        self.assertEqual(totals[2], sum(r[2] for r in self.ROWS))
        self.assertEqual(totals[5], 1.5 + 2.25)
        self.assertEqual((totals[1], totals[3], totals[4]), (None, None, None))
        self.assertTrue(sheet["C7"].font.b)
        self.assertEqual(sheet["C7"].number_format, "#,##0")
        # The totals row stays out of the filter, so sorting never moves it among the rows.
        self.assertEqual(sheet.auto_filter.ref, "A3:F6")

    def test_no_totals_row_without_a_total_column(self):
        content = xlsx.render(title="T", as_of=None, columns=["a"], rows=[["x"], ["y"]])
        sheet = sheet_of(content)
        self.assertEqual([r[0].value for r in sheet.iter_rows()], ["T", "a", "x", "y"])
        assert_laid_out(self, sheet, header_row=2, columns=1, last_row=4)

    def test_an_empty_list_still_has_its_header_and_zero_totals(self):
        sheet = self.render(rows=[])
        self.assertEqual(sheet.auto_filter.ref, "A3:F4")
        self.assertEqual([c.value for c in sheet[4]][:3], [xlsx.TOTAL_LABEL, None, 0])

    def test_written_in_write_only_mode_past_the_sample(self):
        """The same writer streams (openpyxl write-only): rows past the sample are written,
        summed and filtered, and the widths come from the sample."""
        self.assertTrue(xlsx.Book().workbook.write_only)
        count = xlsx.SAMPLE + 5
        rows = ([i, f"Chi bộ {i}", 1, None, None, None] for i in range(1, count + 1))
        sheet = self.render(rows=rows)
        self.assertEqual(sheet.cell(row=3 + count, column=1).value, count)
        self.assertEqual(sheet.cell(row=4 + count, column=3).value, count)
        self.assertEqual(sheet.auto_filter.ref, f"A3:F{3 + count}")

    def test_sheet_names_are_legal_and_unique(self):
        book = xlsx.Book()
        for _ in range(2):
            book.sheet(title="Tháng 05/2023: [chi bộ]", as_of=None, columns=["a"], rows=[])
        names = openpyxl.load_workbook(io.BytesIO(book.save())).sheetnames
        self.assertEqual(names, ["Tháng 052023 chi bộ", "Tháng 052023 chi bộ (2)"])


class MemberExportTests(ChiboTestCase):
    def test_an_exported_formula_name_is_a_text_cell(self):
        person = ops.add_person(
            data=ops.PersonData(ho=EVIL, ten_dem="Văn", ten="Độc", gender="M"),
            registered_by=self.cell_a,
            by=None,
        )
        ops.record_existing_member(
            person=person,
            cell=self.cell_a,
            since=dt.date(2020, 1, 1),
            decision_date=dt.date(2015, 2, 1),
            ceremony_date=dt.date(2015, 3, 1),
            official=True,
            by=None,
        )
        add_member(self.cell_a, "Lê Văn An")
        self.login(self.board)
        response = self.client.get(reverse("members:export"), {"as_of": "2023-05-24"})
        self.assertEqual(response.status_code, 200)
        sheet = sheet_of(response.content)
        names = {row[1].value: row[1] for row in sheet.iter_rows(min_row=4)}
        self.assertEqual(set(names), {EVIL, "Lê"})
        self.assertEqual(names[EVIL].data_type, "s")
        self.assertTrue(names[EVIL].quotePrefix)
        self.assertEqual(sheet.cell(row=4, column=1).data_type, "n")  # STT stays a number

    def test_r_mem_list_prints_on_a4_landscape_with_typed_dates(self):
        """Issue 14: the member list printed as 8 portrait pages with columns cut."""
        add_member(self.cell_a, "Nguyễn Thị Phương Thảo")
        self.login(self.board)
        response = self.client.get(reverse("members:export"), {"as_of": "2023-05-24"})
        sheet = sheet_of(response.content)
        assert_laid_out(self, sheet, header_row=3, columns=13, last_row=4)
        row = sheet[4]
        self.assertEqual(row[3].value, "Thảo")
        self.assertTrue(row[8].is_date)  # Ngày vào Đảng
        self.assertEqual(row[8].number_format, "dd/mm/yyyy")
        self.assertEqual(sheet.max_row, 4)  # a list of people: no totals row
