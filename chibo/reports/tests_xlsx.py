"""The .xlsx renderer writes text as text (issue 10, item 5): a value typed as a formula never
becomes one in the reader's spreadsheet; numbers and dates keep their types."""

import datetime as dt
import io
import zipfile

import openpyxl
from django.test import SimpleTestCase
from django.urls import reverse

from chibo.members import operations as ops
from chibo.reports import xlsx
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
            headers=["@Cột"] + [f"c{i}" for i in range(len(values) - 1)],
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
            headers=["a", "b", "c", "d"],
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
            title="T", as_of=dt.date(2023, 5, 24), headers=["h"], rows=[[EVIL], ["=1+1"]]
        )
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            sheet = archive.read("xl/worksheets/sheet1.xml").decode()
        self.assertNotIn("<f>", sheet)
        self.assertIn("HYPERLINK", sheet)


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
