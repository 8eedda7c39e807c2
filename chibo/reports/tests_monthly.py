"""The monthly report of a committee on its cells (issue 14, item 3): exact as of the month's
end (R-MTG-01 held and missed, R-MTG-12 attendance, F-6 superior present, R-MEM-06
recognition, R-MEM-09 transfers), the same figures in the page, the .xlsx, the .docx and the
API, and the role matrix."""

import datetime as dt
import io
import json
from unittest import mock

import openpyxl
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document

from chibo.accounts.models import User
from chibo.demo import meetings as demo_meetings
from chibo.demo import people, structure, users
from chibo.lib.tests_xlsx import assert_laid_out
from chibo.meetings import operations as meetings
from chibo.meetings.board import Month
from chibo.meetings.models import Kind, Presence
from chibo.members import operations as ops
from chibo.reports import monthly, monthly_files
from chibo.test import ChiboTestCase, add_member

D = dt.date
T = dt.time
PAGES = ("reports:monthly", "reports:monthly_xlsx", "reports:monthly_docx")
API = "/api/v1/reports/monthly"


def hold(cell, day, people, *, superior=False, kind=Kind.REGULAR, absent=()):
    meeting = meetings.plan(
        cell=cell,
        kind=kind,
        planned_date=day,
        by=None,
        topic="Chuyên đề" if kind != Kind.REGULAR else "",
    )
    meetings.hold(
        meeting=meeting,
        by=None,
        record=meetings.Record(
            date=day,
            start_time=T(14),
            end_time=T(16),
            kind=kind,
            chair=people[0],
            minute_taker=people[1],
            votes_yes=len(people) - len(absent),
            votes_no=0,
            votes_abstain=0,
            superior_present=superior,
        ),
    )
    marks = {
        p.pk: (Presence.UNEXCUSED, "") if p in absent else (Presence.PRESENT, "") for p in people
    }
    meetings.take_attendance(meeting=meeting, marks=marks, by=None)
    return meeting


class MonthlyFiguresTests(ChiboTestCase):
    """Built by hand in the small tree: every figure checked against what was recorded."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.people_a = [add_member(cls.cell_a, f"Lê Văn A{i}") for i in range(4)]
        cls.people_b = [add_member(cls.cell_b, f"Trần Văn B{i}") for i in range(3)]
        # May 2023: cell A holds its regular meeting (3 of 4 present, superior there) and a
        # thematic one; cell B holds none.
        hold(cls.cell_a, D(2023, 5, 10), cls.people_a, superior=True, absent=cls.people_a[3:])
        hold(cls.cell_a, D(2023, 5, 25), cls.people_a, kind=Kind.THEMATIC)
        # June: cell B meets (outside May: not counted in May).
        hold(cls.cell_b, D(2023, 6, 2), cls.people_b)
        # A probationer admitted on 31/5 in B; one recognized in May (ceremony 20/5/2022); a
        # transfer A → B sent 31/5 and received 1/6 (received outside May).
        newcomer = ops.add_person(
            data=ops.PersonData(ho="Phan", ten_dem="Thị", ten="Mới", gender="F"),
            registered_by=cls.cell_b,
            by=None,
        )
        ops.admit(
            person=newcomer,
            cell=cls.cell_b,
            decision_date=D(2023, 5, 20),
            ceremony_date=D(2023, 5, 31),
            by=None,
        )
        june = ops.add_person(
            data=ops.PersonData(ho="Phan", ten_dem="Văn", ten="Sáu", gender="M"),
            registered_by=cls.cell_b,
            by=None,
        )
        ops.admit(
            person=june,
            cell=cls.cell_b,
            decision_date=D(2023, 5, 20),
            ceremony_date=D(2023, 6, 1),
            by=None,
        )
        probationer = add_member(cls.cell_a, "Đỗ Văn Dự", ceremony=D(2022, 5, 20), official=False)
        ops.recognize(person=probationer, decided_on=D(2023, 5, 22), by=None)
        move = ops.transfer(
            person=cls.people_a[2],
            kind="official",
            on=D(2023, 5, 31),
            to_cell=cls.cell_b,
            by=None,
        )
        ops.receive(transfer=move, on=D(2023, 6, 1), by=None)

    def compute(self, month=None, today=None, scope=None):
        return monthly.compute(
            organization=self.district,
            scope_ids=scope,
            month=month or Month(2023, 5),
            today=today or D(2023, 11, 30),
        )

    def cells(self, report):
        return {c.name: c for c in report.cells}

    def test_r_mtg_01_held_and_missed_and_r_mtg_12_attendance(self):
        report = self.compute()
        a, b = (self.cells(report)[f"Chi bộ Công an xã {x}"] for x in "AB")
        self.assertEqual((a.held, a.regular_held, a.missed, a.thematic), (2, 1, 0, 1))
        self.assertEqual((b.held, b.regular_held, b.missed, b.state), (0, 0, 1, "missed"))
        # 3 of 4 at the regular meeting, 4 of 4 at the thematic one.
        self.assertEqual((a.attended, a.counted), (7, 8))
        self.assertAlmostEqual(a.rate, 7 / 8)
        self.assertEqual(a.superior, 1)  # F-6: only the regular meeting had the superior
        self.assertEqual(a.meeting_days, [D(2023, 5, 10), D(2023, 5, 25)])
        self.assertIsNone(b.rate)

    def test_members_admitted_recognized_transferred_as_of_the_last_day(self):
        a, b = (self.cells(self.compute())[f"Chi bộ Công an xã {x}"] for x in "AB")
        self.assertEqual((b.admitted, a.admitted), (1, 0))  # 31/5 counts, 1/6 does not
        self.assertEqual((a.recognized, b.recognized), (1, 0))  # R-MEM-06: official 20/5/2023
        self.assertEqual((a.transferred_out, b.transferred_in), (1, 0))  # received in June
        # R-MEM-09: in transit on 31/5, the member still counts in the sending cell.
        self.assertEqual((a.members, a.official, a.probationary), (5, 5, 0))
        self.assertEqual((b.members, b.probationary), (4, 1))
        june = self.cells(self.compute(Month(2023, 6)))
        self.assertEqual(june["Chi bộ Công an xã B"].transferred_in, 1)
        self.assertEqual(june["Chi bộ Công an xã B"].admitted, 1)
        self.assertEqual(june["Chi bộ Công an xã A"].transferred_out, 0)

    def test_a_running_month_is_exact_to_today_and_misses_nothing_yet(self):
        report = self.compute(today=D(2023, 5, 19))
        self.assertEqual((report.as_of, report.complete), (D(2023, 5, 19), False))
        b = self.cells(report)["Chi bộ Công an xã B"]
        self.assertEqual((b.missed, b.admitted), (0, 0))
        a = self.cells(report)["Chi bộ Công an xã A"]
        self.assertEqual((a.held, a.recognized), (1, 0))  # 25/5 and the 20/5 recognition ahead
        self.assertEqual(self.cells(self.compute(today=D(2023, 5, 20)))[a.name].recognized, 1)

    def test_open_findings_are_the_checks_of_the_last_day(self):
        from chibo.compliance import checks

        report = self.compute()
        found = checks.run(scope_ids=None, on=D(2023, 5, 31))
        for cell in report.cells:
            with self.subTest(cell=cell.name):
                expected = [f.message for f in found if f.organization_id == cell.organization_id]
                self.assertEqual(cell.findings, expected)
        self.assertTrue(report.totals["open_findings"])

    def test_totals_are_the_sums_and_queries_do_not_grow_with_cells(self):
        report = self.compute()
        for key, total in report.totals.items():
            self.assertEqual(total, sum(getattr(c, key) for c in report.cells), key)

        def count():
            with CaptureQueriesContext(connection) as ctx:
                self.compute()
            return len(ctx)

        before = count()
        hold(self.cell_b, D(2023, 5, 12), self.people_b, superior=True)
        add_member(self.cell_b, "Trần Văn Thêm")
        self.assertEqual(count(), before)

    def test_month_parameter(self):
        today = D(2023, 6, 15)
        self.assertEqual(monthly.parse_month("", today), Month(2023, 5))
        self.assertEqual(monthly.parse_month("", D(2023, 1, 3)), Month(2022, 12))
        self.assertEqual(monthly.parse_month("5/2023", today), Month(2023, 5))
        self.assertEqual(monthly.parse_month("2023-05", today), Month(2023, 5))
        self.assertEqual(monthly.parse_month("06/2023", today), Month(2023, 6))
        for raw, text in (
            ("13/2023", "từ 01 đến 12"),
            ("07/2023", "chưa bắt đầu"),
            ("abc", "mm/yyyy"),
            ("05/0001", "Năm phải"),
        ):
            with self.subTest(raw=raw), self.assertRaisesMessage(monthly.InvalidParam, text):
                monthly.parse_month(raw, today)

    def test_role_matrix_pages_and_api(self):
        """Read-only: every reader of the organization on the month's end; 404 outside the
        scope; 405 for another method; a viewer reads (there is nothing to write)."""
        query = {"month": "05/2023"}
        for name in PAGES:
            url = reverse(name)
            self.assert_statuses(
                "get",
                f"{url}?org={self.district.pk}&month=05/2023",
                {
                    self.admin: 200,
                    self.board: 200,
                    self.viewer: 200,
                    self.committee: 404,
                    self.secretary: 404,
                    self.outsider: 404,
                    self.police_viewer: 404,
                },
            )
            self.assert_statuses(
                "get",
                f"{url}?org={self.commune_a.pk}&month=05/2023",
                {self.committee: 200, self.outsider: 404, self.secretary: 404},
            )
            self.assert_statuses(
                "get", f"{url}?org={self.cell_a.pk}&month=05/2023", {self.secretary: 200}
            )
            for method in ("post", "put", "delete"):
                self.assert_statuses(method, f"{url}?org={self.district.pk}", {self.board: 405})
        self.assert_statuses(
            "get",
            f"{API}?org={self.district.pk}&month=2023-05",
            {self.viewer: 200, self.board: 200, self.committee: 404, self.outsider: 404},
        )
        self.assert_statuses("post", f"{API}?org={self.district.pk}", {self.board: 405})
        self.client.logout()
        self.assertEqual(self.client.get(API, query).status_code, 401)
        page = self.client.get(reverse("reports:monthly"), query)
        self.assertEqual(page.status_code, 302)
        self.assertIn("login", page["Location"])

    def test_bad_input_is_a_vietnamese_400(self):
        self.login(self.board)
        for query, text in (
            ({"month": "13/2023"}, "từ 01 đến 12"),
            ({"month": "12/2099"}, "chưa bắt đầu"),
            ({"month": "05/2023", "org": "x1"}, "không hợp lệ"),
        ):
            for url in (reverse("reports:monthly"), reverse("reports:monthly_xlsx"), API):
                with self.subTest(url=url, query=query):
                    response = self.client.get(url, query)
                    self.assertEqual(response.status_code, 400)
                    body = response.json()["detail"] if url == API else response.content.decode()
                    self.assertIn(text, body)
        self.login(self.superuser)  # no grant: the organization must be named
        response = self.client.get(API, {"month": "05/2023"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("Hãy chọn tổ chức", response.json()["detail"])
        # The organization defaults to the caller's grant.
        self.login(self.committee)
        response = self.client.get(API, {"month": "05/2023"})
        self.assertEqual(response.json()["organization"], self.commune_a.pk)

    def test_page_xlsx_docx_and_api_say_the_same(self):
        self.login(self.board)
        query = {"org": self.district.pk, "month": "05/2023"}
        report = self.compute(today=dt.date.today())
        page = self.client.get(reverse("reports:monthly"), query)
        html = page.content.decode()
        self.assertIn("Không sinh hoạt thường kỳ", html)
        self.assertIn("1/2", html)  # one of two cells held its regular meeting
        self.assertIn(reverse("reports:monthly_docx"), html)
        self.assertNotIn("None", html)

        api = self.client.get(API, query).json()
        self.assertEqual(api["month"], "2023-05")
        self.assertEqual(api["totals"], report.totals)
        self.assertEqual(
            {c["name"]: c["held"] for c in api["cells"]}, {c.name: c.held for c in report.cells}
        )

        sheet = openpyxl.load_workbook(
            io.BytesIO(self.client.get(reverse("reports:monthly_xlsx"), query).content)
        ).active
        assert_laid_out(self, sheet, header_row=3, columns=len(monthly_files.COLUMNS), last_row=5)
        header = [c.value for c in sheet[3]]
        rows = [
            dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=4, values_only=True)
        ]
        cells, totals = rows[:-1], rows[-1]
        self.assertEqual([r["Chi bộ"] for r in cells], [c.name for c in report.cells])
        for column in monthly_files.COLUMNS:
            if column.total:
                self.assertEqual(
                    totals[column.header], sum(r[column.header] for r in cells), column.header
                )
        self.assertEqual(totals["Không sinh hoạt thường kỳ"], 1)
        self.assertAlmostEqual(cells[0]["Tỷ lệ dự họp"], 7 / 8)

        response = self.client.get(reverse("reports:monthly_docx"), query)
        self.assertEqual(
            response["Content-Type"],
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
        document = Document(io.BytesIO(response.content))
        text = "\n".join(p.text for p in document.paragraphs)
        self.assertIn("BÁO CÁO", text)
        self.assertIn("tháng 5/2023", text)
        self.assertIn("1/2 chi bộ sinh hoạt thường kỳ", text)
        self.assertIn("không sinh hoạt thường kỳ trong tháng: Chi bộ Công an xã B.", text)
        self.assertIn("cấp ủy cấp trên dự 1/2 buổi", text)
        self.assertIn("87,5%", text)  # R-TXT-02: a decimal comma
        self.assertIn("Đến ngày 31/5/2023", text)  # R-TXT-01: no leading zeros in prose
        self.assertNotRegex(text, r"R-[A-Z]{3}-\d|F-\d")  # no rule IDs in a paper
        header = [p.text for p in document.tables[0].rows[0].cells[0].paragraphs]
        self.assertEqual(header[1], "HUYỆN ỦY H")
        self.assertEqual(header[3], "Số      -BC/HU")


class MonthlyDemoTests(TestCase):
    """The demo (Hiệp Đức, 2023): the committee's report for April 2023 through the page."""

    @classmethod
    def setUpTestData(cls):
        tree = structure.build()
        people.build(tree)
        users.build(tree)
        # The demo's meetings of April 2023 only: its other months add minutes, not cases.
        with (
            mock.patch("chibo.demo.meetings.START", D(2023, 4, 1)),
            mock.patch("chibo.demo.meetings.timezone.localdate", return_value=D(2023, 4, 30)),
        ):
            demo_meetings.build()
        cls.board = User.objects.get(username="bantochuc")
        cls.district = tree.district

    def test_april_2023_through_the_api_agrees_with_the_board(self):
        from chibo.meetings import board

        self.client.force_login(self.board)
        answer = self.client.get(API, {"month": "04/2023", "org": self.district.pk})
        self.assertEqual(answer.status_code, 200, answer.content)
        body = answer.json()
        self.assertEqual(len(body["cells"]), 11)
        _period, rows = board.build(None, Month(2023, 4), Month(2023, 4))
        missed = sorted(r.name for r in rows if r.slots[0].state == "missed")
        self.assertEqual(missed, ["Chi bộ Công an xã Sông Trà"])  # the demo's missed April
        self.assertEqual(sorted(c["name"] for c in body["cells"] if c["missed"]), missed)
        self.assertEqual(body["totals"]["missed"], len(missed))
        self.assertEqual(body["totals"]["members"], sum(c["members"] for c in body["cells"]))
        json.dumps(body)  # plain JSON all the way down
