"""The bench's data and its floor (issue 16): attendance for every meeting, the hand-written
SQL returning exactly chibo's numbers, and query counts that do not grow with the country."""

import datetime as dt
import io
import json
import os
import re
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext

from chibo.accounts import access
from chibo.accounts.models import User
from chibo.bench import data, floor
from chibo.compliance import checks
from chibo.documents.models import WorkingRegulation
from chibo.figures import stats
from chibo.lib import vndates
from chibo.meetings.models import Attendance, Meeting, Presence
from chibo.members.models import Membership, PoliceService
from chibo.rules.models import RuleSet

# The bench's rows are dated from "today"; a fixed one keeps the months checked the same.
TODAY = dt.date(2026, 11, 30)
# "IN (1, 2, 3" — a list of at least three literal ids in a statement.
# A list of ids as literals, or as the one parameter of an IdList (SQLite's JSON text,
# PostgreSQL's array), as the captured statements show them.
ID_LIST = re.compile(
    r"IN \((?:\d+, ){2,}\d+\)|json_each\('\[(?:\d+, )+\d+\]'\)|'\{(?:\d+,)+\d+\}'::"
)


def generate(scale: float = 0.003) -> data.Dataset:
    # Every other cell (the first of each province among them) misses one month's regular meeting, so the floor has findings to match.
    with mock.patch.object(data, "MISSED_EVERY", 2), mock.patch.object(data, "MISSED_OFFSET", 0):
        return data.generate(data.Sizes.at_scale(scale), log=lambda _m: None, today=TODAY)


def region_context(dataset: data.Dataset, on: dt.date) -> checks.Context:
    board = User.objects.get(pk=dataset.board_id)
    ids = access.scope(board, on).ids()
    overview = stats.compute(scope_ids=ids, on=on)
    names = {row.organization_id: row.version.name for row in overview.cells}
    return checks.Context(
        on=on, rules=RuleSet.on(on), overview=overview, names=names, scope_ids=ids
    )


class BenchDataTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.dataset = generate()

    def test_r_mtg_05_attendance_of_every_member_at_every_meeting(self):
        """Each held meeting has one row per member of the cell on its day, nobody else."""
        members = defaultdict(list)
        for cell, person, since in Membership.objects.values_list(
            "cell_id", "person_id", "valid_from"
        ):
            members[cell].append((person, since))
        rows = defaultdict(set)
        for meeting, person in Attendance.objects.values_list("meeting_id", "person_id"):
            rows[meeting].add(person)
        meetings = list(Meeting.objects.values_list("pk", "cell_id", "date"))
        self.assertGreater(len(meetings), 100)
        for pk, cell, day in meetings:
            expected = {person for person, since in members[cell] if since <= day}
            self.assertEqual(rows[pk], expected, f"meeting {pk}")
        statuses = set(Attendance.objects.values_list("status", flat=True).distinct())
        self.assertLessEqual(statuses, set(Presence.values))
        self.assertIn(Presence.PRESENT, statuses)

    def test_five_years_of_meetings_in_a_country_standing_since_the_previous_term(self):
        """Design §4: five years of monthly meetings; each cell has one working regulation in
        force on any day from the founding, the 2020–2025 one replaced by the 2025–2030 one,
        and a Bí thư elected for each term."""
        days = sorted(set(Meeting.objects.values_list("date", flat=True)))
        self.assertEqual((days[0], days[-1]), (dt.date(2021, 11, 5), dt.date(2026, 10, 5)))
        self.assertEqual(len({(day.year, day.month) for day in days}), 12 * data.YEARS)
        cells = set(Membership.objects.values_list("cell_id", flat=True))
        for on, term in ((dt.date(2023, 6, 1), data.PREVIOUS_TERM), (TODAY, data.TERM)):
            in_force = WorkingRegulation.objects.in_force_on(on)
            self.assertEqual(sorted(in_force.values_list("cell_id", flat=True)), sorted(cells))
            self.assertTrue(
                all(title.endswith(term) for title in in_force.values_list("title", flat=True))
            )
            secretaries = stats.compute(scope_ids=None, on=on).figures
            self.assertEqual(secretaries["cells_without_secretary"], 0, on)
        # Members from the founding were official by then; nobody served under 18.
        founders = Membership.objects.filter(valid_from=data.FOUNDED)
        self.assertGreater(founders.count(), 0)
        self.assertFalse(founders.filter(party__official_date__gt=data.FOUNDED).exists())
        for since, born in PoliceService.objects.values_list("valid_from", "person__birth_date"):
            self.assertGreaterEqual(since, vndates.add_months(born, 12 * 18))

    def test_generation_is_deterministic_in_attendance(self):
        first = sorted(Attendance.objects.values_list("status", flat=True))
        # In SQL: deleting through the ORM writes an audit entry for each of the tens of
        # thousands of rows (80 s on PostgreSQL), and the generator writes none.
        with connection.cursor() as cursor:
            for model in (Attendance, Meeting):
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
        cells = sorted(set(Membership.objects.values_list("cell_id", flat=True)))
        with (
            mock.patch.object(data, "MISSED_EVERY", 2),
            mock.patch.object(data, "MISSED_OFFSET", 0),
        ):
            meetings, rows = data.build_meetings(cells, lambda _m: None, today=TODAY)
        self.assertEqual(rows, len(first))
        self.assertEqual(sorted(Attendance.objects.values_list("status", flat=True)), first)
        self.assertEqual(meetings, Meeting.objects.count())


class FloorTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.dataset = generate()

    def test_country_figures_equal_chibo(self):
        chibo = stats.compute(scope_ids=None, on=TODAY).figures
        self.assertEqual(floor.country_figures(TODAY), chibo)
        self.assertGreater(chibo["members"], 0)

    def test_r_mtg_01_r_mtg_02_missed_meetings_equal_chibo(self):
        ctx = region_context(self.dataset, TODAY)
        chibo = {f.key for f in checks.check_meetings(ctx)}
        mine = floor.missed_meetings(
            [self.dataset.province_id], TODAY, ctx.rules.thematic_per_quarter
        )
        self.assertEqual(mine, chibo)
        self.assertTrue(any(key.startswith("R-MTG-01:") for key in chibo))

    def test_side_by_side_reports_a_difference_as_an_error(self):
        result = floor.side_by_side("x", "y", lambda: {"a": 1}, lambda: {"a": 2}, repeat=1)
        self.assertEqual(result.status, 0)
        self.assertIn("a: 1 ≠ 2", result.error)

        def slow(seconds):
            def call():
                time.sleep(seconds)
                return {"a": 1}

            return call

        result = floor.side_by_side("x", "y", slow(0.004), slow(0.002), repeat=3)
        self.assertEqual((result.error, len(result.app_runs_ms), result.compared), ("", 3, 1))
        self.assertGreater(result.ratio, 1)


class QueryCountTests(TestCase):
    """Query counts pinned, not timings (issue 16): the same statements whatever the size."""

    def queries(self, scope_ids) -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            overview = stats.compute(scope_ids=scope_ids, on=TODAY)
        # Eight, and a ninth for the names of officers outside the party where there are any.
        short = any(row.officers > row.officers_members for row in overview.cells)
        self.assertEqual(len(captured.captured_queries), 9 if short else 8)
        return [q["sql"] for q in captured.captured_queries]

    def test_country_overview_sends_no_id_list(self):
        """For a user who sees everything, no statement carries a list of ids."""
        generate(0.003)
        sent = self.queries(None)
        self.assertEqual([ID_LIST.findall(sql) for sql in sent], [[]] * len(sent))

    def test_scoped_overview_sends_the_scope_not_the_cells(self):
        """A scoped user's statements carry the scope's ids (at most once each, in the
        subquery that finds the cells), never the list of cells found by an earlier query."""
        dataset = generate(0.003)
        board = User.objects.get(pk=dataset.board_id)
        ids = access.scope(board, TODAY).ids()
        self.assertGreater(len(ids), 2)
        sent = self.queries(ids)
        self.assertTrue(any(ID_LIST.findall(sql) for sql in sent))  # the scope is sent
        for sql in sent:
            lists = ID_LIST.findall(sql)
            self.assertLessEqual(len(lists), 1, sql)
            for found in lists:
                self.assertEqual({int(n) for n in re.findall(r"\d+", found)}, set(ids))

    def test_country_checks_filter_on_the_cells_subquery_and_find_what_the_ids_find(self):
        """A whole-country run's checks send no list of the cells' ids (the subquery of the
        police cells on the day instead: one id array of 3,321 cost PostgreSQL a walk per
        cell), and find exactly what the same checks given the ids find."""
        generate(0.003)
        overview = stats.compute(scope_ids=None, on=TODAY)
        whole = checks._context(None, TODAY, overview)
        given_ids = checks._context(None, TODAY, overview, whole=False)
        cells = set(whole.cell_ids)
        self.assertTrue(whole.whole and not given_ids.whole and len(cells) > 2)
        found = 0
        for check in checks.CHECKS:
            with self.subTest(check=check.__name__):
                with CaptureQueriesContext(connection) as captured:
                    keys = sorted(f.key for f in check(whole))
                for query in captured.captured_queries:
                    for sent in ID_LIST.findall(query["sql"]):
                        self.assertNotEqual({int(n) for n in re.findall(r"\d+", sent)}, cells)
                self.assertEqual(keys, sorted(f.key for f in check(given_ids)))
                found += len(keys)
        self.assertGreater(found, 0)

    def test_missed_meetings_check_three_queries(self):
        dataset = generate(0.003)
        ctx = region_context(dataset, TODAY)
        with CaptureQueriesContext(connection) as captured:
            checks.check_meetings(ctx)
        self.assertEqual(len(captured.captured_queries), 3)


class UrlTests(TestCase):
    def test_url_is_reverse(self):
        from django.urls import reverse

        for name in ("orgs:detail", "members:detail", "meetings:detail", "briefings:answer"):
            self.assertEqual(checks.url(name, 42), reverse(name, args=[42]))


class ReferenceDataTests(TestCase):
    """``flush`` empties the rows the data migrations wrote; the bench writes them again."""

    def reference(self) -> dict[str, list]:
        from chibo.meetings.models import Criterion, Level, Rubric
        from chibo.rules.models import CalendarDay, CalendarYear

        models = [RuleSet, Rubric, Criterion, Level, CalendarYear, CalendarDay]

        def rows(model):
            fields = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
            # The rubric a criterion or level belongs to by its name and date: ids differ.
            fields = [
                *(f for f in fields if f != "rubric_id"),
                *(("rubric__name", "rubric__valid_from") if "rubric_id" in fields else ()),
            ]
            return sorted(map(repr, model.objects.values_list(*fields)))

        return {model.__name__: rows(model) for model in models}

    def test_restore_reference_writes_again_what_the_migrations_wrote(self):
        from chibo.meetings.models import Rubric
        from chibo.rules.models import CalendarDay, CalendarYear

        migrated = self.reference()
        self.assertTrue(migrated["RuleSet"] and migrated["Rubric"] and migrated["CalendarDay"])
        self.assertFalse(data.restore_reference())  # there already: nothing written twice
        for model in (RuleSet, Rubric, CalendarYear, CalendarDay):
            model.objects.all().delete()
        self.assertTrue(data.restore_reference())
        self.assertEqual(self.reference(), migrated)

    def test_reference_names_every_data_migration_that_writes_reference_rows(self):
        """A new data migration is either in ``data.REFERENCE`` or named here as one that
        writes nothing the bench needs."""
        from django.db import migrations
        from django.db.migrations.loader import MigrationLoader

        graph = MigrationLoader(connection).graph
        writing = {
            key
            for key, migration in graph.nodes.items()
            if any(isinstance(op, migrations.RunPython) for op in migration.operations)
            and type(migration).__module__.startswith("chibo.")
        }
        others = {
            ("audit", "0002_append_only_triggers"),  # triggers, not rows
            ("briefings", "0003_recommendation_text_key"),  # fills a column of existing rows
        }
        self.assertEqual(writing - others, set(data.REFERENCE))


@pytest.mark.once
class BenchCommandTests(TestCase):
    """``chibo bench`` end to end on a tiny SQLite data set, in its own child process."""

    def test_results_file_has_the_floor_ratio(self):
        with tempfile.TemporaryDirectory() as var:
            with (
                # Always the SQLite child, even in CI's PostgreSQL pass: never the test database.
                mock.patch.dict(os.environ, {"CHIBO_VAR_DIR": var, "DATABASE_URL": ""}),
                override_settings(VAR_DIR=var),
            ):
                call_command("bench", scale=0.002, repeat=1, stdout=io.StringIO())
            report = json.loads((Path(var) / "bench" / "results-sqlite.json").read_text())
        floors = {r["name"]: r for r in report["results"] if "ratio" in r}
        self.assertEqual(set(floors), {"floor overview", "floor missed meet."})
        for result in floors.values():
            self.assertEqual(result["error"], "")
            self.assertGreater(result["floor_ms"], 0)
            self.assertEqual(result["ratio"], round(result["app_ms"] / result["floor_ms"], 2))
            self.assertEqual(result["app_min_ms"], min(result["app_runs_ms"]))
            self.assertEqual(
                result["ratio_min"], round(result["app_min_ms"] / result["floor_min_ms"], 2)
            )
        self.assertEqual(floors["floor overview"]["compared"], 12)
        pages = [r for r in report["results"] if "ratio" not in r]
        self.assertTrue(pages and all(r["status"] == 200 and r["p95_ms"] > 0 for r in pages))
        self.assertGreater(report["rows"]["Attendance"], 0)
        self.assertGreater(report["generation_peak_rss_mib"], 0)
        # The checks ran under the rule sets a real installation has, not the defaults.
        self.assertEqual(
            report["rule_set"], RuleSet.on(dt.date.fromisoformat(report["as_of"])).name
        )
