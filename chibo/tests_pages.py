"""Issue 14, item 6: pages offer only what the user can do. For each persona, every link a
page shows opens (no 403/404 behind a link), the actions appear where they are allowed, a sent
cell report opens read-only, an ended organization is titled by its last name, and no "None"
reaches a page. The browser crawl (``tests_crawl.py``) does the same over the demo with axe."""

import datetime as dt
import re
from html.parser import HTMLParser

from django.test import Client
from django.urls import reverse

from chibo.briefings import operations as ops
from chibo.members import operations as members
from chibo.orgs import operations as org_ops
from chibo.test import ChiboTestCase, add_member

D = dt.date
TODAY_SKIP = re.compile(r"^/(accounts/logout|admin/|api/v1/)|\.(docx|xlsx)$")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href and href.startswith("/") and not href.startswith("//"):
            self.hrefs.append(href.split("#")[0])


def links(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.hrefs


class PagesOfferOnlyWhatOpensTests(ChiboTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for cell in (cls.cell_a, cls.cell_b):
            add_member(cell, f"Lê Văn {cell.pk}")
        chair = members.add_person(
            data=members.PersonData(ho="Hồ", ten_dem="Thị", ten="Chủ", gender="F"),
            registered_by=cls.district,
            by=None,
        )
        cls.conference = ops.create_conference(
            host=cls.district,
            title="các chi bộ Công an xã",
            date=D(2023, 5, 24),
            period_start=D(2023, 1, 1),
            period_end=D(2023, 5, 23),
            invited=[cls.cell_a, cls.cell_b],
            chair=chair,
            by=None,
            chair_title="Phó Bí thư Thường trực Huyện ủy",
        )
        cls.report = ops.save_report(
            conference=cls.conference,
            cell=cls.cell_a,
            submit=True,
            by=None,
            security="Giữ vững an ninh trên địa bàn xã A.",
            other_tasks="",
            difficulties="Thiếu phòng họp.",
        )
        cls.rec = ops.raise_recommendation(
            conference=cls.conference,
            raised_by=cls.cell_a,
            addressed_to=cls.commune_a,
            category="facilities",
            text="Đề nghị Đảng ủy xã bố trí phòng họp riêng cho chi bộ",
            raised_on=D(2023, 5, 24),
            due_on=D(2023, 8, 1),
            by=None,
        )
        conclusion = ops.add_conclusion(
            conference=cls.conference,
            text="Các đảng ủy xã ban hành quy chế phối hợp với chi bộ Công an",
            group="Đảng ủy các xã",
            assignees=[cls.commune_a, cls.commune_b],
            due_on=D(2023, 12, 31),
            by=None,
        )
        cls.task_a = conclusion.assignments.get(organization=cls.commune_a)
        cls.detail = reverse("briefings:detail", args=[cls.conference.pk])
        cls.report_url = reverse("briefings:report", args=[cls.conference.pk, cls.cell_a.pk])

    def shown(self, user, url: str) -> str:
        self.client.force_login(user)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        return response.content.decode()

    def test_every_link_shown_opens_for_each_persona(self):
        pages = (
            self.detail,
            reverse("briefings:list"),
            reverse("briefings:followup"),
            reverse("rules:alerts") + "?as_of=2024-01-15",
            reverse("orgs:detail", args=[self.cell_a.pk]) + "?as_of=2023-05-24",
            reverse("orgs:detail", args=[self.commune_a.pk]) + "?as_of=2023-05-24",
        )
        personas = (self.board, self.committee, self.secretary, self.viewer, self.police_viewer)
        for user in personas:
            opened = 0
            for page in pages:
                self.client.force_login(user)
                response = self.client.get(page)
                if response.status_code == 404:  # outside this persona's scope: not shown
                    continue
                self.assertEqual(response.status_code, 200, (user.username, page))
                for href in set(links(response.content.decode())):
                    if TODAY_SKIP.search(href):
                        continue
                    with self.subTest(user=user.username, page=page, href=href):
                        answer = self.client.get(href)
                        opened += 1
                        self.assertLess(answer.status_code, 400)
            self.assertGreater(opened, 10, user.username)

    def test_actions_appear_only_for_who_may_take_them(self):
        answer = reverse("briefings:answer", args=[self.rec.pk])
        progress = reverse("briefings:progress", args=[self.task_a.pk])
        draft = reverse("briefings:draft", args=[self.conference.pk, "BC"])
        annex = reverse("briefings:annex", args=[self.conference.pk])
        expected = {
            # The recommendation is addressed to, and the task given to, commune A.
            self.committee: {answer: True, progress: True, draft: False, annex: False},
            self.board: {answer: True, progress: True, draft: True, annex: True},
            self.viewer: {answer: False, progress: False, draft: True, annex: True},
            self.secretary: {answer: False, progress: False, draft: False, annex: False},
        }
        for user, hrefs in expected.items():
            html = self.shown(user, self.detail)
            for href, present in hrefs.items():
                with self.subTest(user=user.username, href=href):
                    self.assertEqual(href in html, present)

    def test_new_conference_only_with_a_committee_to_host_it(self):
        new = reverse("briefings:new")
        for user, present in ((self.board, True), (self.committee, True), (self.secretary, False)):
            with self.subTest(user=user.username):
                self.assertEqual(new in self.shown(user, reverse("briefings:list")), present)
        # The secretary's way there is refused too, not only hidden.
        self.assert_statuses("get", new, {self.secretary: 403, self.viewer: 403})

    def test_papers_come_before_the_reports_on_the_conference_page(self):
        html = self.shown(self.board, self.detail)
        self.assertLess(html.index('data-testid="papers"'), html.index('data-testid="reports"'))

    def test_a_sent_report_opens_read_only_role_matrix(self):
        self.assert_statuses(
            "get",
            self.report_url,
            {
                self.board: 200,
                self.viewer: 200,
                self.committee: 200,
                self.secretary: 200,
                self.police_viewer: 200,
                self.outsider: 404,
            },
        )
        html = self.shown(self.viewer, self.report_url)
        self.assertIn("Giữ vững an ninh trên địa bàn xã A.", html)
        self.assertIn("Thiếu phòng họp.", html)
        self.assertNotIn('name="security"', html)  # no form to change what was sent
        self.assertIn(self.report_url, self.shown(self.viewer, self.detail))
        # It stays as sent: a read-only viewer may not post, and the writer meets a refusal.
        self.assert_statuses("post", self.report_url, {self.viewer: 403})
        self.assert_statuses("put", self.report_url, {self.secretary: 405})
        self.client.force_login(self.secretary)
        response = self.client.post(self.report_url, {"security": "Sửa", "difficulties": "x"})
        self.assertEqual(response.status_code, 400)
        self.report.refresh_from_db()
        self.assertEqual(self.report.security, "Giữ vững an ninh trên địa bàn xã A.")

    def test_a_report_not_yet_sent_is_for_its_writers(self):
        url = reverse("briefings:report", args=[self.conference.pk, self.cell_b.pk])
        self.assert_statuses(
            "get", url, {self.outsider: 200, self.viewer: 403, self.secretary: 404}
        )

    def test_a_sent_report_posted_with_csrf_enforced(self):
        """The real way: the draft of cell B sent through a CSRF-enforcing client."""
        url = reverse("briefings:report", args=[self.conference.pk, self.cell_b.pk])
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.outsider)
        page = client.get(url)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
        response = client.post(
            url,
            {
                "csrfmiddlewaretoken": token.group(1),
                "security": "Ổn định.",
                "other_tasks": "",
                "difficulties": "",
                "submit": "on",
            },
        )
        self.assertEqual(response.status_code, 302, response.content[:300])
        read = client.get(url)
        self.assertEqual(read.status_code, 200)
        self.assertIn("Ổn định.", read.content.decode())
        self.assertIn(url, client.get(self.detail).content.decode())

    def test_superior_names_link_only_where_the_page_opens(self):
        cell_page = reverse("orgs:detail", args=[self.cell_a.pk]) + "?as_of=2023-05-24"
        commune = reverse("orgs:detail", args=[self.commune_a.pk])
        self.assertNotIn(commune, self.shown(self.secretary, cell_page))
        self.assertIn("Đảng ủy xã A", self.shown(self.secretary, cell_page))
        self.assertIn(commune, self.shown(self.committee, cell_page))

    def test_an_ended_organization_is_titled_by_its_last_name(self):
        org_ops.rename(org=self.cell_b, on=D(2021, 1, 1), by=None, name="Chi bộ Công an xã B mới")
        org_ops.dissolve(org=self.cell_b, on=D(2022, 1, 1), by=None)
        html = self.shown(
            self.board, reverse("orgs:detail", args=[self.cell_b.pk]) + "?as_of=2024-01-01"
        )
        self.assertIn("<title>Chi bộ Công an xã B mới · chibo</title>", html)
        self.assertIn('<h1 class="h3">Chi bộ Công an xã B mới</h1>', html)
        self.assertIn("đến hết 31/12/2021", html)

    def test_followup_texts_are_cut_at_a_word(self):
        long_text = "Các đảng ủy xã ban hành quy chế phối hợp " * 5
        ops.raise_recommendation(
            conference=self.conference,
            raised_by=self.cell_a,
            addressed_to=self.commune_a,
            category="facilities",
            text=long_text,
            raised_on=D(2023, 5, 24),
            due_on=D(2023, 8, 1),
            by=None,
        )
        html = self.shown(self.board, reverse("briefings:followup"))
        cut = re.search(r"<td>(Các đảng ủy xã[^<]*…)</td>", html).group(1)
        self.assertLessEqual(len(cut), 120)
        self.assertTrue(long_text.startswith(cut.removesuffix("…")))
        self.assertEqual(long_text[len(cut) - 1], " ")


class AlertsOfferOnlyWhatOpensTests(ChiboTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # Cell A with one member: findings for the cell (members, Bí thư, quy chế…).
        add_member(cls.cell_a, "Lê Văn An")

    def test_dismiss_only_for_the_supervising_side_and_codes_only_in_tooltips(self):
        url = reverse("rules:alerts") + "?as_of=2023-05-24"
        for user, can_dismiss in (
            (self.committee, True),
            (self.board, True),
            (self.secretary, False),
            (self.viewer, False),
        ):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                html = self.client.get(url).content.decode()
                self.assertIn("Quy chế làm việc của chi bộ", html)
                self.assertEqual(reverse("rules:dismiss") in html, can_dismiss)
                # The code sits in a title attribute, never as the text a person reads.
                self.assertIn('title="F-7"', html)
                self.assertNotRegex(html, r">\s*(R-[A-Z]{3}-\d+|F-\d|BRIEF)\s*<")
                for href in set(links(html)):
                    if not TODAY_SKIP.search(href):
                        self.assertLess(self.client.get(href).status_code, 400, href)

    def test_the_action_link_leads_a_reader_to_the_organization(self):
        url = reverse("rules:alerts") + "?as_of=2023-05-24"
        new = reverse("documents:regulation_new") + f"?cell={self.cell_a.pk}"
        self.client.force_login(self.secretary)
        self.assertIn(new, self.client.get(url).content.decode())
        self.client.force_login(self.viewer)
        html = self.client.get(url).content.decode()
        self.assertNotIn(new, html)
        self.assertIn(reverse("orgs:detail", args=[self.cell_a.pk]), html)
