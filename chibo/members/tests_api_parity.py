"""API parity for the member pages (issue 9): update a person, record an existing member,
exempt and end the exemption (R-MEM-11), remove, death, police post and rank, end a position,
receive a transfer (R-MEM-09) — each with the role matrix and the same checks as the page."""

import datetime as dt
import json

from chibo.members import operations as ops
from chibo.members.models import Exemption, PartyRecord, Position, Transfer
from chibo.test import ChiboTestCase, add_member

D = dt.date


class ParityTestCase(ChiboTestCase):
    def send(self, method, url, payload=None):
        if method == "get":
            return self.client.get(url)
        return getattr(self.client, method)(
            url, json.dumps(payload or {}), content_type="application/json"
        )

    def matrix(self, url, payload, *, allowed, method="post", outside=None, wrong="get"):
        """403 for the read-only viewer, 404 outside the scope, 405 for a wrong method, then
        the allowed user's answer (returned), with nothing written by the refused ones."""
        for user, status in ((self.viewer, 403), (outside or self.outsider, 404)):
            with self.subTest(user=user.username, url=url):
                self.login(user)
                self.assertEqual(self.send(method, url, payload).status_code, status)
        self.login(allowed)
        self.assertEqual(self.send(wrong, url, payload).status_code, 405)
        return self.send(method, url, payload)


class PersonParityTests(ParityTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.member = add_member(cls.cell_a, "Nguyễn Văn Hòa")

    def test_update_person(self):
        url = f"/api/v1/people/{self.member.pk}"
        payload = {"ho": "Nguyễn", "ten_dem": "Văn", "ten": "Hoà", "gender": "M"}
        response = self.matrix(
            url,
            {**payload, "home_town": "Hiệp Đức"},
            allowed=self.secretary,
            method="put",
            wrong="post",
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.member.refresh_from_db()
        self.assertEqual((self.member.ten, self.member.home_town), ("Hoà", "Hiệp Đức"))
        refused = self.send("put", url, {**payload, "ten": "Hoà Bình"})  # one word (R-TXT-03)
        self.assertIn("ten", refused.json()["errors"])

    def test_update_person_keeps_what_the_body_leaves_out(self):
        """A field left out keeps its stored value (the phone is not in the answer, so a
        client that reads, edits and sends back must not erase it); "" clears a field."""
        self.member.phone = "0905123456"
        self.member.home_town = "Quảng Nam"
        self.member.birth_date = dt.date(1920, 1, 1)  # over 100 today: unchanged, not judged
        self.member.save()
        url = f"/api/v1/people/{self.member.pk}"
        self.login(self.secretary)
        response = self.send("put", url, {"ten": "Hoà", "home_town": ""})
        self.assertEqual(response.status_code, 200, response.content)
        self.member.refresh_from_db()
        self.assertEqual(
            (self.member.ten, self.member.phone, self.member.home_town, self.member.birth_date),
            ("Hoà", "0905123456", "", dt.date(1920, 1, 1)),
        )

    def test_existing_member(self):
        person = ops.add_person(
            data=ops.PersonData(ho="Lê", ten_dem="Văn", ten="Cũ", gender="M"),
            registered_by=self.cell_a,
            by=None,
        )
        payload = {
            "cell": self.cell_a.pk,
            "since": "2020-01-01",
            "decision_date": "2014-02-01",
            "ceremony_date": "2014-03-01",
            "official": True,
        }
        response = self.matrix(
            f"/api/v1/people/{person.pk}/existing", payload, allowed=self.secretary
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["status"], "official")
        self.assertTrue(PartyRecord.objects.filter(person=person).exists())

    def test_r_mem_11_exempt_then_end(self):
        base = f"/api/v1/people/{self.member.pk}"
        response = self.matrix(
            f"{base}/exempt", {"on": "2024-01-01", "reason": "Tuổi cao"}, allowed=self.secretary
        )
        self.assertEqual(response.status_code, 200, response.content)
        exemption = Exemption.objects.get(person=self.member)
        self.assertEqual(exemption.valid_from, D(2024, 1, 1))
        response = self.matrix(f"{base}/exempt/end", {"on": "2024-06-01"}, allowed=self.secretary)
        self.assertEqual(response.status_code, 200, response.content)
        exemption.refresh_from_db()
        self.assertEqual(exemption.valid_to, D(2024, 6, 1))

    def test_end_membership_needs_confirmation(self):
        url = f"/api/v1/people/{self.member.pk}/end"
        payload = {"on": "2024-03-01", "reason": "removed", "confirm": False}
        self.login(self.secretary)
        self.assertIn("confirm", self.send("post", url, payload).json()["errors"])
        response = self.matrix(url, {**payload, "confirm": True}, allowed=self.secretary)
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(PartyRecord.objects.get(person=self.member).end_reason, "removed")

    def test_death(self):
        url = f"/api/v1/people/{self.member.pk}/death"
        response = self.matrix(url, {"on": "2024-03-01", "confirm": True}, allowed=self.secretary)
        self.assertEqual(response.status_code, 200, response.content)
        record = PartyRecord.objects.get(person=self.member)
        self.assertEqual((record.end_reason, response.json()["status"]), ("died", "ended"))

    def test_police_post_and_rank(self):
        url = f"/api/v1/people/{self.member.pk}/police"
        payload = {"on": "2024-02-01", "cell": self.cell_a.pk, "position": "deputy", "rank": 8}
        self.login(self.secretary)
        missing = self.send("post", url, {**payload, "position": None})
        self.assertEqual(missing.json()["errors"], {"position": ["Hãy chọn chức vụ."]})
        response = self.matrix(url, payload, allowed=self.secretary)
        self.assertEqual(response.status_code, 200, response.content)
        service = self.member.police_service.get(valid_from=D(2024, 2, 1))
        self.assertEqual(service.position, "deputy")
        self.assertEqual(self.member.ranks.get(valid_from=D(2024, 2, 1)).rank, 8)


class PositionAndTransferParityTests(ParityTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.member = add_member(cls.cell_a, "Nguyễn Văn Hòa")
        cls.position = ops.appoint(
            person=cls.member, organization=cls.cell_a, role="secretary", on=D(2021, 1, 1), by=None
        )

    def test_end_position(self):
        url = f"/api/v1/positions/{self.position.pk}/end"
        self.login(self.secretary)
        self.assertEqual(self.send("post", url, {"on": "2020-01-01"}).status_code, 400)
        response = self.matrix(url, {"on": "2024-01-01"}, allowed=self.secretary)
        self.assertEqual(response.status_code, 200, response.content)
        self.assertIsNotNone(Position.objects.get(pk=self.position.pk).valid_to)

    def test_r_mem_09_receive_a_transfer(self):
        move = ops.transfer(
            person=self.member, kind="official", on=D(2024, 1, 10), to_cell=self.cell_b, by=None
        )
        url = f"/api/v1/transfers/{move.pk}/receive"
        # The receiving cell's side receives: the sending cell's secretary is outside it.
        response = self.matrix(
            url, {"on": "2024-01-20"}, allowed=self.outsider, outside=self.secretary
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["received_on"], "2024-01-20")
        self.assertEqual(Transfer.objects.get(pk=move.pk).received_on, D(2024, 1, 20))
