"""Căn cứ quy định (issue 17): the page and ``/api/v1/rules`` say which rule set, documents
and rubrics held on a date and what chibo checks under them; two dates side by side; reached
from every finding and from the footer of the figures."""

from django.test import Client
from django.urls import reverse

from chibo.compliance.checks import SOURCES
from chibo.rules import basis
from chibo.test import ChiboTestCase, add_member

PAGE = "/alerts/basis/"
API = "/api/v1/rules"


class BasisTests(ChiboTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        add_member(cls.cell_a, "Nguyễn Văn Hòa")  # one official member: R-ORG-01, R-ORG-04

    def everyone(self, status: int) -> dict:
        people = (self.admin, self.board, self.committee, self.secretary, self.viewer)
        return dict.fromkeys((*people, self.outsider, self.police_viewer, self.superuser), status)

    def test_every_check_says_what_it_checks(self):
        self.assertEqual(set(basis.CHECKED), set(SOURCES))

    def test_page_role_matrix(self):
        # Policy data, the same for every scope: no organization, so no 404 and no 403 to
        # give; every signed-in role reads it, nobody writes it here.
        self.assert_statuses("get", PAGE + "?as_of=2023-05-24", self.everyone(200))
        self.assert_statuses("get", PAGE + "?from=2025-06-30&to=2025-07-01", self.everyone(200))
        self.assert_statuses("post", PAGE, {self.board: 405, self.viewer: 405})
        self.assertEqual(Client().get(PAGE).status_code, 302)
        self.login(self.viewer)
        bad = self.client.get(PAGE, {"as_of": "31/02/2025"})
        self.assertEqual(bad.status_code, 400)
        self.assertContains(bad, "Ngày", status_code=400)
        self.assertEqual(self.client.get(PAGE, {"from": "2025-06-30", "to": "x"}).status_code, 400)

    def test_r_org_06_page_on_24_5_2023_cites_qd_24_and_twice_in_five_years(self):
        self.login(self.secretary)
        page = self.client.get(PAGE, {"as_of": "2023-05-24"})
        self.assertContains(page, "Điều lệ Đảng và Quy định 24-QĐ/TW (2021–2025)")
        self.assertContains(page, "Hiệu lực từ 30/07/2021 đến hết 19/01/2025")
        self.assertContains(page, "Hướng dẫn 12-HD/BTCTW ngày 6/7/2018")
        self.assertContains(page, "Đại hội chi bộ đúng nhiệm kỳ (Hai lần trong 5 năm)")
        self.assertContains(page, '<tr id="R-MEM-05">', html=False)
        self.assertNotContains(page, "294-QĐ/TW")

    def test_r_org_06_r_mtg_02_changes_between_30_6_and_1_7_2025_side_by_side(self):
        self.login(self.board)
        page = self.client.get(PAGE, {"from": "30/06/2025", "to": "01/07/2025"})
        rows = {r.label: r for r in page.context["rows"]}
        self.assertIn("232-QĐ/TW", rows["Bộ quy định"].before)
        self.assertIn("294-QĐ/TW", rows["Bộ quy định"].after)
        term = rows["Chế độ đại hội chi bộ (R-ORG-06)"]
        self.assertEqual((term.before, term.after), ("Hai lần trong 5 năm", "Một lần trong 5 năm"))
        self.assertTrue(term.changed)
        self.assertFalse(rows["Số đảng viên chính thức tối thiểu (R-ORG-01)"].changed)
        self.assertContains(page, "<strong>Khác</strong>", html=False)
        # HD 42 came later, on 28/10/2025: the combined session counts as both from then.
        later = basis.compare(
            basis.in_force(basis.dt.date(2025, 10, 27)), basis.in_force(basis.dt.date(2025, 10, 28))
        )
        combined = next(r for r in later if r.label.startswith("Một buổi kết hợp"))
        self.assertEqual((combined.before, combined.after), ("Không", "Có"))

    def test_api_role_matrix_and_one_date(self):
        self.assert_statuses("get", API + "?as_of=2023-05-24", self.everyone(200))
        self.assert_statuses("post", API, {self.board: 405, self.viewer: 405})
        self.assertEqual(Client().get(API).status_code, 401)
        self.login(self.committee)
        bad = self.client.get(API, {"as_of": "2025-13-01"})
        self.assertEqual(bad.status_code, 400)
        self.assertIn("detail", bad.json())
        body = self.client.get(API, {"as_of": "2025-07-01"}).json()
        self.assertEqual(body["as_of"]["regulation"], "Quy định 294-QĐ/TW ngày 26/5/2025")
        self.assertEqual(body["as_of"]["valid_from"], "2025-07-01")
        self.assertEqual(body["as_of"]["valid_to"], "2025-10-28")
        self.assertIsNone(body["to"])
        ids = [c["rule_id"] for c in body["as_of"]["checks"]]
        self.assertEqual(ids, list(SOURCES))
        org01 = next(c for c in body["as_of"]["checks"] if c["rule_id"] == "R-ORG-01")
        self.assertEqual(org01["checks"], "Chi bộ có ít nhất 3 đảng viên chính thức.")
        self.assertTrue(body["as_of"]["rubrics"])

    def test_api_two_dates(self):
        self.login(self.viewer)
        body = self.client.get(API, {"as_of": "2025-06-30", "to": "2025-07-01"}).json()
        self.assertEqual(body["to"]["as_of"], "2025-07-01")
        changed = {c["label"] for c in body["changes"] if c["changed"]}
        self.assertIn("Bộ quy định", changed)
        self.assertIn("Chế độ đại hội chi bộ (R-ORG-06)", changed)
        self.assertNotIn("Số đảng viên chính thức tối thiểu (R-ORG-01)", changed)

    def test_each_finding_and_the_figures_footer_link_to_the_basis_of_their_date(self):
        self.login(self.committee)
        alerts = self.client.get("/alerts/", {"as_of": "2023-05-24"})
        html = alerts.content.decode()
        self.assertIn("R-ORG-01", html)
        self.assertIn(f'href="{PAGE}?as_of=2023-05-24#R-ORG-01"', html)
        found = self.client.get("/api/v1/findings", {"as_of": "2023-05-24"}).json()["findings"]
        for rule in {f["rule_id"] for f in found}:
            with self.subTest(rule=rule):
                self.assertIn(f'href="{PAGE}?as_of=2023-05-24#{rule}"', html)
        overview = self.client.get("/overview/", {"as_of": "2023-05-24"})
        self.assertContains(overview, f'href="{PAGE}?as_of=2023-05-24#R-ORG-01"')
        for page in (alerts, overview):
            self.assertContains(page, 'data-testid="basis-footer"')
            self.assertContains(page, f'href="{PAGE}?as_of=2023-05-24">Căn cứ quy định')

    def test_a_day_without_a_rule_set_says_it_uses_the_defaults(self):
        self.login(self.board)
        page = self.client.get(PAGE, {"as_of": "2019-01-01"})
        self.assertContains(page, "chibo dùng giá trị mặc định")

    def test_every_checked_rule_has_a_name_for_pages(self):
        """Pages show a rule's name, the code only in a tooltip (issue 14): a check added
        without a name would show its bare code."""
        from chibo.rules import titles

        self.assertLessEqual(set(SOURCES), set(titles.TITLES))

    def test_the_figures_of_the_board_the_monthly_report_and_an_organization_cite_their_basis(self):
        """Issue 17 item 2: the footer of every figure links to the rules in force on its day."""
        self.login(self.superuser)
        pages = {
            reverse("meetings:board"): None,
            reverse("reports:monthly") + f"?org={self.district.pk}&month=04/2023": "2023-04-30",
            reverse("orgs:detail", args=[self.cell_a.pk]) + "?as_of=2023-05-24": "2023-05-24",
        }
        for url, day in pages.items():
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, 'data-testid="basis-footer"')
                if day:
                    self.assertContains(response, f"{reverse('rules:basis')}?as_of={day}")
