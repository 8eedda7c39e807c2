"""R-MEM-09: a pending official transfer shows in both cells with its deadlines (30 working
days to present the letter, 60 to complete), raises findings when they pass, and the member
counts in the sending cell until received (configurable)."""

import datetime as dt

from django.urls import reverse

from chibo.compliance import checks
from chibo.figures import stats
from chibo.members import operations as ops
from chibo.members.models import MembershipKind
from chibo.test import ChiboTestCase, add_member

D = dt.date
SENT = D(2026, 9, 1)  # the transfer, never received


class TransitTests(ChiboTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.staying = [add_member(cls.cell_a, f"Lê Văn Ở{i}") for i in range(3)]
        cls.mover = add_member(cls.cell_a, "Phan Văn Đi")
        cls.move = ops.transfer(
            person=cls.mover,
            kind=MembershipKind.OFFICIAL,
            on=SENT,
            to_cell=cls.cell_b,
            by=None,
        )

    def found(self, on):
        return [
            f
            for f in checks.run(scope_ids=None, on=on)
            if f.rule_id == "R-MEM-09" and f.person_id == self.mover.pk
        ]

    def test_r_mem_09_deadlines_30_and_60_working_days_across_2_9(self):
        # 2/9/2026 is a holiday: 30 working days after 1/9 end on 14/10, 60 on 25/11.
        self.assertEqual(self.move.letter_deadline, D(2026, 10, 14))
        self.assertEqual(self.move.completion_deadline, D(2026, 11, 25))

    def test_r_mem_09_findings_when_the_deadlines_pass(self):
        self.assertEqual(self.found(D(2026, 10, 14)), [])  # the last day is allowed
        letter = self.found(D(2026, 10, 15))
        self.assertEqual(
            [(f.severity, f.organization_id) for f in letter], [("medium", self.cell_a.pk)]
        )
        self.assertIn("đến hết ngày 14/10/2026", letter[0].message)
        self.assertEqual([f.severity for f in self.found(D(2026, 11, 25))], ["medium"])
        late = self.found(D(2026, 11, 26))
        self.assertEqual([f.severity for f in late], ["high"])
        self.assertIn("60 ngày làm việc", late[0].message)
        # The receiving side's scope alone still sees it, on the receiving cell.
        receiving = checks.run(scope_ids=frozenset({self.cell_b.pk}), on=D(2026, 11, 30))
        self.assertEqual(
            [f.organization_id for f in receiving if f.rule_id == "R-MEM-09"], [self.cell_b.pk]
        )
        ops.receive(transfer=self.move, on=D(2026, 11, 27), by=None)
        self.assertEqual(self.found(D(2026, 11, 30)), [])

    def test_r_mem_09_counts_in_the_sending_cell_until_received(self):
        on = D(2026, 10, 1)
        rows = {r.organization_id: r for r in stats.compute(scope_ids=None, on=on).cells}
        self.assertEqual((rows[self.cell_a.pk].members, rows[self.cell_b.pk].members), (4, 0))
        with self.settings(CHIBO_TRANSIT_COUNTS_IN="none"):
            rows = {r.organization_id: r for r in stats.compute(scope_ids=None, on=on).cells}
            self.assertEqual((rows[self.cell_a.pk].members, rows[self.cell_b.pk].members), (3, 0))
        ops.receive(transfer=self.move, on=D(2026, 10, 5), by=None)
        rows = {
            r.organization_id: r for r in stats.compute(scope_ids=None, on=D(2026, 10, 5)).cells
        }
        self.assertEqual((rows[self.cell_a.pk].members, rows[self.cell_b.pk].members), (3, 1))

    def test_r_mem_09_both_cells_list_the_pending_transfer(self):
        url = reverse("members:list")
        for user, cell, receive_link in (
            (self.secretary, self.cell_a, False),
            (self.outsider, self.cell_b, True),
            (self.board, self.cell_a, True),  # writes for the receiving cell too
        ):
            with self.subTest(user=user.username):
                self.login(user)
                response = self.client.get(url, {"as_of": "2026-10-20", "cell": cell.pk})
                self.assertEqual(response.status_code, 200)
                html = response.content.decode()
                self.assertIn('data-testid="transit"', html)
                self.assertIn("Phan Văn Đi", html)
                self.assertIn("14/10/2026", html)
                self.assertIn("25/11/2026", html)
                self.assertIn("Quá 30 ngày làm việc chưa nộp giấy giới thiệu", html)
                receive = reverse("members:receive", args=[self.move.pk])
                self.assertEqual(receive in html, receive_link)
        self.login(self.committee)  # xã A: its cell sent the member
        self.assertContains(self.client.get(url, {"as_of": "2026-10-20"}), "Phan Văn Đi")
        self.login(self.viewer)  # read-only: sees it, is not offered the receive page
        listing = self.client.get(url, {"as_of": "2026-10-20"})
        self.assertContains(listing, "Phan Văn Đi")
        self.assertNotContains(listing, reverse("members:receive", args=[self.move.pk]))
        self.assertNotContains(
            self.client.get(url, {"as_of": "2026-08-31"}), 'data-testid="transit"'
        )
        detail = self.client.get(reverse("members:detail", args=[self.mover.pk]))
        self.assertContains(detail, "hoàn thành thủ tục đến hết ngày 25/11/2026")
