"""The charts in Chromium (issue 14, item 5): drawn without a script, allowed by the
Content-Security-Policy (a violation fails the test in ``BrowserTestCase.tearDown``), laid
out on a phone's width and in print, and their tables one click away."""

import datetime as dt

from chibo.accounts.models import Role
from chibo.browser import BrowserTestCase
from chibo.members import operations as members
from chibo.reports.tests_monthly import hold
from chibo.test import PASSWORD, add_member, build_tree, make_user


class ChartBrowserTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        build_tree(self)
        people = [add_member(self.cell_a, f"Lê Văn {n}") for n in ("An", "Bình", "Cường")]
        members.appoint(
            person=people[0],
            organization=self.cell_a,
            role="secretary",
            on=dt.date(2020, 1, 1),
            by=None,
        )
        hold(self.cell_a, dt.date(2023, 5, 10), people, superior=True, absent=people[2:])
        make_user("bantochuc", Role.BOARD, self.district)

    def charts_of(self, url: str, count: int) -> None:
        page = self.page
        page.goto(self.live_server_url + url)
        svgs = page.locator("figure svg[role=img]")
        self.assertEqual(svgs.count(), count)
        viewport = page.viewport_size["width"]
        for index in range(count):
            svg = svgs.nth(index)
            box = svg.bounding_box()
            self.assertGreater(box["height"], 50)
            self.assertLessEqual(box["x"] + box["width"], viewport + 1)  # no overflow on a phone
            table_id = svg.get_attribute("aria-describedby")
            table = page.locator(f"#{table_id}")
            self.assertEqual(table.count(), 1)
            self.assertFalse(table.is_visible())
            svg.locator("xpath=..").locator("summary").click()
            self.assertTrue(table.is_visible())
        page.emulate_media(media="print")
        self.assertGreater(svgs.first.bounding_box()["height"], 50)
        page.emulate_media(media="screen")

    def test_overview_and_monthly_charts_render_under_the_csp(self):
        self.log_in("bantochuc", PASSWORD)
        self.charts_of("/overview/?as_of=2023-05-24", 1)
        self.charts_of(f"/overview/monthly/?org={self.district.pk}&month=05/2023", 3)
        titles = self.page.eval_on_selector_all(
            "figure svg rect", "rects => rects.map(r => r.textContent)"
        )
        self.assertIn("05/23 · Tỷ lệ dự họp: 66,7%", titles)
