"""Guards found in review: write access follows where a person is now, history cannot be
rewritten by back-dated changes, nothing half-written, wrongly typed API input is a 400."""

import datetime as dt
import json

from django.core.exceptions import ValidationError
from django.urls import reverse

from chibo.accounts import access
from chibo.accounts.access import Capability
from chibo.compliance import checks
from chibo.documents.models import WorkingRegulation
from chibo.figures import stats
from chibo.lib.vnnumbers import number
from chibo.members import operations as ops
from chibo.members.models import Membership, MembershipKind, Person, PoliceService, Position
from chibo.test import ChiboTestCase, add_member

D = dt.date


class GuardTests(ChiboTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.member = add_member(cls.cell_a, "Nguyễn Văn Đi")
        cls.other = add_member(cls.cell_a, "Trần Văn Ở")

    def move_to_b(self, on=None):
        on = on or D(2023, 1, 10)
        ops.set_police_service(
            person=self.member, on=on, cell=self.cell_b, position="officer", rank=None, by=None
        )
        return ops.transfer(
            person=self.member,
            kind=MembershipKind.OFFICIAL,
            on=on,
            to_cell=self.cell_b,
            received_on=on,
            by=None,
        )

    def test_former_cell_keeps_read_but_loses_write(self):
        self.move_to_b()
        self.assertTrue(access.can_person(self.secretary, self.member, D(2022, 6, 1)))
        self.assertFalse(
            access.can_person(self.secretary, self.member, D(2022, 6, 1), Capability.WRITE)
        )
        self.assertTrue(
            access.can_person(self.outsider, self.member, D(2023, 6, 1), Capability.WRITE)
        )
        url = reverse("members:death", args=[self.member.pk]) + "?as_of=2022-06-01"
        self.assert_statuses("get", url, {self.secretary: 403, self.outsider: 200})

    def test_pending_transfer_lets_the_receiver_read_not_write(self):
        ops.transfer(
            person=self.member,
            kind=MembershipKind.OFFICIAL,
            on=D(2023, 1, 10),
            to_cell=self.cell_b,
            by=None,
        )
        self.assertTrue(access.can_person(self.outsider, self.member, D(2023, 2, 1)))
        self.assertFalse(
            access.can_person(self.outsider, self.member, D(2023, 2, 1), Capability.WRITE)
        )

    def test_back_dated_transfer_refused(self):
        self.move_to_b()
        before = list(Membership.objects.values_list())
        with self.assertRaisesMessage(ValidationError, "sau ngày này"):
            ops.transfer(
                person=self.member,
                kind=MembershipKind.OFFICIAL,
                on=D(2022, 6, 1),
                to_cell=self.cell_b,
                by=None,
            )
        self.assertEqual(list(Membership.objects.values_list()), before)

    def test_transfer_ends_posts_in_the_cell_left(self):
        ops.appoint(
            person=self.member,
            organization=self.cell_a,
            role="secretary",
            on=D(2021, 1, 1),
            by=None,
        )
        self.move_to_b()
        self.assertEqual(Position.objects.get(person=self.member).valid_to, D(2023, 1, 10))
        row = next(
            r
            for r in stats.compute(scope_ids=None, on=D(2023, 2, 1)).cells
            if r.organization_id == self.cell_a.pk
        )
        self.assertEqual(row.secretaries, [])

    def test_appoint_guards(self):
        with self.assertRaisesMessage(ValidationError, "sinh hoạt chính thức ở chi bộ đó"):
            ops.appoint(
                person=self.member,
                organization=self.cell_b,
                role="secretary",
                on=D(2022, 1, 1),
                by=None,
            )
        with self.assertRaisesMessage(ValidationError, "không có ở chi bộ"):
            ops.appoint(
                person=self.member,
                organization=self.cell_a,
                role="standing",
                on=D(2022, 1, 1),
                by=None,
            )
        ops.appoint(
            person=self.member,
            organization=self.cell_a,
            role="secretary",
            on=D(2022, 1, 1),
            by=None,
        )
        with self.assertRaisesMessage(ValidationError, "đã có Bí thư"):
            ops.appoint(
                person=self.other,
                organization=self.cell_a,
                role="secretary",
                on=D(2022, 6, 1),
                by=None,
            )

    def test_police_service_guards(self):
        with self.assertRaisesMessage(ValidationError, "sau ngày này"):
            ops.set_police_service(
                person=self.member,
                on=D(2019, 1, 1),
                cell=self.cell_a,
                position="deputy",
                rank=None,
                by=None,
            )
        from chibo.orgs import operations as orgs
        from chibo.test import attrs

        civil = orgs.create(
            attrs=attrs("Chi bộ thôn 1", "subordinate_cell", "CB"),
            on=D(2020, 1, 1),
            by=None,
            parent=self.commune_a,
        )
        with self.assertRaisesMessage(ValidationError, "chi bộ Công an"):
            ops.set_police_service(
                person=self.other,
                on=D(2023, 1, 1),
                cell=civil,
                position="deputy",
                rank=None,
                by=None,
            )

    def test_receive_refused_for_someone_no_longer_a_member(self):
        move = ops.transfer(
            person=self.member,
            kind=MembershipKind.OFFICIAL,
            on=D(2023, 1, 10),
            to_cell=self.cell_b,
            by=None,
        )
        ops.end_party_membership(person=self.member, on=D(2023, 1, 20), reason="removed", by=None)
        with self.assertRaisesMessage(ValidationError, "không còn là đảng viên"):
            ops.receive(transfer=move, on=D(2023, 2, 1), by=None)

    def test_temporary_until_is_the_last_day(self):
        self.login(self.secretary)
        url = reverse("members:transfer", args=[self.member.pk])
        response = self.client.post(
            url,
            {
                "kind": "temporary",
                "on": "01/03/2023",
                "to_cell": self.cell_b.pk,
                "until": "31/03/2023",
                "received_on": "02/03/2023",
            },
        )
        self.assertEqual(response.status_code, 302)
        temporary = Membership.objects.get(kind=MembershipKind.TEMPORARY)
        self.assertTrue(temporary.holds_on(D(2023, 3, 31)))
        self.assertFalse(temporary.holds_on(D(2023, 4, 1)))

    def test_add_person_with_a_refused_police_post_writes_nothing(self):
        self.login(self.secretary)
        before = Person.objects.count()
        response = self.client.post(
            reverse("members:new"),
            {
                "ten": "Mới",
                "gender": "M",
                "registered_by": self.cell_a.pk,
                "police_cell": self.cell_a.pk,
                "police_position": "officer",
                "police_since": "01/01/2019",
            },
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(Person.objects.count(), before)

    def test_party_role_shows_the_highest_post_and_filters(self):
        ops.appoint(
            person=self.member,
            organization=self.cell_a,
            role="cell_committee",
            on=D(2021, 1, 1),
            by=None,
        )
        ops.appoint(
            person=self.member,
            organization=self.cell_a,
            role="secretary",
            on=D(2021, 1, 1),
            by=None,
        )
        self.login(self.board)
        response = self.client.get(
            reverse("members:list"), {"position": "party:secretary", "as_of": "2023-05-24"}
        )
        items = response.context["items"]
        self.assertEqual([row.person.full_name for row, _c, _l in items], ["Nguyễn Văn Đi"])
        self.assertEqual(items[0][2]["party_role"], "Bí thư")

    def test_one_bad_filter_keeps_the_others(self):
        self.login(self.board)
        response = self.client.get(reverse("members:list"), {"q": "ở", "rank": "999"})
        self.assertEqual(
            [row.person.full_name for row, _c, _l in response.context["items"]], ["Trần Văn Ở"]
        )
        self.assertContains(response, "đã được bỏ qua")

    def test_commune_committees_are_those_over_police_cells(self):
        from chibo.orgs import operations as orgs
        from chibo.test import attrs

        orgs.create(attrs=attrs("Đảng ủy cơ quan"), on=D(2020, 1, 1), by=None, parent=self.district)
        figures = stats.compute(scope_ids=None, on=D(2023, 5, 24)).figures
        self.assertEqual((figures["commune_committees"], figures["police_cells"]), (2, 2))

    def test_r_pol_02_an_officer_with_two_posts_on_a_day_counts_once(self):
        """Issue 16: the country's officer totals add up the cells' counts and take off who
        holds posts in two cells on the day (the operations never write that, the database
        does not forbid it); each cell still counts them, and two rows in one cell are one."""
        day = D(2023, 5, 24)
        before = stats.compute(scope_ids=None, on=day)
        self.assertEqual(before.figures["regular_officers"], 2)
        outsider = Person.objects.create(
            ho="Lê", ten_dem="Văn", ten="Ngoài", gender="M", registered_by=self.cell_a
        )
        since = D(2022, 1, 1)
        PoliceService.objects.bulk_create(
            [
                PoliceService(
                    person=self.member, cell=self.cell_b, position="officer", valid_from=since
                ),
                PoliceService(
                    person=outsider, cell=self.cell_a, position="officer", valid_from=since
                ),
                PoliceService(
                    person=outsider, cell=self.cell_b, position="officer", valid_from=since
                ),
                PoliceService(
                    person=self.other, cell=self.cell_a, position="deputy", valid_from=since
                ),
            ]
        )
        after = stats.compute(scope_ids=None, on=day)
        by_cell = {row.organization_id: row for row in after.cells}
        self.assertEqual(
            (by_cell[self.cell_a.pk].officers, by_cell[self.cell_b.pk].officers), (3, 2)
        )
        self.assertEqual(
            (by_cell[self.cell_a.pk].officers_members, by_cell[self.cell_b.pk].officers_members),
            (2, 1),
        )
        self.assertEqual(after.figures["regular_officers"], 3)
        self.assertEqual(after.figures["regular_officers_party_members"], 2)
        # Scoped to cell B: the same people counted from its side only.
        only_b = stats.compute(scope_ids=frozenset({self.cell_b.pk}), on=day).figures
        self.assertEqual(
            (only_b["regular_officers"], only_b["regular_officers_party_members"]), (2, 1)
        )

    def test_r_pol_02_an_officer_outside_the_party_with_two_posts_in_a_cell_is_named_once(self):
        day = D(2023, 5, 24)
        before = stats.compute(scope_ids=None, on=day)
        outsider = Person.objects.create(
            ho="Lê", ten_dem="Văn", ten="Ngoài", gender="M", registered_by=self.cell_a
        )
        since = D(2022, 1, 1)
        PoliceService.objects.bulk_create(
            [
                PoliceService(person=outsider, cell=self.cell_a, position=post, valid_from=since)
                for post in ("officer", "deputy")
            ]
        )
        after = stats.compute(scope_ids=None, on=day)
        row = next(r for r in after.cells if r.organization_id == self.cell_a.pk)
        self.assertEqual(row.officers_not_members, ["Lê Văn Ngoài"])
        self.assertEqual(after.figures["regular_officers"], before.figures["regular_officers"] + 1)
        keys = [
            f.key
            for f in checks.run(scope_ids=None, on=day)
            if f.rule_id == "R-POL-02" and f.organization_id == self.cell_a.pk
        ]
        self.assertEqual(keys, [f"R-POL-02:{self.cell_a.pk}:Lê Văn Ngoài"])

    def test_r_pol_02_a_refresh_reads_again_the_officers_of_the_changed_cells(self):
        """Issue 16: the officers counted in two cells are kept with the figures; after a
        write in a cell, ``stats.refresh`` looks again at that cell's officers and at those
        found before, and gives what counting everything gives."""
        day = D(2023, 5, 24)
        since = D(2022, 1, 1)
        base = stats.compute(scope_ids=None, on=day)
        self.assertEqual(base.overlaps, {})
        second = PoliceService.objects.create(
            person=self.member, cell=self.cell_b, position="officer", valid_from=since
        )
        changed = frozenset({self.cell_b.pk})
        gained = stats.refresh(base, changed, scope_ids=None, on=day)
        whole = stats.compute(scope_ids=None, on=day)
        self.assertEqual(gained.overlaps, {self.member.pk: (2, True)})
        self.assertEqual((gained.figures, gained.overlaps), (whole.figures, whole.overlaps))
        self.assertEqual(gained.figures["regular_officers"], base.figures["regular_officers"])
        # A write elsewhere (no police cell here): the person is kept from before.
        elsewhere = stats.refresh(gained, frozenset(), scope_ids=None, on=day)
        self.assertEqual((elsewhere.figures, elsewhere.overlaps), (whole.figures, whole.overlaps))
        second.delete()  # the row is gone from cell B: the person is found from before
        lost = stats.refresh(gained, changed, scope_ids=None, on=day)
        whole = stats.compute(scope_ids=None, on=day)
        self.assertEqual(lost.overlaps, {})
        self.assertEqual((lost.figures, lost.overlaps), (whole.figures, whole.overlaps))

    def test_regulation_in_the_future_refused(self):
        self.login(self.secretary)
        response = self.client.post(
            reverse("documents:regulation_new"),
            {
                "cell": self.cell_a.pk,
                "number": "01-QC/CB",
                "title": "Quy chế",
                "issued_on": "31/12/9999",
            },
        )
        self.assertContains(response, "chưa đến", status_code=400)
        self.assertFalse(WorkingRegulation.objects.exists())

    def test_dissolving_a_cell_with_people_is_refused(self):
        self.login(self.admin)
        response = self.client.post(
            reverse("reorganize:dissolve", args=[self.cell_a.pk]),
            {"on": "01/01/2024", "confirm": "on"},
        )
        self.assertContains(response, "còn", status_code=400)
        self.assertIsNotNone(self.cell_a.version_on(D(2024, 1, 1)))

    def test_merge_into_an_existing_cell_keeps_its_posts(self):
        keeper = add_member(self.cell_b, "Lê Văn Giữ")
        ops.appoint(
            person=keeper, organization=self.cell_b, role="secretary", on=D(2021, 1, 1), by=None
        )
        self.login(self.admin)
        response = self.client.post(
            reverse("reorganize:merge"),
            {
                "on": "01/05/2023",
                "sources": [self.cell_a.pk, self.cell_b.pk],
                "into": self.cell_b.pk,
                "confirm": "on",
            },
        )
        self.assertEqual(response.status_code, 302)
        self.assertIsNone(Position.objects.get(person=keeper).valid_to)
        counted = Membership.objects.counted_on(D(2023, 5, 1)).filter(cell=self.cell_b)
        self.assertEqual(counted.count(), 3)
        self.assertFalse(Membership.objects.filter(person=keeper, valid_to=D(2023, 5, 1)).exists())

    def test_vietnamese_numbers(self):
        self.assertEqual(number(120000), "120.000")
        self.assertEqual(number(1234567.5, 1), "1.234.567,5")


class ApiInputTests(ChiboTestCase):
    def post(self, url, body):
        return self.client.post(
            url,
            body if isinstance(body, str) else json.dumps(body),
            content_type="application/json",
        )

    def test_wrongly_typed_values_are_400_not_500(self):
        self.login(self.secretary)
        base = {"ten": "Mới", "gender": "M", "registered_by": self.cell_a.pk}
        for body in (
            {**base, "birth_date": 20230101},
            {**base, "birth_date": [1]},
            {**base, "ten": {"a": 1}},
        ):
            with self.subTest(body=body):
                response = self.post("/api/v1/people", body)
                self.assertEqual(response.status_code, 400, response.content)
                self.assertIn("errors", response.json())
        for body in ([1, 2], "{không phải json"):
            with self.subTest(body=body):
                response = self.post("/api/v1/people", body)
                self.assertEqual(response.status_code, 400)
                self.assertNotIn("Cannot", response.json()["detail"])
        self.assertEqual(
            self.post(
                "/api/v1/regulations",
                {"cell": self.cell_a.pk, "number": "1", "title": ["t"], "issued_on": 5},
            ).status_code,
            400,
        )
        self.assertFalse(Person.objects.filter(ten="Mới").exists())

    def test_huge_offset(self):
        self.login(self.board)
        for url in ("/api/v1/members", "/api/v1/organizations"):
            response = self.client.get(url, {"offset": "9" * 25})
            self.assertEqual(response.status_code, 400, url)

    def test_more_matrix(self):
        member = add_member(self.cell_a, "Lê Văn Chức")
        position = ops.appoint(
            person=member, organization=self.cell_a, role="deputy", on=D(2021, 1, 1), by=None
        )
        move = ops.transfer(
            person=add_member(self.cell_b, "Lê Văn Đến"),
            kind=MembershipKind.OFFICIAL,
            on=D(2023, 1, 10),
            to_cell=self.cell_a,
            by=None,
        )
        for url in (
            reverse("members:end_position", args=[position.pk]),
            reverse("members:receive", args=[move.pk]),
        ):
            self.assert_statuses("post", url, {self.viewer: 403, self.outsider: 404})
        # PUT updates a person now (API parity); PATCH is no operation.
        self.assert_statuses("patch", f"/api/v1/people/{member.pk}", {self.admin: 405})
        self.assert_statuses(
            "get",
            reverse("reports:overview") + f"?org={self.cell_b.pk}",
            {self.committee: 404, self.board: 200},
        )
