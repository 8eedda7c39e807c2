"""Findings and figures served, not recomputed per view (issue 16, item 4): the same answer
as the checks, kept until a recorded change, never kept from a rolled-back transaction."""

import datetime as dt
import re
from unittest import mock, skipUnless

from django.core.cache import caches
from django.db import connection, connections, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import clear_script_prefix, reverse, set_script_prefix

from chibo.accounts import access
from chibo.accounts.models import Role
from chibo.audit import generation, tracking
from chibo.audit.models import Action, Entry, Interface
from chibo.compliance import checks, served
from chibo.documents import operations as documents
from chibo.figures import stats
from chibo.meetings import operations as meetings
from chibo.meetings import quality
from chibo.meetings.models import Attendance, Kind, Presence
from chibo.members import operations as members
from chibo.members.models import Membership
from chibo.orgs import operations as orgs
from chibo.orgs.models import TermPolicy
from chibo.reports import charts
from chibo.rules import operations
from chibo.test import DAY, ChiboTestCase, add_member, make_user


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
        self.assertIsNone(caches["computed"].get(served.key("overview", ids, DAY)))
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
        # The user's scope (its subtrees are served too), then the figures, the findings and
        # the chart: one reading of the generation for each, none for the tree.
        history = [q["sql"] for q in warm if '"audit_entry"' in q["sql"]]
        self.assertEqual(len(history), 2, history)
        self.assertFalse([q for q in warm if "RECURSIVE" in q["sql"]])

    @override_settings(CHIBO_PAGE_SIZE=1)
    def test_the_overview_rows_are_served_per_page_and_follow_the_data(self):
        """The table's rows are kept rendered with the figures (issue 16): one entry per page,
        and a change of the data shows on the next view."""
        self.login(self.board)
        url = reverse("reports:overview") + "?as_of=2023-05-24&page="

        def table(page: int) -> str:
            with self.captureOnCommitCallbacks(execute=True):
                body = self.client.get(url + str(page)).content.decode()
            return body[body.index('data-testid="cells"') : body.index("</table>")]

        first, second = table(1), table(2)
        self.assertIn("Chi bộ Công an xã A", first)
        self.assertNotIn("Chi bộ Công an xã B", first)
        self.assertIn("Chi bộ Công an xã B", second)
        self.assertEqual(table(1), first)
        with self.captureOnCommitCallbacks(execute=True):
            add_member(self.cell_a, "Phạm Văn Dũng")
        self.assertNotEqual(table(1), first)
        self.assertEqual(table(2), second)


class KeepingTestCase(ChiboTestCase):
    def keep(self, compute):
        """Compute and commit: what is kept is kept here, as after a view."""
        with self.captureOnCommitCallbacks(execute=True):
            return compute()


class ServedKeyTests(KeepingTestCase):
    """Each thing a result depends on is part of where it is kept: an answer kept for one
    scope, date, flag, prefix or setting is never served for another (review of issue 16)."""

    def test_scope(self):
        a, b = frozenset({self.cell_a.pk}), frozenset({self.cell_b.pk})
        kept = self.keep(lambda: served.findings(scope_ids=a, on=DAY))
        other = served.findings(scope_ids=b, on=DAY)
        self.assertEqual(other, checks.run(scope_ids=b, on=DAY))
        self.assertNotEqual(keys(other), keys(kept))

    def test_date(self):
        ids = frozenset({self.cell_a.pk})
        add_member(self.cell_a, "Võ Thị Hoa", ceremony=DAY, official=False)
        kept = self.keep(lambda: served.overview(scope_ids=ids, on=DAY))
        self.assertEqual(kept.figures["members"], 1)
        before = served.overview(scope_ids=ids, on=DAY - dt.timedelta(days=1))
        self.assertEqual(before.figures["members"], 0)

    def test_dismissed_findings_asked_for_or_not(self):
        ids = frozenset({self.cell_a.pk})
        finding = next(f for f in checks.run(scope_ids=ids, on=DAY) if f.rule_id == "R-ORG-04")
        operations.dismiss(
            finding=finding, organization=self.cell_a, reason="Đã báo cáo", on=DAY, by=self.board
        )
        kept = self.keep(lambda: served.findings(scope_ids=ids, on=DAY))
        self.assertNotIn(finding.key, keys(kept))
        every = served.findings(scope_ids=ids, on=DAY, include_dismissed=True)
        self.assertIn(finding.key, keys(every))
        self.assertEqual(every, checks.run(scope_ids=ids, on=DAY, include_dismissed=True))

    def test_script_prefix(self):
        ids = frozenset({self.cell_a.pk})
        kept = self.keep(lambda: served.findings(scope_ids=ids, on=DAY))
        self.assertTrue(
            all(f.url.startswith("/") and not f.url.startswith("/chibo/") for f in kept)
        )
        set_script_prefix("/chibo/")
        try:
            under = served.findings(scope_ids=ids, on=DAY)
        finally:
            clear_script_prefix()
        self.assertTrue(under)
        self.assertTrue(all(f.url.startswith("/chibo/") for f in under), [f.url for f in under])

    def test_settings_the_checks_read(self):
        ids = frozenset({self.cell_a.pk})
        where = served.key("findings", ids, DAY, False)
        with override_settings(CHIBO_SECURITY_RESOLUTION_BY="06-30"):
            self.assertNotEqual(served.key("findings", ids, DAY, False), where)
        with override_settings(CHIBO_TRANSIT_COUNTS_IN="none"):
            self.assertNotEqual(served.key("findings", ids, DAY, False), where)

    def test_one_entry_per_key_holds_the_latest_generation(self):
        ids = frozenset({self.cell_a.pk})
        self.keep(lambda: served.overview(scope_ids=ids, on=DAY))
        first = caches["computed"].get(served.key("overview", ids, DAY))
        self.assertEqual(first[0], generation.current())
        add_member(self.cell_a, "Đặng Văn Khoa")
        self.keep(lambda: served.overview(scope_ids=ids, on=DAY))
        latest = caches["computed"].get(served.key("overview", ids, DAY))
        self.assertGreater(latest[0], first[0])
        self.assertEqual(latest[0], generation.current())
        self.assertEqual(latest[1].figures["members"], first[1].figures["members"] + 1)

    def test_the_checks_take_the_figures_of_their_reading(self):
        """The first view after a change computes the figures once: the checks take the
        reading's figures, kept at its generation, never figures kept at an earlier one."""
        ids = frozenset({self.cell_a.pk})
        with mock.patch.object(stats, "compute", wraps=stats.compute) as computed:
            reading = served.Reading()
            figures = self.keep(lambda: reading.overview(scope_ids=ids, on=DAY))
            first = self.keep(lambda: reading.findings(scope_ids=ids, on=DAY))
            self.assertEqual(computed.call_count, 1)
            # Alerts first: the figures the checks computed are kept for the overview.
            add_member(self.cell_a, "Đặng Văn Khoa")
            reading = served.Reading()
            found = self.keep(lambda: reading.findings(scope_ids=ids, on=DAY))
            self.assertEqual(computed.call_count, 2)
            newer = served.overview(scope_ids=ids, on=DAY)
            self.assertEqual(computed.call_count, 2)
        self.assertEqual(newer.figures["members"], figures.figures["members"] + 1)
        self.assertNotEqual(found, first)
        self.assertEqual(found, checks.run(scope_ids=ids, on=DAY))


@skipUnless(connection.vendor == "postgresql", "SQLite has one writer at a time")
class UnsettledGenerationTests(KeepingTestCase):
    """On PostgreSQL a transaction still writing history may commit a lower id than the
    generation read: nothing computed meanwhile is kept (generation.settled)."""

    def test_nothing_is_kept_while_another_session_writes_history(self):
        ids = frozenset({self.cell_a.pk})
        other = connections.create_connection("default")
        try:
            other.set_autocommit(False)
            with other.cursor() as cursor:
                cursor.execute(f'LOCK TABLE "{Entry._meta.db_table}" IN ROW EXCLUSIVE MODE')
            self.assertFalse(generation.settled())
            found = self.keep(lambda: served.findings(scope_ids=ids, on=DAY))
            self.assertEqual(found, checks.run(scope_ids=ids, on=DAY))
            self.assertIsNone(caches["computed"].get(served.key("findings", ids, DAY, False)))
            other.rollback()
        finally:
            other.close()
        self.assertTrue(generation.settled())
        self.keep(lambda: served.findings(scope_ids=ids, on=DAY))
        self.assertIsNotNone(caches["computed"].get(served.key("findings", ids, DAY, False)))


class ServedToEveryoneTests(KeepingTestCase):
    def test_a_page_gives_its_user_links_on_copies(self):
        """The alerts page sets this user's link and offer on the findings it shows; what is
        kept for every user stays as the checks made it, even when kept after the view (as
        inside a request-wide transaction)."""
        self.login(self.board)
        ids = access.scope(self.board, DAY).ids()
        with self.captureOnCommitCallbacks(execute=True):
            page = self.client.get(reverse("rules:alerts") + "?as_of=2023-05-24")
        self.assertContains(page, "bỏ qua")
        kept = caches["computed"].get(served.key("findings", ids, DAY, False))[1].findings
        self.assertTrue(kept)
        self.assertFalse([f.key for f in kept if hasattr(f, "link") or hasattr(f, "dismissable")])
        self.assertEqual(kept, checks.run(scope_ids=ids, on=DAY))


class RefreshedTests(KeepingTestCase):
    """After a write in cells' own records, the figures and findings kept earlier are
    brought up to date in those cells only (served.touched, stats.refresh, checks.rerun),
    and what is served is what computing everything again returns (issue 16)."""

    def setUp(self):
        super().setUp()
        self.people = [
            add_member(self.cell_a, name)
            for name in ("Lê Văn An", "Lê Văn Bình", "Lê Văn Cường", "Lê Văn Dũng")
        ]
        self.other = add_member(self.cell_b, "Trần Văn Em")
        self.newcomer = add_member(
            self.cell_b, "Trần Thị Gấm", ceremony=dt.date(2022, 4, 1), official=False
        )
        self.scopes = {"all": None, "board": access.scope(self.board, DAY).ids()}

    def serve(self):
        """Serve every scope's figures and findings, as the overview does, counting how
        they were made; then compare with computing them whole."""
        made = {}
        with (
            mock.patch.object(checks, "found", wraps=checks.found) as whole,
            mock.patch.object(checks, "rerun", wraps=checks.rerun) as rerun,
        ):
            for name, ids in self.scopes.items():
                reading = served.Reading()
                made[name] = (
                    self.keep(lambda: reading.overview(scope_ids=ids, on=DAY)),  # noqa: B023
                    self.keep(lambda: reading.findings(scope_ids=ids, on=DAY)),  # noqa: B023
                    self.keep(lambda: charts.served_members_chart(reading, ids, DAY)),  # noqa: B023
                )
        for name, ids in self.scopes.items():
            figures, found, chart = made[name]
            with self.subTest(scope=name):
                fresh = stats.compute(scope_ids=ids, on=DAY)
                self.assertEqual(figures.figures, fresh.figures)
                self.assertEqual(figures.cells, fresh.cells)
                self.assertEqual(found, checks.run(scope_ids=ids, on=DAY))
                self.assertEqual(chart.rows, charts.members_chart(ids, DAY).rows)
        return whole.call_count, rerun.call_count

    def test_the_still_checks_read_none_of_a_cells_records(self):
        """``rerun`` keeps the findings of ``checks.STILL`` as they were: sound only while
        the tables they read are none of the rows a refresh follows (served.PER_CELL_ROWS).
        Each check is run on a day past F-8's deadline and its SQL read for table names."""
        from django.apps import apps

        tables = {model._meta.db_table: model._meta.label_lower for model in apps.get_models()}
        on = dt.date(DAY.year, 12, 31)
        # What each reads at least, so that an early return cannot make the test empty.
        expected = {
            checks.check_security_resolution: {"orgs.orglink", "register.document"},
            checks.check_briefings: {"briefings.recommendation", "briefings.assignment"},
        }
        self.assertEqual(set(expected), set(checks.STILL))
        for check in checks.STILL:
            with self.subTest(check=check.__name__):
                ctx = checks._context(None, on, stats.compute(scope_ids=None, on=on))
                with CaptureQueriesContext(connection) as queries:
                    check(ctx)
                read = {
                    tables[name]
                    for query in queries.captured_queries
                    for name in re.findall(r'(?:FROM|JOIN) "(\w+)"', query["sql"])
                }
                self.assertLessEqual(expected[check], read)
                self.assertEqual(read & served.PER_CELL_ROWS, set())

    def test_only_the_still_checks_read_the_conferences(self):
        """A change to the conferences' records has only ``checks.STILL`` run again: sound
        only while neither the figures, nor the members chart, nor any other check reads
        them (served.STILL_ROWS). Each is run and its SQL read for table names."""
        from django.apps import apps

        tables = {model._meta.db_table: model._meta.label_lower for model in apps.get_models()}
        on = dt.date(DAY.year, 12, 31)
        others = [check for check in checks.CHECKS if check not in checks.STILL]
        ctx = checks._context(None, on, stats.compute(scope_ids=None, on=on))
        readers = {check.__name__: lambda c=check: c(ctx) for check in others}
        readers["stats.compute"] = lambda: stats.compute(scope_ids=None, on=on)
        readers["charts.counted_members"] = lambda: charts.counted_members(None, on)
        everything = set()
        for name, read in readers.items():
            with self.subTest(reader=name), CaptureQueriesContext(connection) as queries:
                read()
                names = {
                    tables.get(table, table)
                    for query in queries.captured_queries
                    for table in re.findall(r'(?:FROM|JOIN) "(\w+)"', query["sql"])
                }
                self.assertEqual(names & served.STILL_ROWS, set())
                everything |= names
        # What they read at least, so that the test cannot pass on SQL it failed to parse.
        self.assertLessEqual(
            {"members.membership", "meetings.attendance", "register.dissemination"}, everything
        )
        self.assertLessEqual(
            {"briefings.recommendation", "briefings.assignment", "briefings.conclusion"},
            served.STILL_ROWS,
        )

    def test_a_conferences_records_run_the_still_checks_again_only(self):
        """A recommendation past due, then answered; a conclusion's task past due, then
        closed: each time the findings are brought up to date by running the still checks
        again, not computed whole, and are what computing everything gives."""
        from chibo.briefings import operations as briefings
        from chibo.briefings.models import RecStatus

        self.serve()
        day = dt.date(2023, 3, 1)
        before = generation.current()
        conference = briefings.create_conference(
            host=self.district,
            title="quý I năm 2023",
            date=day,
            period_start=dt.date(2023, 1, 1),
            period_end=dt.date(2023, 2, 28),
            invited=[self.cell_a, self.cell_b],
            by=None,
        )
        self.assertEqual(served.touched(before, generation.current()), (frozenset(), True))
        self.assertEqual(self.serve(), (0, 2))

        def briefs():
            found = checks.run(scope_ids=None, on=DAY)
            return [f.key.removeprefix("BRIEF:") for f in found if f.rule_id == "BRIEF"]

        rec = briefings.raise_recommendation(
            conference=conference,
            raised_by=self.cell_a,
            addressed_to=self.commune_a,
            category="facilities",
            text="Phòng họp",
            raised_on=day,
            due_on=dt.date(2023, 4, 1),
            by=None,
        )
        self.assertEqual(self.serve(), (0, 2))
        self.assertEqual(briefs(), [f"rec:{rec.pk}"])
        conclusion = briefings.add_conclusion(
            conference=conference,
            text="Bố trí phòng họp",
            group="Đảng ủy các xã",
            due_on=dt.date(2023, 4, 15),
            assignees=[self.commune_a],
            by=None,
        )
        self.assertEqual(self.serve(), (0, 2))
        task = conclusion.assignments.get()
        self.assertEqual(sorted(briefs()), sorted([f"rec:{rec.pk}", f"task:{task.pk}"]))
        briefings.answer(
            recommendation=rec,
            status=RecStatus.ANSWERED,
            text="Đã bố trí",
            on=dt.date(2023, 3, 20),
            by=None,
        )
        briefings.close_task(assignment=task, on=dt.date(2023, 4, 10), by=None)
        self.assertEqual(self.serve(), (0, 2))
        self.assertEqual(briefs(), [])
        # A conference's write with a cell's: both brought up to date, nothing whole.
        before = generation.current()
        add_member(self.cell_a, "Phạm Văn Hòa")
        briefings.answer(recommendation=rec, status=RecStatus.IN_PROGRESS, text="", by=None)
        touched = served.touched(before, generation.current())
        self.assertEqual(touched, ({self.cell_a.pk}, True))
        self.assertEqual(self.serve(), (0, 2))
        self.assertEqual(briefs(), [f"rec:{rec.pk}"])

    def meeting(self, cell, day, marks, chair=None, minute_taker=None):
        meeting = meetings.plan(cell=cell, kind=Kind.REGULAR, planned_date=day, by=None)
        meetings.hold(
            meeting=meeting,
            by=None,
            record=meetings.Record(
                date=day,
                start_time=dt.time(14),
                end_time=dt.time(15),  # 60 minutes: a finding (R-MTG-03)
                kind=Kind.REGULAR,
                chair=chair or self.people[0],
                minute_taker=minute_taker or self.people[1],
            ),
        )
        roll = {m.person_id: (Presence.PRESENT, "") for m in quality.roll(meeting)}
        meetings.take_attendance(meeting=meeting, marks={**roll, **marks}, by=None)
        return meeting

    def test_each_kind_of_write_in_a_cell_is_served_as_computed(self):
        a, b = self.people[0], self.people[1]
        self.assertEqual(self.serve(), (2, 0))  # first: computed whole
        writes = {
            "a new member": lambda: add_member(self.cell_a, "Phạm Văn Hòa"),
            "a Bí thư": lambda: members.appoint(
                person=self.other,
                organization=self.cell_b,
                role="secretary",
                on=dt.date(2021, 1, 1),
                by=None,
            ),
            "a Phó Bí thư": lambda: members.appoint(
                person=a, organization=self.cell_a, role="deputy", on=dt.date(2021, 1, 1), by=None
            ),
            "a working regulation": lambda: documents.add_regulation(
                cell=self.cell_a,
                number="01-QC/CB",
                title="Quy chế làm việc",
                issued_on=dt.date(2021, 2, 1),
                by=None,
            ),
            "a meeting and its roll": lambda: self.meeting(
                self.cell_a, dt.date(2023, 5, 5), {b.pk: (Presence.UNEXCUSED, "")}
            ),
            "a name": lambda: members.update_person(
                person=a,
                data=members.PersonData(
                    ho="Lê", ten_dem="Văn", ten="Ân", gender="M", birth_date=dt.date(1990, 1, 1)
                ),
                by=None,
            ),
            "a recognition": lambda: members.recognize(
                person=self.newcomer, decided_on=dt.date(2023, 5, 20), by=None
            ),
            "a transfer": lambda: members.transfer(
                person=self.people[3],
                kind="official",
                on=dt.date(2023, 3, 1),
                to_cell=self.cell_b,
                by=None,
            ),
            "a congress (R-ORG-06)": lambda: members.record_congress(
                organization=self.cell_b,
                congress=members.Congress(
                    congress_on=dt.date(2020, 10, 1),
                    starts_on=dt.date(2020, 10, 1),
                    label="2020–2025",
                    policy=TermPolicy.TWICE_IN_FIVE,  # due after 30 months: a finding on DAY
                    secretary=self.other,
                ),
                by=None,
            ),
            "a dismissal": lambda: operations.dismiss(
                finding=next(
                    f
                    for f in checks.run(scope_ids=None, on=DAY)
                    if f.organization_id == self.cell_a.pk
                ),
                organization=self.cell_a,
                reason="Đã báo cáo",
                on=DAY,
                by=self.board,
            ),
        }
        for name, write in writes.items():
            with self.subTest(write=name):
                before = generation.current()
                write()
                self.assertGreater(generation.current(), before)
                self.assertIsNotNone(served.touched(before, generation.current()))
                self.assertEqual(self.serve(), (0, 2))
        # The congress's term is due on DAY: a finding the refresh had to find.
        found = {(f.organization_id, f.rule_id) for f in checks.run(scope_ids=None, on=DAY)}
        self.assertIn((self.cell_b.pk, "R-ORG-06"), found)

    def test_r_mem_12_absences_follow_the_rolls_through_refreshes(self):
        """The per-person check looks again at the changed cells' people and at everyone it
        found before: a third month of absence is found, kept through a write elsewhere,
        and gone once an absence is excused; each time as computing everything gives."""
        b = self.people[1]
        self.serve()

        def absences():
            return {
                f.person_id for f in checks.run(scope_ids=None, on=DAY) if f.rule_id == "R-MEM-12"
            }

        away = {b.pk: (Presence.UNEXCUSED, "")}
        for day in (dt.date(2023, 1, 10), dt.date(2023, 2, 10)):
            self.meeting(self.cell_a, day, away)
            self.assertEqual(self.serve(), (0, 2))
        third = self.meeting(self.cell_a, dt.date(2023, 3, 10), away)
        self.assertEqual(self.serve(), (0, 2))
        self.assertEqual(absences(), {b.pk})
        # Scoped to cell B, the meetings of cell A are not counted, whichever way.
        only_b = frozenset({self.cell_b.pk})
        ctx = checks._context(only_b, DAY, stats.compute(scope_ids=only_b, on=DAY))
        self.assertEqual(checks.check_absences(ctx, changed=only_b, before={b.pk}), [])
        self.assertEqual(checks.check_absences(ctx), [])
        add_member(self.cell_b, "Trần Văn Phúc")  # nothing of b's: found from before
        self.assertEqual(self.serve(), (0, 2))
        roll = {m.person_id: (Presence.PRESENT, "") for m in quality.roll(third)}
        meetings.take_attendance(
            meeting=third, marks={**roll, b.pk: (Presence.EXCUSED, "Ốm")}, by=None
        )
        self.assertEqual(self.serve(), (0, 2))
        self.assertEqual(absences(), set())

    def test_r_mem_12_the_per_person_path_counts_as_the_query_does(self):
        """Absences in two cells (January in A; February and March in B, entered as rows):
        the months, the cell named (the later one) and the scope are the same whether the
        check runs whole in SQL or for a few people (``changed=``)."""
        b = self.people[1]
        self.meeting(self.cell_a, dt.date(2023, 1, 10), {b.pk: (Presence.UNEXCUSED, "")})
        for day in (dt.date(2023, 2, 10), dt.date(2023, 3, 10)):
            held = self.meeting(self.cell_b, day, {}, self.other, self.newcomer)
            Attendance.objects.create(meeting=held, person=b, status=Presence.UNEXCUSED)
        for scope in (None, frozenset({self.cell_a.pk}), frozenset({self.cell_b.pk})):
            with self.subTest(scope=scope):
                ctx = checks._context(scope, DAY, stats.compute(scope_ids=scope, on=DAY))
                whole = checks.check_absences(ctx)
                few = checks.check_absences(ctx, changed=frozenset(ctx.cell_ids), before=())
                self.assertEqual(few, whole)
                if scope is None:
                    self.assertEqual(
                        [(f.person_id, f.organization_id) for f in whole],
                        [(b.pk, max(self.cell_a.pk, self.cell_b.pk))],
                    )
                else:
                    self.assertEqual(whole, [])

    def test_a_change_read_across_cells_is_computed_whole(self):
        self.serve()
        orgs.rename(org=self.cell_b, on=dt.date(2023, 1, 1), by=None, name="Chi bộ Công an xã Bê")
        self.assertEqual(self.serve(), (2, 0))

    def test_a_person_touches_every_cell_of_their_records(self):
        before = generation.current()
        members.update_person(
            person=self.other,
            data=members.PersonData(ho="Trần", ten_dem="Văn", ten="Én", gender="M"),
            by=None,
        )
        self.assertEqual(served.touched(before, generation.current()).cells, {self.cell_b.pk})

    def test_a_row_moved_between_cells_touches_both(self):
        membership = self.people[0].memberships.get()
        before = generation.current()
        membership.cell = self.cell_b
        membership.save()
        changes = generation.changes(before, generation.current(), limit=10)
        self.assertIn(("organization", self.cell_a.pk), changes.subjects)
        self.assertIn(("organization", self.cell_b.pk), changes.subjects)

    def test_a_row_moved_by_a_queryset_update_touches_both(self):
        """``tracking.updated`` links a row as it was before: both ends are named still."""
        membership = self.people[0].memberships.get()
        before = generation.current()
        tracking.updated(Membership.objects.filter(pk=membership.pk), cell=self.cell_b)
        changes = generation.changes(before, generation.current(), limit=10)
        self.assertIn(("organization", self.cell_a.pk), changes.subjects)
        self.assertIn(("organization", self.cell_b.pk), changes.subjects)

    def test_rows_nothing_reads_touch_no_cell(self):
        """A grant over a cell, or the daily run's records, change no figure or finding: they
        neither send everything to be computed again nor count as a change in the cell."""
        self.serve()
        before = generation.current()
        make_user("bithu2", Role.SECRETARY, self.cell_a)
        self.assertGreater(generation.current(), before)
        self.assertEqual(served.touched(before, generation.current()), (frozenset(), False))
        self.assertEqual(self.serve(), (0, 2))

    def test_a_result_brought_up_to_date_is_computed_whole_once_old(self):
        """Refreshed results are computed whole again after CHIBO_COMPUTED_SECONDS, as long
        as a kept result lived before refreshes."""
        self.serve()
        add_member(self.cell_a, "Phạm Văn Hòa")
        with override_settings(CHIBO_COMPUTED_SECONDS=0):
            self.assertEqual(self.serve(), (2, 0))

    def test_many_changes_are_computed_whole(self):
        before = generation.current()
        for n in range(3):
            add_member(self.cell_a, f"Ngô Văn {'ABC'[n]}")
        self.assertIsNotNone(generation.changes(before, generation.current(), limit=100))
        self.assertIsNone(generation.changes(before, generation.current(), limit=5))
