"""Server-drawn SVG charts (issue 14, item 5): CSP-safe markup (no style attribute, no script),
a table alternative named by aria-describedby, and figures equal to the board's and the
overview's (R-MTG-12 attendance, F-6 superior, R-MTG-14 levels, members by status)."""

import datetime as dt
import re

from django.test import SimpleTestCase
from django.urls import reverse

from chibo.figures import stats
from chibo.meetings.board import Month
from chibo.meetings.models import Evaluation, Kind, Rubric, Side
from chibo.members import operations as ops
from chibo.members.models import Membership, MembershipKind, counted, official_on
from chibo.reports import charts
from chibo.reports.tests_monthly import hold
from chibo.test import ChiboTestCase, add_member

D = dt.date


def assert_csp_safe(test, svg: str) -> None:
    test.assertTrue(svg.startswith("<svg"))
    test.assertNotRegex(svg, r"\sstyle\s*=")  # blocked by style-src without 'unsafe-inline'
    test.assertNotIn("<style", svg)
    test.assertNotIn("<script", svg)
    test.assertNotRegex(svg, r"\son[a-z]+\s*=")  # no inline handlers
    test.assertNotIn("href", svg)  # nothing loaded from elsewhere


class DrawingTests(SimpleTestCase):
    def chart(self, **kwargs):
        return charts.Chart(
            "c",
            "Tỷ lệ <b>dự</b>",
            ["01/23", "02/23", "03/23"],
            [charts.Series("A & B", [50, None, 100], charts.BLUE)],
            **kwargs,
        )

    def test_markup_is_csp_safe_escaped_and_labelled(self):
        chart = self.chart(unit="%", y_max=100)
        svg = str(chart.svg)
        assert_csp_safe(self, svg)
        self.assertIn('role="img"', svg)
        self.assertIn('aria-labelledby="c-title"', svg)
        self.assertIn('aria-describedby="c-table"', svg)
        self.assertIn("Tỷ lệ &lt;b&gt;dự&lt;/b&gt;", svg)
        self.assertIn("A &amp; B", svg)

    def test_bar_heights_follow_the_values(self):
        svg = str(self.chart(unit="%", y_max=100).svg)
        heights = [float(h) for h in re.findall(r'<rect [^>]*height="([\d.]+)"[^>]*><title>', svg)]
        plot = charts.HEIGHT - charts.TOP - charts.BOTTOM
        self.assertEqual(heights, [plot / 2, plot])  # 50 %, no bar for "—", 100 %
        self.assertEqual(
            self.chart(unit="%").rows, [["01/23", "50,0%"], ["02/23", "—"], ["03/23", "100,0%"]]
        )

    def test_axis_tops_are_round(self):
        self.assertEqual(
            [charts._nice(v) for v in (0, 1, 3, 7, 55, 101, 4999)], [1, 1, 5, 10, 100, 200, 5000]
        )
        stacked = charts.Chart(
            "s",
            "t",
            ["x"],
            [charts.Series("a", [30], "#000"), charts.Series("b", [40], "#111")],
            stacked=True,
        )
        self.assertEqual(stacked.top, 100)


class FiguresTests(ChiboTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.people_a = [add_member(cls.cell_a, f"Lê Văn A{i}") for i in range(4)]
        cls.people_b = [add_member(cls.cell_b, f"Trần Văn B{i}") for i in range(2)]
        meeting = hold(
            cls.cell_a, D(2023, 5, 10), cls.people_a, superior=True, absent=cls.people_a[3:]
        )
        Evaluation.objects.create(
            meeting=meeting,
            side=Side.FINAL,
            rubric=Rubric.objects.first(),
            total=95,
            level="Tốt",
        )
        hold(cls.cell_b, D(2023, 5, 12), cls.people_b)
        hold(cls.cell_a, D(2023, 4, 7), cls.people_a, kind=Kind.THEMATIC)
        ops.record_existing_member(
            person=ops.add_person(
                data=ops.PersonData(ho="Ngô", ten_dem="Văn", ten="Dự", gender="M"),
                registered_by=cls.cell_b,
                by=None,
            ),
            cell=cls.cell_b,
            since=D(2023, 3, 1),
            decision_date=D(2023, 2, 1),
            ceremony_date=D(2023, 3, 1),
            official=False,
            by=None,
        )

    def test_meeting_charts_of_a_committee_and_of_a_cell(self):
        committee = charts.meeting_charts(None, Month(2023, 5), key="k", today=D(2023, 11, 30))
        attendance, superior, levels = committee
        self.assertEqual([c.key for c in committee], ["k-attendance", "k-superior", "k-levels"])
        self.assertEqual(len(attendance.labels), 12)
        self.assertEqual(attendance.labels[-1], "05/23")
        # May: 3/4 in A and 2/2 in B = 5/6; April: the thematic meeting, 4/4.
        self.assertEqual(attendance.rows[-1], ["05/23", "83,3%", "5/6"])
        self.assertEqual(attendance.rows[-2], ["04/23", "100,0%", "4/4"])
        self.assertEqual(attendance.rows[0], ["06/22", "—", "0/0"])
        self.assertEqual(superior.rows[-1], ["05/23", "50,0%", "1/2"])
        self.assertEqual([s.name for s in levels.series], ["Tốt"])
        self.assertEqual(levels.series[0].values[-1], 1)
        cell = charts.meeting_charts(
            frozenset({self.cell_b.pk}), Month(2023, 5), key="b", today=D(2023, 11, 30)
        )
        self.assertEqual(cell[0].rows[-1], ["05/23", "100,0%", "2/2"])
        self.assertEqual(cell[2].series, [])  # no level confirmed for cell B
        for chart in committee + cell:
            assert_csp_safe(self, str(chart.svg))

    def test_members_by_status_equal_the_overview_at_each_month_end(self):
        on = D(2023, 5, 24)
        # The twelve days in one query by cell, and one for people with two memberships
        # (none here) (issue 16).
        with self.assertNumQueries(2):
            chart = charts.members_chart(None, on)
        self.assertEqual(chart.rows[-1][0], "24/05/2023")
        self.assertEqual(chart.rows[-2][0], "30/04/2023")
        for row, day in ((chart.rows[-1], on), (chart.rows[-3], D(2023, 3, 31))):
            figures = stats.compute(scope_ids=None, on=day).figures
            self.assertEqual(
                row[1:],
                [
                    str(figures["official_members"]),
                    str(figures["probationary_members"]),
                    str(figures["members"]),
                ],
            )
        self.assertEqual(chart.rows[-4][2], "0")  # February: the probationer not yet admitted
        self.assertEqual(chart.rows[-3][2], "1")

    def distinct(self, days, scope_ids=None):
        """Members and official members on each day, each person once: the chart's meaning,
        counted the plain way."""
        rows = Membership.objects.filter(kind=MembershipKind.OFFICIAL, cell__is_police=True)
        if scope_ids is not None:
            rows = rows.filter(cell_id__in=scope_ids)
        return [
            [
                rows.filter(counted(day)).values("person_id").distinct().count(),
                rows.filter(counted(day) & official_on(day, "party__"))
                .values("person_id")
                .distinct()
                .count(),
            ]
            for day in days
        ]

    def test_members_in_two_cells_at_once_are_counted_once(self):
        """Nothing in the database forbids two memberships on one day (an import, a hand
        correction): the rows counted per cell are corrected for such people."""
        on = D(2023, 5, 24)
        Membership.objects.create(  # a second membership, in cell B, from March
            person=self.people_a[0],
            cell=self.cell_b,
            kind=MembershipKind.OFFICIAL,
            reason_in="admission",
            valid_from=D(2023, 3, 1),
        )
        days = [D(2023, 2, 28), D(2023, 3, 31), on]
        for scope in (
            None,
            frozenset({self.cell_a.pk, self.cell_b.pk}),
            frozenset({self.cell_b.pk}),
        ):
            with self.subTest(scope=scope):
                chart = charts.members_chart(scope, on)
                shown = {row[0]: row for row in chart.rows}
                got = [
                    [int(shown[f"{d:%d/%m/%Y}"][3]), int(shown[f"{d:%d/%m/%Y}"][1])] for d in days
                ]
                self.assertEqual(got, self.distinct(days, scope))

    def test_a_change_in_one_cell_is_recounted_there_only(self):
        on = D(2023, 5, 24)
        old = charts.counted_members(None, on)
        add_member(self.cell_b, "Trần Văn Mới", ceremony=D(2023, 4, 1))
        ops.end_party_membership(
            person=self.people_a[1], on=D(2023, 5, 1), reason="removed", by=None
        )
        # Only cell B recounted: cell A's change is not seen, as it would not be if nothing
        # had been written there.
        only_b = charts.counted_members(None, on, old=old, changed=frozenset({self.cell_b.pk}))
        self.assertEqual(only_b.by_cell[self.cell_a.pk], old.by_cell[self.cell_a.pk])
        both = charts.counted_members(
            None, on, old=old, changed=frozenset({self.cell_a.pk, self.cell_b.pk})
        )
        whole = charts.counted_members(None, on)
        self.assertEqual(both.by_cell, whole.by_cell)
        self.assertEqual(both.chart.rows, whole.chart.rows)
        self.assertNotEqual(whole.chart.rows, old.chart.rows)

    def test_a_refresh_reads_again_the_people_of_the_changed_cells(self):
        """Issue 16: the people with two memberships are kept with the chart; a refresh
        looks again at the changed cells' people and at those found before."""
        on = D(2023, 5, 24)
        old = charts.counted_members(None, on)
        second = Membership.objects.create(
            person=self.people_a[0],
            cell=self.cell_b,
            kind=MembershipKind.OFFICIAL,
            reason_in="admission",
            valid_from=D(2023, 3, 1),
        )
        changed = frozenset({self.cell_b.pk})
        gained = charts.counted_members(None, on, old=old, changed=changed)
        whole = charts.counted_members(None, on)
        self.assertEqual(list(gained.surplus), [self.people_a[0].pk])
        self.assertEqual((gained.surplus, gained.chart.rows), (whole.surplus, whole.chart.rows))
        # A write elsewhere (no police cell here): the person is kept from before.
        elsewhere = charts.counted_members(None, on, old=gained, changed=frozenset())
        self.assertEqual(
            (elsewhere.surplus, elsewhere.chart.rows), (whole.surplus, whole.chart.rows)
        )
        second.delete()  # gone from cell B: the person is found from before
        lost = charts.counted_members(None, on, old=gained, changed=changed)
        self.assertEqual(lost.surplus, {})
        self.assertEqual(lost.chart.rows, charts.counted_members(None, on).chart.rows)
        self.assertEqual(lost.chart.rows, old.chart.rows)

    def test_pages_show_the_charts_with_their_tables(self):
        self.login(self.board)
        overview = self.client.get(reverse("reports:overview"), {"as_of": "2023-05-24"})
        html = overview.content.decode()
        self.assertEqual(html.count("<svg"), 1)
        self.assertIn('id="members-table"', html)
        monthly = self.client.get(
            reverse("reports:monthly"), {"org": self.district.pk, "month": "05/2023"}
        )
        html = monthly.content.decode()
        self.assertEqual(html.count("<svg"), 3)
        self.assertIn("<title>Báo cáo tháng 05/2023 · Huyện ủy H · chibo</title>", html)
        for key in ("attendance", "superior", "levels"):
            self.assertIn(f'aria-describedby="monthly-{key}-table"', html)
            self.assertIn(f'id="monthly-{key}-table"', html)
        assert_csp_safe(self, html[html.index("<svg") : html.index("</svg>") + 6])
        # Per cell: the same page for one cell, reached from the committee's table.
        self.assertIn(f"?org={self.cell_a.pk}&amp;month=05/2023", html)
        self.login(self.secretary)
        cell = self.client.get(
            reverse("reports:monthly"), {"org": self.cell_a.pk, "month": "05/2023"}
        )
        self.assertEqual(cell.content.decode().count("<svg"), 3)
