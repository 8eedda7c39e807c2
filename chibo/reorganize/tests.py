"""Issue 12, "no member is ever lost": entries back-dated before a merge follow the recorded
reorganization (R-GEO-02, R-GEO-03), and the invariant holds over the demo and bench data."""

import datetime as dt
import io

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from chibo.accounts import access
from chibo.accounts.models import User
from chibo.compliance import checks
from chibo.demo import briefings as demo_briefings
from chibo.demo import meetings as demo_meetings
from chibo.demo import people as demo_people
from chibo.demo import structure
from chibo.demo import terms as demo_terms
from chibo.demo import users as demo_users
from chibo.figures import stats
from chibo.members import operations as ops
from chibo.members.models import Membership, MembershipKind, PoliceService, Position, Role
from chibo.orgs import operations as tree
from chibo.reorganize import workflows
from chibo.reorganize.invariants import misplaced_on, nobody_lost
from chibo.test import ChiboTestCase, add_member, attrs

D = dt.date
MERGER = D(2025, 7, 1)  # Quế Lưu's cell ends, merged into Hiệp Đức's (R-GEO-03)


def person(name: str, cell):
    ho, *middle, ten = name.split(" ")
    return ops.add_person(
        data=ops.PersonData(
            ho=ho, ten_dem=" ".join(middle), ten=ten, gender="M", birth_date=D(1998, 2, 3)
        ),
        registered_by=cell,
        by=None,
    )


def third_cell(parent):
    return tree.create(
        attrs=attrs("Chi bộ Công an xã C", "subordinate_cell", "CB"),
        on=D(2020, 1, 1),
        by=None,
        parent=parent,
        is_police=True,
    )


def sent_before_the_merger(mover, to_cell):
    """An official transfer sent ten days before the merger, not yet received."""
    return ops.transfer(
        person=mover, kind=MembershipKind.OFFICIAL, on=D(2025, 6, 20), to_cell=to_cell, by=None
    )


class BackDatedIntoMergedCellTests(ChiboTestCase):
    """Cell A plays Quế Lưu's cell, cell B Hiệp Đức's: A merges into B on 1/7/2025, then a
    2024 admission into A is entered."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.old = [add_member(cls.cell_a, f"Trần Văn Cũ{i}") for i in range(3)]
        cls.kept = [add_member(cls.cell_b, f"Phạm Văn Giữ{i}") for i in range(3)]
        workflows.merge(sources=[cls.cell_a], into=cls.cell_b, on=MERGER, by=None)
        cls.admitted = person("Lê Văn Mới", cls.cell_a)
        ops.admit(
            person=cls.admitted,
            cell=cls.cell_a,
            decision_date=D(2024, 10, 20),
            ceremony_date=D(2024, 11, 15),
            by=None,
        )

    def test_r_geo_03_admission_in_2024_continues_in_the_successor_from_1_7_2025(self):
        rows = list(
            Membership.objects.filter(person=self.admitted)
            .order_by("valid_from")
            .values_list("cell_id", "valid_from", "valid_to", "reason_out")
        )
        self.assertEqual(
            rows,
            [
                (self.cell_a.pk, D(2024, 11, 15), MERGER, "reorganization"),
                (self.cell_b.pk, MERGER, None, ""),
            ],
        )
        self.assertEqual(misplaced_on(timezone.localdate()), {})

    def test_r_geo_03_board_reads_the_member_and_today_s_list_has_them(self):
        today = timezone.localdate()
        self.login(self.board)
        url = reverse("members:detail", args=[self.admitted.pk])
        self.assertEqual(self.client.get(url, {"as_of": "2025-07-01"}).status_code, 200)
        self.assertEqual(self.client.get(url).status_code, 200)
        listing = self.client.get(reverse("members:list"), {"as_of": today.isoformat()})
        self.assertContains(listing, "Lê Văn Mới")
        # The successor's commune now holds the record; the dead cell's commune keeps history.
        self.assertTrue(
            access.can_person(self.outsider, self.admitted, today, access.Capability.WRITE)
        )

    def test_r_mem_05_alert_stays_after_the_merge(self):
        today = timezone.localdate()
        scope = access.scope(self.board, today).ids()
        found = [
            f
            for f in checks.run(scope_ids=scope, on=today)
            if f.rule_id == "R-MEM-05" and f.person_id == self.admitted.pk
        ]
        self.assertEqual(len(found), 1)
        self.assertEqual(found[0].organization_id, self.cell_b.pk)
        self.assertIn("quá hạn", found[0].message)

    def test_r_mem_06_api_recognize_works_for_the_board(self):
        self.login(self.board)
        response = self.client.post(
            f"/api/v1/people/{self.admitted.pk}/recognize",
            {"decided_on": "2025-12-01", "decision_no": "07-QĐ/ĐU"},
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.admitted.party.refresh_from_db()
        self.assertEqual(self.admitted.party.official_date, D(2025, 11, 15))

    def test_r_mem_09_transfer_back_dated_before_the_merge_folds_the_continuation(self):
        mover = self.old[0]
        ops.transfer(
            person=mover,
            kind=MembershipKind.OFFICIAL,
            on=D(2024, 3, 4),
            to_cell=self.cell_b,
            received_on=D(2024, 3, 15),
            by=None,
        )
        rows = list(
            Membership.objects.filter(person=mover)
            .order_by("valid_from")
            .values_list("cell_id", "valid_to")
        )
        self.assertEqual(rows, [(self.cell_a.pk, D(2024, 3, 4)), (self.cell_b.pk, None)])
        self.assertEqual(nobody_lost(D(2023, 1, 1), timezone.localdate()), {})

    def test_r_pol_02_police_post_back_dated_follows_the_merge(self):
        officer = person("Võ Văn Gác", self.cell_a)
        ops.set_police_service(
            person=officer, on=D(2024, 2, 1), cell=self.cell_a, position="officer", rank=5, by=None
        )
        cells = list(
            PoliceService.objects.filter(person=officer)
            .order_by("valid_from")
            .values_list("cell_id", "valid_from")
        )
        self.assertEqual(cells, [(self.cell_a.pk, D(2024, 2, 1)), (self.cell_b.pk, MERGER)])

    def test_r_org_04_post_back_dated_ends_with_the_merged_cell(self):
        position = ops.appoint(
            person=self.old[1],
            organization=self.cell_a,
            role=Role.DEPUTY,
            on=D(2024, 1, 1),
            by=None,
        )
        position.refresh_from_db()
        self.assertEqual(position.valid_to, MERGER)
        self.assertFalse(Position.objects.filter(organization=self.cell_a, valid_to=None).exists())


class RepairTests(ChiboTestCase):
    def test_r_geo_03_follow_reorganizations_repairs_rows_left_in_a_merged_cell(self):
        left = add_member(self.cell_a, "Đinh Văn Sót")
        workflows.merge(sources=[self.cell_a], into=self.cell_b, on=MERGER, by=None)
        # As entered before this fix: the rows stayed open in the ended cell.
        Membership.objects.filter(person=left).update(cell=self.cell_a, valid_to=None)
        Membership.objects.filter(person=left, valid_from=MERGER).delete()
        PoliceService.objects.filter(person=left, valid_from=MERGER).delete()
        PoliceService.objects.filter(person=left).update(valid_to=None)
        self.assertIn(left.pk, misplaced_on(timezone.localdate()))
        out = io.StringIO()
        call_command("follow_reorganizations", stdout=out)
        self.assertIn("Đã chuyển 2 bản ghi", out.getvalue())
        self.assertEqual(misplaced_on(timezone.localdate()), {})
        self.assertEqual(
            PoliceService.objects.on(timezone.localdate()).get(person=left).cell_id,
            self.cell_b.pk,
        )


class TransitAcrossTheMergerTests(ChiboTestCase):
    def test_r_mem_09_received_after_the_receiving_cell_merged_lands_in_its_successor(self):
        mover = add_member(self.cell_b, "Hồ Văn Đường")
        move = sent_before_the_merger(mover, self.cell_a)
        workflows.merge(sources=[self.cell_a], into=self.cell_b, on=MERGER, by=None)
        self.assertEqual(misplaced_on(D(2025, 7, 5)), {})  # in transit: one pending transfer
        self.login(self.outsider)  # xã B's committee now holds the successor
        response = self.client.post(
            reverse("members:receive", args=[move.pk]), {"on": "10/07/2025"}
        )
        self.assertEqual(response.status_code, 302, response.content[-600:])
        here = Membership.objects.on(D(2025, 7, 10)).get(person=mover)
        self.assertEqual(here.cell_id, self.cell_b.pk)
        self.assertEqual(nobody_lost(D(2023, 1, 1), timezone.localdate()), {})

    def test_r_mem_09_overdue_transfer_between_cells_both_merged_away_is_on_the_successor(self):
        """Sent from A to B, both merged into a third cell before the letter came: the
        overdue transfer is found on the successor, by the country's run (the cells'
        subquery) and by the board's (their ids) alike."""
        for i in range(6):  # cells of the run with lower ids than C's: walked past before
            third_cell(self.commune_b).versions.update(name=f"Chi bộ Công an xã D{i}")
        cell_c = third_cell(self.commune_b)
        mover = add_member(self.cell_a, "Hồ Văn Đường")
        move = sent_before_the_merger(mover, self.cell_b)
        workflows.merge(sources=[self.cell_a, self.cell_b], into=cell_c, on=MERGER, by=None)
        on = D(2025, 9, 1)  # past the 30 working days of the letter
        board = access.scope(User.objects.get(pk=self.board.pk), on).ids()
        ctx = checks._context(None, on, stats.compute(scope_ids=None, on=on))
        with CaptureQueriesContext(connection) as queries:
            checks.check_transfers(ctx)
        # The cells' predecessors and theirs, the transfers, the calendar (two), and one
        # step forward from B to C: not a query per cell of the run.
        self.assertLessEqual(len(queries), 6, [q["sql"][:80] for q in queries])
        for scope in (None, board):
            with self.subTest(scope="country" if scope is None else "board"):
                found = [
                    f
                    for f in checks.run(scope_ids=scope, on=on)
                    if f.rule_id == "R-MEM-09" and f.key.startswith(f"R-MEM-09:{move.pk}")
                ]
                self.assertTrue(found)
                self.assertEqual({f.organization_id for f in found}, {cell_c.pk})


class SplitAndDissolveTests(ChiboTestCase):
    def test_back_dated_entry_into_a_split_organization_is_refused_with_the_choices(self):
        cell = third_cell(self.commune_a)
        parts = [attrs(f"Chi bộ Công an xã C{i}", "subordinate_cell", "CB") for i in (1, 2)]
        workflows.split(org=cell, on=MERGER, by=None, parts=parts)
        newcomer = person("Đỗ Văn Tách", cell)
        with self.assertRaises(ValidationError) as refused:
            ops.admit(
                person=newcomer,
                cell=cell,
                decision_date=D(2024, 5, 1),
                ceremony_date=D(2024, 5, 20),
                by=None,
            )
        self.assertIn("Chi bộ Công an xã C1", str(refused.exception))
        self.assertFalse(Membership.objects.filter(person=newcomer).exists())

    def test_dissolve_with_people_left_is_refused_by_the_page(self):
        add_member(self.cell_a, "Ngô Văn Còn")
        self.login(self.admin)
        response = self.client.post(
            reverse("reorganize:dissolve", args=[self.cell_a.pk]),
            {"on": "01/01/2024", "confirm": "on"},
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "còn 2 người", status_code=400)


class DemoInvariantTests(TestCase):
    """On every first day of the month from 2023 to today, every person with an active party
    record is in exactly one cell or in exactly one pending transfer (issue 12)."""

    @classmethod
    def setUpTestData(cls):
        cls.tree = structure.build()
        demo_people.build(cls.tree)
        demo_terms.build(cls.tree)
        demo_meetings.build()
        demo_briefings.build(cls.tree)
        demo_users.build(cls.tree)

    def test_r_geo_03_nobody_lost_in_the_demo_from_2023_to_today(self):
        self.assertEqual(nobody_lost(D(2023, 1, 1), timezone.localdate()), {})

    def test_r_org_06_demo_terms_fire_where_they_should(self):
        def terms_on(day):
            return sorted(
                (f.organization, f.severity)
                for f in checks.run(scope_ids=None, on=day)
                if f.rule_id == "R-ORG-06"
            )

        self.assertEqual(terms_on(D(2023, 5, 24)), [])  # 2022–2025 terms, due in 2025
        may = terms_on(D(2025, 5, 15))
        self.assertEqual(len(may), 10)  # ten cells before 1/7/2025, all in the due window
        self.assertEqual({s for _name, s in may}, {"medium"})
        self.assertEqual(terms_on(D(2026, 11, 30)), [])  # 2025–2030 terms, once in five years
        self.assertEqual(len(terms_on(D(2030, 5, 1))), 3)  # soon: 61 days before 1/7/2030

    def test_r_geo_03_demo_admission_in_2024_into_que_luu_follows_the_merger(self):
        que_luu, hiep_duc = self.tree.cells["Quế Lưu"], self.tree.cells["Hiệp Đức (2025)"]
        newcomer = person("Lê Văn Hậu", que_luu)
        ops.admit(
            person=newcomer,
            cell=que_luu,
            decision_date=D(2024, 10, 20),
            ceremony_date=D(2024, 11, 15),
            by=None,
        )
        self.assertEqual(
            Membership.objects.on(D(2025, 7, 1)).get(person=newcomer).cell_id, hiep_duc.pk
        )
        self.assertEqual(nobody_lost(D(2023, 1, 1), timezone.localdate()), {})
        today = timezone.localdate()
        board = User.objects.get(username="bantochuc")
        self.client.force_login(board)
        detail = reverse("members:detail", args=[newcomer.pk])
        self.assertEqual(self.client.get(detail, {"as_of": "2025-07-01"}).status_code, 200)
        self.assertContains(self.client.get(reverse("members:list")), "Lê Văn Hậu")
        alerts = checks.run(scope_ids=access.scope(board, today).ids(), on=today)
        self.assertIn(
            ("R-MEM-05", hiep_duc.pk),
            {(f.rule_id, f.organization_id) for f in alerts if f.person_id == newcomer.pk},
        )
        response = self.client.post(
            f"/api/v1/people/{newcomer.pk}/recognize",
            {"decided_on": "2025-12-01"},
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 200, response.content)


class BenchInvariantTests(TestCase):
    def test_r_geo_03_nobody_lost_in_small_bench_data(self):
        from chibo.bench import data

        data.generate(data.Sizes.at_scale(0.002), log=lambda _message: None)
        # The bench's tree (and every membership) begins at the 1/7/2025 reform: members
        # admitted earlier have no history in it before that day, so the check starts there.
        self.assertEqual(nobody_lost(data.REFORM, timezone.localdate()), {})
