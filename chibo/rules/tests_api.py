"""API parity for the alerts page (issue 9): typed findings, and setting one aside with a
reason, only by the supervising side, with the role matrix."""

import json

from chibo.rules.models import Dismissal
from chibo.test import ChiboTestCase, add_member

URL = "/api/v1/findings/dismiss?as_of=2023-05-24"


class DismissApiTests(ChiboTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        add_member(cls.cell_a, "Nguyễn Văn Hòa")

    def post(self, payload):
        return self.client.post(URL, json.dumps(payload), content_type="application/json")

    def test_dismiss_with_reason_only_by_the_supervising_side(self):
        self.login(self.committee)
        found = self.client.get("/api/v1/findings", {"as_of": "2023-05-24"}).json()
        finding = next(f for f in found["findings"] if f["organization"] == self.cell_a.pk)
        payload = {"key": finding["key"], "reason": "Đã báo cáo miệng"}
        for user, status in ((self.secretary, 403), (self.viewer, 403), (self.outsider, 404)):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.post(payload).status_code, status)
        self.login(self.committee)
        self.assertEqual(self.client.get(URL).status_code, 405)
        self.assertIn("reason", self.post({**payload, "reason": ""}).json()["errors"])
        self.assertEqual(self.post({**payload, "reason": "x" * 501}).status_code, 400)
        self.assertFalse(Dismissal.objects.exists())
        made = self.post(payload)
        self.assertEqual(made.status_code, 201, made.content)
        self.assertEqual(made.json()["from_day"], "2023-05-24")
        self.assertEqual(Dismissal.objects.get().reason, "Đã báo cáo miệng")
        self.assertEqual(self.post(payload).status_code, 404)  # no longer listed
