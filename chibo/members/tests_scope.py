"""Scope in time (issue 10): a user whose scope covers a person for part of that person's life
reads that part only; a person tied to an organization that has ended never vanishes."""

import datetime as dt

from django.urls import reverse

from chibo.accounts import access
from chibo.members import operations as ops
from chibo.members.models import MembershipKind, Person
from chibo.orgs import operations as orgs
from chibo.orgs.models import Kind
from chibo.test import ChiboTestCase, add_member, attrs, make_user

D = dt.date
LEFT_A = D(2023, 1, 10)


class PersonWindowTests(ChiboTestCase):
    """A member of cell A moves to cell B on 10/1/2023. Commune A's committee kept seeing
    them through the history of cell A; after the move it reads only that part."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.person = add_member(cls.cell_a, "Phan Văn Chuyển")
        Person.objects.filter(pk=cls.person.pk).update(cccd="049090001234")
        ops.set_police_service(
            person=cls.person, on=LEFT_A, cell=cls.cell_b, position="officer", rank=7, by=None
        )
        transfer = ops.transfer(
            person=cls.person,
            kind=MembershipKind.OFFICIAL,
            on=LEFT_A,
            to_cell=cls.cell_b,
            reason="Điều động",
            by=None,
        )
        ops.receive(transfer=transfer, on=D(2023, 1, 20), by=None)
        cls.url = reverse("members:detail", args=[cls.person.pk])

    def test_former_commune_reads_the_person_only_while_in_its_scope(self):
        window = access.person_window(self.committee, self.person, D(2026, 11, 30))
        self.assertFalse(window.full)
        self.assertEqual(window.last_day, D(2023, 1, 9))
        self.assertEqual(window.day(D(2026, 11, 30)), D(2023, 1, 9))
        self.login(self.committee)
        response = self.client.get(self.url, {"as_of": "2026-11-30"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "đến hết ngày 09/01/2023")
        self.assertContains(response, "Tình trạng đảng viên ngày 09/01/2023")
        timeline = response.content.decode()
        self.assertNotIn("Chi bộ Công an xã B", timeline)  # the later cell is not theirs
        self.assertNotIn("049090001234", timeline)

    def test_the_current_cell_holds_the_whole_record(self):
        window = access.person_window(self.outsider, self.person, D(2026, 11, 30))
        self.assertTrue(window.full)
        self.login(self.outsider)
        response = self.client.get(self.url, {"as_of": "2026-11-30"})
        self.assertNotContains(response, 'data-testid="clipped"')
        self.assertContains(response, "Chi bộ Công an xã A")  # history before the move

    def test_a_date_inside_the_period_reads_as_that_date(self):
        self.login(self.committee)
        response = self.client.get(self.url, {"as_of": "2022-06-01"})
        self.assertContains(response, "Tình trạng đảng viên ngày 01/06/2022")

    def test_api_person_is_clipped_the_same_way(self):
        self.login(self.committee)
        url = f"/api/v1/people/{self.person.pk}"
        body = self.client.get(url, {"as_of": "2026-11-30"}).json()
        self.assertEqual((body["status_on"], body["in_scope_until"]), ("2023-01-09", "2023-01-09"))
        self.assertIsNone(body["cccd"])
        self.login(self.outsider)
        body = self.client.get(url, {"as_of": "2026-11-30"}).json()
        self.assertEqual((body["status_on"], body["in_scope_until"]), ("2026-11-30", None))

    def test_role_matrix_of_the_clipped_view(self):
        """Who reads what of a member who moved from cell A to cell B on 10/1/2023."""
        expected = {
            self.board: (200, False),  # the district holds both cells: the whole record
            self.viewer: (200, False),
            self.admin: (200, False),
            self.outsider: (200, False),  # commune B holds the record now
            self.committee: (200, True),  # commune A: only the time in cell A
            self.secretary: (200, True),  # cell A: the same
            self.police_viewer: (200, False),  # the police committee: both cells' sector
        }
        for user, (status, clipped) in expected.items():
            with self.subTest(user=user.username):
                self.login(user)
                response = self.client.get(self.url, {"as_of": "2026-11-30"})
                self.assertEqual(response.status_code, status)
                self.assertEqual('data-testid="clipped"' in response.content.decode(), clipped)
                api = self.client.get(f"/api/v1/people/{self.person.pk}", {"as_of": "2026-11-30"})
                self.assertEqual(api.json()["in_scope_until"], "2023-01-09" if clipped else None)
        self.login(self.secretary)
        self.assertEqual(self.client.post(self.url).status_code, 405)
        self.assertEqual(self.client.post(f"/api/v1/people/{self.person.pk}").status_code, 405)

    def test_a_post_that_starts_later_does_not_break_the_view(self):
        """No tie holds today, one has ended and an open one starts next year: the person is
        read through the one that ends last (the open one), never a 500."""
        person = ops.add_person(
            data=ops.PersonData(ho="Võ", ten_dem="Văn", ten="Sau", gender="M"),
            registered_by=self.commune_a,
            by=None,
        )
        ops.appoint(
            person=person, organization=self.commune_a, role="deputy", on=D(2021, 1, 1), by=None
        )
        position = person.positions.get()
        ops.end_position(position=position, on=D(2022, 1, 1), by=None)
        later = dt.date.today() + dt.timedelta(days=200)
        ops.appoint(person=person, organization=self.commune_a, role="deputy", on=later, by=None)
        self.login(self.committee)
        url = reverse("members:detail", args=[person.pk])
        self.assertEqual(self.client.get(url).status_code, 200)

    def test_outside_every_period_is_still_404(self):
        stranger = make_user("stranger", "committee", self.commune_b, valid_from=D(2020, 1, 1))
        other = add_member(self.cell_a, "Đỗ Văn Khác")
        self.login(stranger)
        response = self.client.get(reverse("members:detail", args=[other.pk]))
        self.assertEqual(response.status_code, 404)


class EndedOrganizationTests(ChiboTestCase):
    def test_a_position_left_open_in_an_ended_organization_does_not_hide_the_person(self):
        """Person 75 of the demo: a Phó Bí thư of a district committee that ended while the
        post stayed open. They stay readable by those who saw that committee."""
        office = orgs.create(
            attrs=attrs("Ban chỉ đạo H", Kind.GRASSROOTS_COMMITTEE),
            on=D(2020, 1, 1),
            by=None,
            parent=self.district,
        )
        person = ops.add_person(
            data=ops.PersonData(ho="Lê", ten_dem="Thị", ten="Hà", gender="F"),
            registered_by=self.district,
            by=None,
        )
        ops.appoint(person=person, organization=office, role="deputy", on=D(2021, 1, 1), by=None)
        orgs.dissolve(org=office, on=D(2025, 7, 1), by=None)
        url = reverse("members:detail", args=[person.pk])
        self.assert_statuses("GET", url, {self.board: 200, self.viewer: 200, self.outsider: 404})
        self.login(self.board)
        self.assertEqual(self.client.get(f"/api/v1/people/{person.pk}").status_code, 200)
