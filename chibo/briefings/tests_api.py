"""API parity for the conference pages (issue 9): create a conference, a cell's report saved
then sent, conclusions with their tasks, issuing a paper with its number (R-DOC-03) — each
with the role matrix and the same checks as the page."""

import datetime as dt
import json

from chibo.accounts.models import Role
from chibo.briefings.models import CellReport, Conference, IssuedPaper
from chibo.briefings.tests import ConferenceTestCase
from chibo.test import make_user

D = dt.date


class ConferenceParityTests(ConferenceTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # Sees nothing on the conference day: a board grant that ended in 2021.
        cls.former = make_user("former", Role.BOARD, cls.district, valid_to=D(2021, 1, 1))

    def send(self, method, url, payload=None):
        if method == "get":
            return self.client.get(url)
        return getattr(self.client, method)(
            url, json.dumps(payload or {}), content_type="application/json"
        )

    def matrix(self, url, payload, *, allowed, method="post", outside=None, denied=None):
        for user, status in ((denied or self.viewer, 403), (outside or self.former, 404)):
            with self.subTest(user=user.username, url=url):
                self.login(user)
                self.assertEqual(self.send(method, url, payload).status_code, status)
        self.login(allowed)
        self.assertEqual(self.send("get", url).status_code, 405)
        return self.send(method, url, payload)

    def test_create_conference(self):
        payload = {
            "host": self.district.pk,
            "title": "các chi bộ Công an xã",
            "date": "2023-11-20",
            "period_start": "2023-05-24",
            "period_end": "2023-11-19",
        }
        url = "/api/v1/conferences"
        self.login(self.viewer)
        self.assertEqual(self.send("post", url, payload).status_code, 403)
        self.login(self.outsider)  # xã B may not hold the district's conference
        self.assertIn("host", self.send("post", url, payload).json()["errors"])
        self.login(self.board)
        self.assertEqual(self.send("delete", url).status_code, 405)
        no_title = self.send("post", url, {**payload, "title": None})
        self.assertEqual(no_title.status_code, 400)
        self.assertEqual(Conference.objects.count(), 1)
        made = self.send("post", url, payload)
        self.assertEqual(made.status_code, 201, made.content)
        self.assertEqual((made.json()["date"], made.json()["invited"]), ("2023-11-20", 2))

    def test_cell_report_saved_then_sent(self):
        url = f"/api/v1/conferences/{self.conference.pk}/reports/{self.cell_a.pk}"
        draft = self.matrix(
            url,
            {"security": "Ổn định"},
            allowed=self.secretary,
            method="put",
            outside=self.outsider,
        )
        self.assertEqual(draft.status_code, 200, draft.content)
        self.assertEqual(draft.json()["stage"], "draft")
        sent = self.send("put", url, {"security": "Ổn định", "submit": True})
        self.assertEqual(sent.json()["stage"], "submitted")
        again = self.send("put", url, {"security": "Sửa"})
        self.assertEqual(again.status_code, 400)  # a sent report is not edited
        self.assertEqual(CellReport.objects.get(cell=self.cell_a).security, "Ổn định")

    def test_conclusion_with_tasks(self):
        url = f"/api/v1/conferences/{self.conference.pk}/conclusions"
        payload = {
            "text": "Kiện toàn chi ủy",
            "group": "Đảng ủy xã A",
            "assignees": [self.commune_a.pk],
            "due_on": "2023-12-31",
        }
        self.login(self.board)
        stranger = self.send("post", url, {**payload, "assignees": [self.province.pk]})
        self.assertIn("assignees", stranger.json()["errors"])
        made = self.matrix(url, payload, allowed=self.board, denied=self.secretary)
        self.assertEqual(made.status_code, 201, made.content)
        self.assertIn("Kiện toàn chi ủy", [t["text"] for t in made.json()["tasks"]])

    def test_r_doc_03_issue_a_paper(self):
        url = f"/api/v1/conferences/{self.conference.pk}/papers/TB"
        self.login(self.board)
        self.assertIn("confirm", self.send("post", url, {"confirm": False}).json()["errors"])
        bad_kind = self.send("post", f"/api/v1/conferences/{self.conference.pk}/papers/XX", {})
        self.assertEqual(bad_kind.status_code, 400)
        made = self.matrix(url, {"confirm": True}, allowed=self.board, denied=self.committee)
        self.assertEqual(made.status_code, 201, made.content)
        self.assertEqual(made.json()["number"], "01-TB/HU")
        # Issued already: a conflict with what was done, not a bad request.
        self.assertEqual(self.send("post", url, {"confirm": True}).status_code, 409)
        self.assertEqual(IssuedPaper.objects.count(), 1)
