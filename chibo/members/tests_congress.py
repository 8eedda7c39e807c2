"""Congresses and terms (R-ORG-06, R-ORG-04): recorded through the page and the API, the
elected as positions, and the soon / due / overdue findings by each term's own policy."""

import datetime as dt

from django.test import Client
from django.urls import reverse

from chibo.compliance import checks
from chibo.members import operations as ops
from chibo.members.models import Position, Role
from chibo.orgs.models import Term, TermPolicy
from chibo.test import ChiboTestCase, add_member

D = dt.date
API = "/api/v1/congresses"


def terms_found(on, cell):
    return [
        f
        for f in checks.run(scope_ids=None, on=on)
        if f.rule_id == "R-ORG-06" and f.organization_id == cell.pk
    ]


class CongressTestCase(ChiboTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.people = [add_member(cls.cell_a, f"Nguyễn Văn Đại{i}") for i in range(4)]
        cls.other = add_member(cls.cell_b, "Trần Văn Khác")

    def congress(self, starts_on, label, policy, secretary=0, deputy=None, committee=()):
        return ops.record_congress(
            organization=self.cell_a,
            congress=ops.Congress(
                congress_on=starts_on,
                starts_on=starts_on,
                label=label,
                policy=policy,
                secretary=self.people[secretary],
                deputy=None if deputy is None else self.people[deputy],
                committee=tuple(self.people[i] for i in committee),
            ),
            by=None,
        )


class CongressPageTests(CongressTestCase):
    def url(self, cell=None):
        return reverse("members:congress", args=[(cell or self.cell_a).pk]) + "?as_of=2022-10-01"

    def form(self, **extra):
        return {
            "congress_on": "01/10/2022",
            "starts_on": "01/10/2022",
            "label": "2022–2025",
            "policy": TermPolicy.TWICE_IN_FIVE,
            "secretary": self.people[0].pk,
            "deputy": self.people[1].pk,
            **extra,
        }

    def test_r_org_06_page_role_matrix(self):
        url = self.url()
        self.assert_statuses(
            "get",
            url,
            {
                self.admin: 200,
                self.superuser: 200,
                self.board: 200,
                self.committee: 200,
                self.secretary: 200,
                self.viewer: 403,
                self.police_viewer: 403,
                self.outsider: 404,
            },
        )
        self.assert_statuses("put", url, {self.secretary: 405, self.viewer: 405})
        self.assert_statuses("post", url, {self.viewer: 403, self.outsider: 404})
        self.assertFalse(Term.objects.exists())

    def test_r_org_06_page_records_term_and_elected_positions(self):
        self.login(self.secretary)
        response = self.client.post(self.url(), self.form())
        self.assertEqual(response.status_code, 302, response.content[:400])
        term = Term.objects.get(organization=self.cell_a)
        self.assertEqual(
            (term.valid_from, term.policy, term.label), (D(2022, 10, 1), "2_per_5y", "2022–2025")
        )
        self.assertEqual(term.due_on, D(2025, 4, 1))
        held = set(
            Position.objects.on(D(2022, 10, 1))
            .filter(organization=self.cell_a)
            .values_list("person_id", "role", "term")
        )
        self.assertEqual(
            held,
            {
                (self.people[0].pk, Role.SECRETARY, "2022–2025"),
                (self.people[1].pk, Role.DEPUTY, "2022–2025"),
            },
        )
        detail = self.client.get(
            reverse("orgs:detail", args=[self.cell_a.pk]), {"as_of": "2022-10-01"}
        )
        self.assertContains(detail, reverse("members:congress", args=[self.cell_a.pk]))
        self.assertContains(detail, "2022–2025")
        self.assertContains(detail, "Hai lần trong 5 năm")
        self.login(self.viewer)  # read-only: sees the terms, not the button
        detail = self.client.get(reverse("orgs:detail", args=[self.cell_a.pk]))
        self.assertContains(detail, "2022–2025")
        self.assertNotContains(detail, reverse("members:congress", args=[self.cell_a.pk]))

    def test_r_org_04_page_refuses_a_non_member_with_nothing_written(self):
        self.login(self.committee)
        response = self.client.post(self.url(), self.form(secretary=self.other.pk))
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Hãy chọn một lựa chọn hợp lệ", status_code=400)
        self.assertFalse(Term.objects.exists())
        response = self.client.post(self.url(), self.form(starts_on="01/09/2022"))
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "từ ngày đại hội hoặc sau đó", status_code=400)
        self.assertFalse(Position.objects.filter(organization=self.cell_a).exists())

    def test_r_org_06_page_with_csrf_enforced(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.secretary)
        self.assertEqual(client.post(self.url(), self.form()).status_code, 403)
        token = client.get(self.url()).cookies["csrftoken"].value
        response = client.post(self.url(), {**self.form(), "csrfmiddlewaretoken": token})
        self.assertEqual(response.status_code, 302)


class CongressApiTests(CongressTestCase):
    def body(self, **extra):
        return {
            "organization": self.cell_a.pk,
            "congress_on": "2022-10-01",
            "starts_on": "2022-10-01",
            "label": "2022–2025",
            "policy": "2_per_5y",
            "secretary": self.people[0].pk,
            "committee": [self.people[2].pk, self.people[3].pk],
            **extra,
        }

    def post(self, user, body):
        self.login(user)
        return self.client.post(API, body, content_type="application/json")

    def test_r_org_06_api_records_and_lists(self):
        response = self.post(self.committee, self.body())
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["due_on"], "2025-04-01")
        roles = sorted(
            Position.objects.filter(organization=self.cell_a).values_list("person_id", "role")
        )
        self.assertEqual(
            roles,
            sorted(
                [
                    (self.people[0].pk, Role.SECRETARY),
                    (self.people[0].pk, Role.CELL_COMMITTEE),
                    (self.people[2].pk, Role.CELL_COMMITTEE),
                    (self.people[3].pk, Role.CELL_COMMITTEE),
                ]
            ),
        )
        listed = self.client.get(API, {"org": self.cell_a.pk})
        self.assertEqual([t["label"] for t in listed.json()], ["2022–2025"])

    def test_r_org_06_api_role_matrix_and_bad_input(self):
        self.assertEqual(self.post(self.viewer, self.body()).status_code, 403)
        self.assertEqual(self.post(self.outsider, self.body()).status_code, 404)
        bad = self.post(self.committee, self.body(policy="3_per_5y", congress_on="31/02/2022"))
        self.assertEqual(bad.status_code, 400)
        self.assertIn("policy", bad.json()["errors"])
        self.assertIn("congress_on", bad.json()["errors"])
        # Ids typed as text, or of people outside the cell, are refused at the field.
        for committee, field in ((["1", "2"], "committee.0"), ([99999], "committee")):
            refused = self.post(self.committee, self.body(committee=committee))
            self.assertEqual(refused.status_code, 400)
            self.assertIn(field, refused.json()["errors"])
        self.assertFalse(Term.objects.exists())
        self.login(self.outsider)
        self.assertEqual(self.client.get(API, {"org": self.cell_a.pk}).status_code, 404)
        self.login(self.viewer)
        self.assertEqual(self.client.put(API).status_code, 405)


class TermFindingTests(CongressTestCase):
    def test_r_org_06_2022_term_twice_in_five_years_stays_due_after_1_7_2025(self):
        self.congress(D(2022, 10, 1), "2022–2025", TermPolicy.TWICE_IN_FIVE)
        self.assertEqual(terms_found(D(2024, 12, 31), self.cell_a), [])  # 91 days before
        self.assertEqual([f.severity for f in terms_found(D(2025, 1, 1), self.cell_a)], ["low"])
        due = terms_found(D(2025, 4, 1), self.cell_a)
        self.assertEqual([f.severity for f in due], ["medium"])
        self.assertIn("đến hết ngày 01/10/2025", due[0].message)
        # The pilot of one congress in five years does not re-time a term begun before it.
        self.assertEqual([f.severity for f in terms_found(D(2025, 7, 1), self.cell_a)], ["medium"])
        self.assertEqual([f.severity for f in terms_found(D(2025, 10, 1), self.cell_a)], ["medium"])
        overdue = terms_found(D(2025, 10, 2), self.cell_a)
        self.assertEqual([f.severity for f in overdue], ["high"])
        self.assertIn("Quá hạn đại hội", overdue[0].message)

    def test_r_org_06_new_congress_closes_the_old_term_and_its_findings(self):
        old = self.congress(D(2022, 10, 1), "2022–2025", TermPolicy.TWICE_IN_FIVE, deputy=1)
        new = self.congress(D(2025, 9, 20), "2025–2030", TermPolicy.ONCE_IN_FIVE, secretary=2)
        old.refresh_from_db()
        self.assertEqual(old.valid_to, D(2025, 9, 20))
        self.assertEqual(new.due_on, D(2030, 9, 20))
        self.assertEqual(terms_found(D(2026, 11, 30), self.cell_a), [])
        self.assertEqual([f.severity for f in terms_found(D(2030, 7, 1), self.cell_a)], ["low"])
        # The outgoing leadership's mandate ended with its term.
        held = Position.objects.on(D(2025, 9, 20)).filter(organization=self.cell_a)
        self.assertEqual(
            list(held.values_list("person_id", "role")), [(self.people[2].pk, "secretary")]
        )

    def test_r_org_04_committee_over_seven_is_refused(self):
        many = [add_member(self.cell_a, f"Lê Văn Ủy{i}") for i in range(5)]
        self.people.extend(many)
        with self.assertRaisesMessage(Exception, "quá 7"):
            self.congress(
                D(2022, 10, 1),
                "2022–2025",
                TermPolicy.TWICE_IN_FIVE,
                deputy=1,
                committee=range(2, 9),
            )
        self.assertFalse(Term.objects.exists())
