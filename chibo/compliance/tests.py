"""Findings and figures served, not recomputed per view (issue 16, item 4): the same answer
as the checks, kept until a recorded change, never kept from a rolled-back transaction."""

import datetime as dt

from django.core.cache import caches
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chibo.accounts import access
from chibo.audit import generation
from chibo.audit.models import Action, Entry, Interface
from chibo.compliance import checks, served
from chibo.figures import stats
from chibo.rules import operations
from chibo.test import DAY, ChiboTestCase, add_member


def keys(found) -> list[str]:
    return [f.key for f in found]


class ServedFindingsTests(ChiboTestCase):
    def test_served_is_what_the_checks_find_for_every_scope(self):
        """R-ORG-01 and R-ORG-04 on two empty cells: the served list equals ``checks.run``,
        finding by finding, for everything and for each persona's scope."""
        add_member(self.cell_a, "Nguyễn Văn An")
        for user in (self.superuser, self.board, self.committee, self.secretary, self.outsider):
            ids = access.scope(user, DAY).ids()
            with self.subTest(user=user.username):
                expected = checks.run(scope_ids=ids, on=DAY)
                self.assertTrue(expected)
                self.assertEqual(served.findings(scope_ids=ids, on=DAY), expected)
                self.assertEqual(
                    served.overview(scope_ids=ids, on=DAY).figures,
                    stats.compute(scope_ids=ids, on=DAY).figures,
                )

    def test_a_second_view_reads_what_the_first_computed(self):
        """Once committed, the findings of a scope and day cost one query: the generation."""
        ids = access.scope(self.board, DAY).ids()
        with self.captureOnCommitCallbacks(execute=True):
            first = served.findings(scope_ids=ids, on=DAY)
        with CaptureQueriesContext(connection) as queries:
            again = served.findings(scope_ids=ids, on=DAY)
        self.assertEqual(again, first)
        self.assertEqual(len(queries), 1, [q["sql"] for q in queries])
        # Another day, another scope: computed, not served from the first.
        with CaptureQueriesContext(connection) as queries:
            served.findings(scope_ids=ids, on=DAY - dt.timedelta(days=1))
            served.findings(scope_ids=frozenset({self.cell_a.pk}), on=DAY)
        self.assertGreater(len(queries), 4)

    def test_a_recorded_change_is_served_at_once(self):
        """A dismissal and a new member are recorded changes: the next view sees them."""
        ids = frozenset({self.cell_a.pk})
        with self.captureOnCommitCallbacks(execute=True):
            before = served.findings(scope_ids=ids, on=DAY)
        self.assertIn(f"R-ORG-04:{self.cell_a.pk}:secretary", keys(before))
        finding = next(f for f in before if f.rule_id == "R-ORG-04")
        with self.captureOnCommitCallbacks(execute=True):
            operations.dismiss(
                finding=finding,
                organization=self.cell_a,
                reason="Đã báo cáo",
                on=DAY,
                by=self.board,
            )
        after = served.findings(scope_ids=ids, on=DAY)
        self.assertNotIn(finding.key, keys(after))
        self.assertEqual(len(after), len(before) - 1)
        self.assertEqual(served.overview(scope_ids=ids, on=DAY).figures["members"], 0)
        with self.captureOnCommitCallbacks(execute=True):
            add_member(self.cell_a, "Trần Thị Bình")
        self.assertEqual(served.overview(scope_ids=ids, on=DAY).figures["members"], 1)

    def test_reads_recorded_in_the_history_are_not_changes(self):
        """An export or a paper downloaded is recorded (ACCESS) but changes no finding."""
        before = generation.current()
        Entry.objects.create(
            interface=Interface.PAGE,
            group="00000000-0000-0000-0000-000000000001",
            action=Action.ACCESS,
            object_type="members.Person",
        )
        self.assertEqual(generation.current(), before)
        add_member(self.cell_b, "Lê Văn Cường")
        self.assertGreater(generation.current(), before)

    def test_nothing_is_kept_from_a_transaction_that_rolls_back(self):
        ids = frozenset({self.cell_a.pk})

        class Undone(Exception):
            pass

        try:
            with self.captureOnCommitCallbacks(execute=True), transaction.atomic():
                add_member(self.cell_a, "Phạm Văn Dũng")
                self.assertEqual(served.overview(scope_ids=ids, on=DAY).figures["members"], 1)
                raise Undone
        except Undone:
            pass
        self.assertEqual(served.overview(scope_ids=ids, on=DAY).figures["members"], 0)

    def test_the_overview_page_serves_its_figures_and_findings(self):
        """The second view of the overview runs none of the checks' or figures' queries."""
        self.login(self.board)
        url = reverse("reports:overview") + "?as_of=2023-05-24"
        with self.captureOnCommitCallbacks(execute=True):
            first = self.client.get(url)
        self.assertContains(first, "Chi bộ chưa có Bí thư.")
        with CaptureQueriesContext(connection) as cold:
            caches["computed"].clear()
            with self.captureOnCommitCallbacks(execute=True):
                self.client.get(url)
        with CaptureQueriesContext(connection) as warm:
            again = self.client.get(url)
        self.assertContains(again, "Chi bộ chưa có Bí thư.")
        self.assertEqual(again.context["total"], first.context["total"])
        self.assertEqual(again.context["figures"], first.context["figures"])
        self.assertLess(len(warm), len(cold) - 10)
