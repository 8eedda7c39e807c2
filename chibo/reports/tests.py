"""The overview figures: thresholds of the warnings (R-ORG-01, R-ORG-04, R-POL-02, F-7) on
both sides, and the article's figures from the demo through CLI, API and page alike."""

import datetime as dt
import io
import json

from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from chibo.accounts.models import User
from chibo.demo import people, structure, users
from chibo.documents import operations as documents
from chibo.figures import stats
from chibo.members import operations as ops
from chibo.test import DAY, ChiboTestCase, add_member

D = dt.date
ARTICLE = {
    "as_of": "2023-05-24",
    "commune_committees": 11,
    "police_cells": 11,
    "members": 55,
    "official_members": 52,
    "probationary_members": 3,
    "cells_with_secretary_and_deputy": 7,
    "cells_with_secretary_only": 4,
    "cells_with_committee": 0,
    "cells_without_secretary": 0,
    "regular_officers": 55,
    "regular_officers_party_members": 55,
    "cells_with_working_regulations": 11,
}


class WarningThresholdTests(ChiboTestCase):
    def row(self):
        overview = stats.compute(scope_ids=None, on=DAY)
        return next(r for r in overview.cells if r.organization_id == self.cell_a.pk)

    def members(self, n, **kwargs):
        return [add_member(self.cell_a, f"Lê Văn N{i}", **kwargs) for i in range(n)]

    def test_r_org_01_fewer_than_three_official(self):
        self.members(2)
        self.assertIn("Dưới 3 đảng viên chính thức (R-ORG-01).", self.row().warnings)
        add_member(self.cell_a, "Lê Văn Dự", ceremony=D(2023, 1, 1), official=False)
        self.assertIn("Dưới 3 đảng viên chính thức (R-ORG-01).", self.row().warnings)
        add_member(self.cell_a, "Lê Văn Ba")
        self.assertNotIn("Dưới 3 đảng viên chính thức (R-ORG-01).", self.row().warnings)

    def test_r_org_04_committee_from_nine_official(self):
        people_ = self.members(8)
        ops.appoint(
            person=people_[0], organization=self.cell_a, role="secretary", on=D(2021, 1, 1), by=None
        )
        self.assertFalse(any("chi ủy" in w for w in self.row().warnings))
        add_member(self.cell_a, "Lê Văn Chín")
        self.assertTrue(any("chưa có chi ủy (R-ORG-04)" in w for w in self.row().warnings))
        ops.appoint(
            person=people_[1],
            organization=self.cell_a,
            role="cell_committee",
            on=D(2021, 1, 1),
            by=None,
        )
        self.assertFalse(any("chưa có chi ủy" in w for w in self.row().warnings))

    def test_r_org_04_one_deputy_under_nine(self):
        people_ = self.members(5)
        ops.appoint(
            person=people_[0], organization=self.cell_a, role="deputy", on=D(2021, 1, 1), by=None
        )
        self.assertFalse(any("Phó Bí thư (R-ORG-04)" in w for w in self.row().warnings))
        ops.appoint(
            person=people_[1], organization=self.cell_a, role="deputy", on=D(2021, 1, 1), by=None
        )
        self.assertTrue(any("có 2 Phó Bí thư (R-ORG-04)" in w for w in self.row().warnings))

    def test_r_org_04_committee_at_most_seven(self):
        people_ = self.members(10)
        ops.appoint(
            person=people_[0], organization=self.cell_a, role="secretary", on=D(2021, 1, 1), by=None
        )
        for p in people_[1:7]:
            ops.appoint(
                person=p, organization=self.cell_a, role="cell_committee", on=D(2021, 1, 1), by=None
            )
        self.assertFalse(any("quá 7" in w for w in self.row().warnings))
        ops.appoint(
            person=people_[7],
            organization=self.cell_a,
            role="cell_committee",
            on=D(2021, 1, 1),
            by=None,
        )
        self.assertIn("Chi ủy có 8 người, quá 7 (R-ORG-04).", self.row().warnings)

    def test_r_pol_02_officer_not_a_member_and_f_7_regulation(self):
        person = ops.add_person(
            data=ops.PersonData(ho="Võ", ten_dem="", ten="Mới", gender="M"),
            registered_by=self.cell_a,
            by=None,
        )
        ops.set_police_service(
            person=person, on=D(2023, 1, 1), cell=self.cell_a, position="officer", rank=3, by=None
        )
        row = self.row()
        self.assertTrue(any("R-POL-02" in w and "Võ Mới" in w for w in row.warnings))
        self.assertIn("Chưa có quy chế làm việc còn hiệu lực (F-7).", row.warnings)
        documents.add_regulation(
            cell=self.cell_a, number="01-QC/CB", title="Quy chế", issued_on=DAY, by=None
        )
        self.assertNotIn("Chưa có quy chế làm việc còn hiệu lực (F-7).", self.row().warnings)

    def test_regulation_replaced(self):
        old = documents.add_regulation(
            cell=self.cell_a, number="01-QC/CB", title="Cũ", issued_on=D(2021, 1, 1), by=None
        )
        documents.add_regulation(
            cell=self.cell_a,
            number="02-QC/CB",
            title="Mới",
            issued_on=D(2023, 1, 1),
            replaces=old,
            by=None,
        )
        overview = stats.compute(scope_ids=None, on=D(2022, 12, 31))
        self.assertEqual(
            next(r for r in overview.cells if r.organization_id == self.cell_a.pk).regulation,
            "01-QC/CB",
        )
        self.assertEqual(self.row().regulation, "02-QC/CB")

    def test_query_count_does_not_grow_with_cells(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        def count():
            with CaptureQueriesContext(connection) as ctx:
                stats.compute(scope_ids=None, on=DAY)
            return len(ctx)

        before = count()
        self.members(6)
        add_member(self.cell_b, "Lê Văn Bê")
        self.assertEqual(count(), before)


class ArticleFiguresTests(TestCase):
    """Done-when of the members issue: the article's figures, computed, in three places."""

    @classmethod
    def setUpTestData(cls):
        tree = structure.build()
        people.build(tree)
        users.build(tree)
        cls.tree = tree
        cls.board = User.objects.get(username="bantochuc")

    def test_cli_prints_the_article_figures(self):
        out = io.StringIO()
        call_command("stats", "--as-of", "2023-05-24", "--json", stdout=out)
        self.assertEqual(json.loads(out.getvalue()), ARTICLE)

    def test_api_gives_the_same(self):
        self.client.force_login(self.board)
        response = self.client.get("/api/v1/stats", {"as_of": "2023-05-24"})
        self.assertEqual(response.json(), ARTICLE)

    def test_overview_page_shows_the_same(self):
        self.client.force_login(self.board)
        response = self.client.get("/overview/", {"as_of": "24/05/2023"})
        html = response.content.decode()
        for text in (
            "07/11",
            "4/11 chỉ có Bí thư",
            "11/11",
            "trong đó 03 dự bị",
            "55/55",
            "Chi bộ Công an xã Hiệp Hòa",
        ):
            self.assertIn(text, html)
        figures = dict(response.context["figures"])
        self.assertEqual(figures["Đảng viên"], 55)

    def test_today_the_three_2025_cells_with_their_warnings(self):
        self.client.force_login(self.board)
        response = self.client.get("/overview/", {"as_of": timezone.localdate().isoformat()})
        cells = {row.version.name: row for row in response.context["cells"]}
        self.assertEqual(
            sorted(cells),
            [
                "Chi bộ Công an xã Hiệp Đức",
                "Chi bộ Công an xã Phước Trà",
                "Chi bộ Công an xã Việt An",
            ],
        )
        self.assertEqual(cells["Chi bộ Công an xã Hiệp Đức"].warnings, [])
        self.assertTrue(
            any("chưa có chi ủy" in w for w in cells["Chi bộ Công an xã Việt An"].warnings)
        )
        self.assertTrue(any("R-POL-02" in w for w in cells["Chi bộ Công an xã Phước Trà"].warnings))
        self.assertEqual(
            sum(r.members for r in cells.values()),
            response.context["cards"][1][1] and int(response.context["cards"][1][1]),
        )

    def test_cli_org_scope_and_bad_input(self):
        out = io.StringIO()
        hiep_duc = self.tree.communes["Hiệp Đức (2025)"]
        call_command(
            "stats", "--as-of", "24/05/2023", "--org", str(hiep_duc.pk), "--json", stdout=out
        )
        figures = json.loads(out.getvalue())
        self.assertEqual(figures["police_cells"], 4)  # its predecessors' cells in 2023
        self.assertEqual(figures["members"], 20)
        from django.core.management import CommandError

        with self.assertRaisesMessage(CommandError, "không tồn tại"):
            call_command("stats", "--as-of", "2023-13-45", stdout=io.StringIO())
        with self.assertRaisesMessage(CommandError, "Không có tổ chức"):
            call_command("stats", "--as-of", "2023-05-24", "--org", "999999", stdout=io.StringIO())
