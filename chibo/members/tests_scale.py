"""The member list, its API and its export cost the page, not the scope (issue 16 item 5):
counted and sliced in SQL, no list of every cell for a user who sees everything, the export
read in chunks. Query counts are pinned; they must not grow with rows nor with cells."""

import datetime as dt
import io
from unittest import mock

import openpyxl
from django.db import connection
from django.db.models.query import QuerySet
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chibo.members import roster
from chibo.orgs import operations as org_ops
from chibo.orgs.models import Kind
from chibo.test import SETTLED, START, ChiboTestCase, add_member, attrs

D = dt.date
LIST = reverse("members:list")
API = "/api/v1/members"
EXPORT = reverse("members:export")
ON = {"as_of": "2023-05-24"}


class MemberListScaleTests(ChiboTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        add_member(cls.cell_a, "Nguyễn Văn An")
        add_member(cls.cell_b, "Trần Thị Bình")

    def add_cells(self, count: int) -> list:
        cells = [
            org_ops.create(
                attrs=attrs(f"Chi bộ Công an xã Thêm {i}", Kind.SUBORDINATE_CELL, "CB"),
                on=START,
                by=None,
                parent=self.commune_a,
                is_police=True,
            )
            for i in range(count)
        ]
        for i, cell in enumerate(cells):
            add_member(cell, f"Lê Văn Thêm{i}")
        return cells

    def queries(self, url: str, data: dict) -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = self.client.get(url, data)
            self.assertEqual(response.status_code, 200)
            if response.streaming:
                b"".join(response.streaming_content)
        return len(ctx)

    def test_superuser_list_and_api_queries_do_not_grow_with_cells_or_rows(self):
        self.login(self.superuser)
        self.client.get(LIST, ON)
        before = {url: self.queries(url, ON) for url in (LIST, API)}
        self.add_cells(4)
        with mock.patch.object(roster, "CELL_CHOICES_MAX", 3):
            after = {url: self.queries(url, ON) for url in (LIST, API)}
        # The same count, although the page now offers no choice of cells: no query per cell.
        self.assertLessEqual(after[LIST], before[LIST])
        self.assertEqual(after[API], before[API])
        # With the data's generation read for the kept length of the list (on PostgreSQL,
        # and whether it is settled), counted here because nothing is kept in a test.
        self.assertLessEqual(after[LIST], 8 + SETTLED)
        self.assertLessEqual(after[API], 6 + SETTLED)

    def test_big_scope_chooses_the_cell_in_the_tree_and_checks_it_in_sql(self):
        self.login(self.board)
        with mock.patch.object(roster, "CELL_CHOICES_MAX", 1):
            page = self.client.get(LIST, ON)
            self.assertContains(page, 'data-testid="cell-from-tree"')
            self.assertNotContains(page, "Chi bộ Công an xã B</option>")
            page = self.client.get(LIST, {**ON, "cell": self.cell_b.pk})
            self.assertContains(page, "Chi bộ Công an xã B</option>")
            self.assertContains(page, "Trần Thị Bình")
            self.assertNotContains(page, "Nguyễn Văn An")
            self.assertNotContains(page, "đã được bỏ qua")
            # A cell outside the board's scope is a bad filter, ignored with a message.
            self.login(self.committee)
            page = self.client.get(LIST, {**ON, "cell": self.cell_b.pk})
            self.assertContains(page, "đã được bỏ qua")
            self.assertNotContains(page, "Trần Thị Bình")
            answer = self.client.get(API, {**ON, "cell": self.cell_b.pk})
            self.assertEqual(answer.status_code, 400)
            self.assertIn("cell", str(answer.json()))
            self.assertEqual(
                self.client.get(API, {**ON, "cell": "99999999999999"}).status_code, 400
            )

    def test_small_scope_still_offers_every_cell(self):
        self.login(self.board)
        page = self.client.get(LIST, ON)
        self.assertContains(page, "Chi bộ Công an xã A</option>")
        self.assertContains(page, "Chi bộ Công an xã B</option>")
        self.assertNotContains(page, 'data-testid="cell-from-tree"')

    def test_api_count_and_slice_are_sql(self):
        self.add_cells(3)
        self.login(self.superuser)
        with CaptureQueriesContext(connection) as ctx:
            body = self.client.get(API, {**ON, "limit": 2, "offset": 1}).json()
        self.assertEqual(body["count"], 5)
        self.assertEqual(len(body["items"]), 2)
        sql = [q["sql"] for q in ctx.captured_queries]
        self.assertTrue(any("COUNT(*)" in q for q in sql))
        self.assertTrue(any("LIMIT 2 OFFSET 1" in q for q in sql))

    def test_export_reads_rows_in_chunks_with_bounded_queries(self):
        """The export iterates the query in chunks (a server-side cursor on PostgreSQL):
        QuerySet.iterator is used and the queryset's result cache is never filled, so no
        list of every row is built; the queries do not grow with rows."""
        self.login(self.board)
        self.queries(EXPORT, ON)
        before = self.queries(EXPORT, ON)
        chunked, listed = [], []
        iterator, fetch_all = QuerySet.iterator, QuerySet._fetch_all

        def spy_iterator(queryset, *args, **kwargs):
            chunked.append(queryset.model.__name__)
            return iterator(queryset, *args, **kwargs)

        def spy_fetch_all(queryset):
            if queryset.model.__name__ == "Membership" and queryset._result_cache is None:
                listed.append(queryset)
            return fetch_all(queryset)

        for i in range(30):
            add_member(self.cell_b, f"Phạm Văn Nhiều{i}")
        with (
            mock.patch.object(QuerySet, "iterator", spy_iterator),
            mock.patch.object(QuerySet, "_fetch_all", spy_fetch_all),
            CaptureQueriesContext(connection) as ctx,
        ):
            response = self.client.get(EXPORT, ON)
            content = (
                b"".join(response.streaming_content) if response.streaming else response.content
            )
        self.assertEqual(listed, [])
        self.assertIn("Membership", chunked)
        self.assertEqual(len(ctx), before)
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        names = [row[3] for row in sheet.iter_rows(values_only=True)]
        self.assertEqual(sum(1 for n in names if n and str(n).startswith("Nhiều")), 30)
