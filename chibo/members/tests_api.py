"""API of members, people, positions, regulations and stats: role matrix, scope, the same
validation as the forms, no 500 and no partial write on bad input."""

import datetime as dt
import json

from chibo.documents.models import WorkingRegulation
from chibo.members import operations as ops
from chibo.members.models import Person, Position
from chibo.test import ChiboTestCase, add_member

D = dt.date


class ApiTests(ChiboTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.member = add_member(cls.cell_a, "Nguyễn Văn Hòa")
        add_member(cls.cell_a, "Trần Văn Hoà")
        add_member(cls.cell_b, "Lê Văn Bê")
        cls.position = ops.appoint(
            person=cls.member, organization=cls.cell_a, role="secretary", on=D(2021, 1, 1), by=None
        )

    def post(self, url, payload):
        return self.client.post(url, json.dumps(payload), content_type="application/json")

    def test_role_matrix_read(self):
        allowed = [self.admin, self.board, self.committee, self.secretary, self.viewer]
        for url in (
            "/api/v1/members",
            "/api/v1/stats",
            "/api/v1/positions",
            "/api/v1/regulations",
            f"/api/v1/people/{self.member.pk}",
        ):
            self.assert_statuses("get", url, {u: 200 for u in allowed})
            self.assert_statuses("delete", url, {self.admin: 405})
        self.assert_statuses("get", f"/api/v1/people/{self.member.pk}", {self.outsider: 404})

    def test_members_search_and_scope(self):
        self.login(self.committee)
        data = self.client.get("/api/v1/members", {"q": "hoa", "as_of": "2023-05-24"}).json()
        self.assertEqual(
            [i["full_name"] for i in data["items"]], ["Trần Văn Hoà", "Nguyễn Văn Hòa"]
        )
        self.assertEqual(data["items"][1]["party_role"], "Bí thư")
        self.login(self.outsider)
        data = self.client.get("/api/v1/members").json()
        self.assertEqual([i["full_name"] for i in data["items"]], ["Lê Văn Bê"])

    def test_members_with_a_probationer(self):
        add_member(self.cell_a, "Võ Văn Dự", ceremony=D(2023, 1, 5), official=False)
        self.login(self.board)
        data = self.client.get("/api/v1/members", {"as_of": "2023-05-24"}).json()
        official = {i["full_name"]: i["official"] for i in data["items"]}
        self.assertIs(official["Võ Văn Dự"], False)
        self.assertIs(official["Nguyễn Văn Hòa"], True)

    def test_members_bad_input(self):
        self.login(self.board)
        for query in ({"as_of": "31/02/2023"}, {"rank": "99"}, {"limit": "0"}, {"cell": "x"}):
            with self.subTest(query=query):
                self.assertEqual(self.client.get("/api/v1/members", query).status_code, 400)

    def test_person_cccd_only_for_writers(self):
        Person.objects.filter(pk=self.member.pk).update(cccd="049090000123")
        self.login(self.viewer)
        self.assertIsNone(self.client.get(f"/api/v1/people/{self.member.pk}").json()["cccd"])
        self.login(self.secretary)
        body = self.client.get(f"/api/v1/people/{self.member.pk}").json()
        self.assertEqual(body["cccd"], "049090000123")
        self.assertEqual(body["status"], "official")

    def test_create_person_matrix_and_validation(self):
        payload = {
            "ho": "Võ",
            "ten_dem": "Văn",
            "ten": "Mới",
            "gender": "M",
            "registered_by": self.cell_a.pk,
        }
        self.login(self.viewer)
        self.assertEqual(self.post("/api/v1/people", payload).status_code, 403)
        self.login(self.outsider)
        response = self.post("/api/v1/people", payload)
        self.assertEqual(response.status_code, 400)  # cell A is not a choice for xã B
        self.assertIn("registered_by", response.json()["errors"])
        self.login(self.secretary)
        bad = self.post(
            "/api/v1/people", {**payload, "cccd": "1234567890123", "birth_date": "2099-01-02"}
        )
        self.assertEqual(bad.status_code, 400)
        self.assertEqual(set(bad.json()["errors"]), {"cccd", "birth_date"})
        # The schema takes ISO dates only; a page's dd/mm/yyyy is refused at the field.
        bad = self.post("/api/v1/people", {**payload, "birth_date": "31/02/2023"})
        self.assertEqual(
            bad.json()["errors"], {"birth_date": ["Phải là một ngày dạng yyyy-mm-dd."]}
        )
        self.assertFalse(Person.objects.filter(ten="Mới").exists())
        created = self.post("/api/v1/people", {**payload, "birth_date": "1999-04-02"})
        self.assertEqual(created.status_code, 201, created.content)
        self.assertEqual(created.json()["full_name"], "Võ Văn Mới")

    def test_create_position(self):
        url = "/api/v1/positions"
        payload = {
            "person": self.member.pk,
            "organization": self.cell_a.pk,
            "role": "deputy",
            "on": "2023-01-01",
        }
        self.login(self.viewer)
        self.assertEqual(self.post(url, payload).status_code, 403)
        self.login(self.outsider)
        self.assertEqual(self.post(url, payload).status_code, 404)
        self.login(self.committee)
        self.assertEqual(self.post(url, {**payload, "role": "chief"}).status_code, 400)
        response = self.post(url, payload)
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["role_label"], "Phó Bí thư")
        self.assertEqual(self.post(url, payload).status_code, 400)  # already holds it
        self.assertEqual(Position.objects.filter(role="deputy").count(), 1)

    def test_create_regulation(self):
        url = "/api/v1/regulations"
        payload = {
            "cell": self.cell_a.pk,
            "number": "01-QC/CB",
            "title": "Quy chế",
            "issued_on": "2021-08-02",
        }
        self.login(self.viewer)
        self.assertEqual(self.post(url, payload).status_code, 403)
        self.login(self.secretary)
        self.assertEqual(self.post(url, {**payload, "issued_on": "2019-01-01"}).status_code, 400)
        self.assertEqual(self.post(url, payload).status_code, 201)
        listed = self.client.get(url, {"as_of": "2023-05-24", "in_force": "true"}).json()
        self.assertEqual([r["number"] for r in listed], ["01-QC/CB"])
        self.assertEqual(WorkingRegulation.objects.count(), 1)

    def test_stats_scope(self):
        self.login(self.outsider)
        body = self.client.get("/api/v1/stats", {"as_of": "2023-05-24"}).json()
        self.assertEqual((body["police_cells"], body["members"]), (1, 1))
        self.assertEqual(self.client.get("/api/v1/stats", {"org": self.cell_a.pk}).status_code, 404)
        self.assertEqual(self.client.get("/api/v1/stats", {"org": "abc"}).status_code, 400)


class WorkflowApiTests(ChiboTestCase):
    def post(self, url, payload):
        return self.client.post(url, json.dumps(payload), content_type="application/json")

    def test_admit_recognize_transfer(self):
        from chibo.members.models import PartyRecord, Transfer

        person = ops.add_person(
            data=ops.PersonData(
                ho="Lê", ten_dem="Văn", ten="Mới", gender="M", birth_date=D(1998, 1, 1)
            ),
            registered_by=self.cell_a,
            by=None,
        )
        base = f"/api/v1/people/{person.pk}"
        admit = {
            "cell": self.cell_a.pk,
            "decision_date": "2022-08-10",
            "ceremony_date": "2022-09-02",
        }
        self.login(self.viewer)
        self.assertEqual(self.post(f"{base}/admit", admit).status_code, 403)
        self.login(self.outsider)
        self.assertEqual(self.post(f"{base}/admit", admit).status_code, 404)
        self.login(self.secretary)
        bad = self.post(f"{base}/admit", {**admit, "ceremony_date": "2022-08-01"})
        self.assertEqual(bad.status_code, 400)
        self.assertIn("ceremony_date", bad.json()["errors"])
        self.assertFalse(PartyRecord.objects.filter(person=person).exists())
        body = self.post(f"{base}/admit", admit).json()
        self.assertEqual((body["status"], body["probation_end"]), ("probationary", "2023-09-02"))
        self.assertEqual(
            self.post(f"{base}/recognize", {"decided_on": "2023-08-01"}).status_code, 400
        )
        body = self.post(f"{base}/recognize", {"decided_on": "2023-09-10"}).json()
        self.assertEqual((body["status"], body["official_date"]), ("official", "2023-09-02"))
        same = self.post(
            f"{base}/transfer", {"kind": "official", "on": "2024-01-10", "to_cell": self.cell_a.pk}
        )
        self.assertEqual(same.status_code, 400)
        self.assertFalse(Transfer.objects.exists())
        moved = self.post(
            f"{base}/transfer",
            {
                "kind": "temporary",
                "on": "2024-01-10",
                "to_cell": self.cell_b.pk,
                "until": "2024-03-31",
                "received_on": "2024-01-11",
            },
        )
        self.assertEqual(moved.status_code, 200, moved.content)
        self.assertEqual(Transfer.objects.get().until, D(2024, 4, 1))
        self.assert_statuses("get", f"{base}/admit", {self.secretary: 405})
