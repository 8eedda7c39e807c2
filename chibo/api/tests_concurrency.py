"""Concurrent writes over real database connections (issue 9): counters never hand out a
number twice, the loser of a real conflict gets 409, a repeated request writes once.

Each thread has its own connection, so these run on PostgreSQL (``DATABASE_URL``); SQLite's
in-memory test database cannot hold concurrent writers, and its file mode serialises every
write through ``BEGIN IMMEDIATE`` anyway.
"""

import datetime as dt
import json
import threading
import unittest

from django.db import connection, connections
from django.test import Client, TransactionTestCase
from django.urls import reverse

from chibo.accounts.models import Role
from chibo.briefings import operations as briefings
from chibo.briefings.models import Conclusion, IssuedPaper
from chibo.browser import _restore_shipped_data
from chibo.documents.models import IssuedNumber
from chibo.members.models import Person
from chibo.test import add_member, build_tree, make_user


def together(calls) -> list:
    """Run each call in its own thread, released at the same moment; their results (or the
    exception raised) in order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except Exception as error:  # reported to the test, which fails on it
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@unittest.skipUnless(connection.vendor == "postgresql", "cần PostgreSQL (DATABASE_URL)")
class ConcurrentWriteTests(TransactionTestCase):
    def setUp(self):
        _restore_shipped_data()  # a previous transactional test emptied the shipped rows
        build_tree(self)
        self.board = make_user("board", Role.BOARD, self.district)
        self.secretary = make_user("secretary", Role.SECRETARY, self.cell_a)
        add_member(self.cell_a, "Lê Văn An")

    def conference(self, day: int):
        return briefings.create_conference(
            host=self.district,
            title=f"hội nghị {day}",
            date=dt.date(2023, 5, day),
            period_start=dt.date(2023, 1, 1),
            period_end=dt.date(2023, 5, day - 1),
            invited=[self.cell_a],
            by=None,
        )

    def client_for(self, user) -> Client:
        client = Client(raise_request_exception=False)
        client.force_login(user)
        return client

    def post_from(self, user, url: str, data: dict):
        client = self.client_for(user)
        return lambda: client.post(url, data).status_code

    def test_four_concurrent_issues_of_one_paper_issue_it_once(self):
        """R-DOC-03: one number taken; the three losers get 409, not a 500."""
        conference = self.conference(24)
        url = reverse("briefings:issue", args=[conference.pk, "TB"])
        statuses = together([self.post_from(self.board, url, {"confirm": "on"})] * 4)
        self.assertEqual(sorted(statuses), [302, 409, 409, 409])
        self.assertEqual(IssuedPaper.objects.count(), 1)
        self.assertEqual(IssuedNumber.objects.count(), 1)

    def test_papers_of_two_conferences_of_one_host_issued_at_once_get_distinct_numbers(self):
        """R-DOC-03: one sequence per issuer, type and term; both papers issued."""
        urls = [
            reverse("briefings:issue", args=[self.conference(day).pk, "BC"]) for day in (24, 25)
        ]
        statuses = together([self.post_from(self.board, u, {"confirm": "on"}) for u in urls])
        self.assertEqual(statuses, [302, 302])
        codes = sorted(p.number.code for p in IssuedPaper.objects.select_related("number"))
        self.assertEqual(codes, ["01-BC/HU", "02-BC/HU"])

    def test_concurrent_conclusions_are_numbered_in_order(self):
        conference = self.conference(24)
        url = reverse("briefings:conclusion_new", args=[conference.pk])
        calls = [
            self.post_from(self.board, url, {"text": f"Kết luận {n}", "group": ""})
            for n in range(3)
        ]
        self.assertEqual(together(calls), [302, 302, 302])
        orders = sorted(Conclusion.objects.values_list("order", flat=True))
        self.assertEqual(orders, [1, 2, 3])

    def test_the_same_idempotency_key_sent_four_times_at_once_writes_once(self):
        body = json.dumps(
            {
                "ho": "Võ",
                "ten_dem": "Văn",
                "ten": "Một",
                "gender": "M",
                "birth_date": "1999-04-02",
                "registered_by": self.cell_a.pk,
            }
        )

        def call():
            client = self.client_for(self.secretary)
            return lambda: client.post(
                "/api/v1/people",
                body,
                content_type="application/json",
                HTTP_IDEMPOTENCY_KEY="dup-1",
            )

        answers = together([call() for _ in range(4)])
        self.assertEqual([a.status_code for a in answers], [201] * 4, answers)
        self.assertEqual(len({a.json()["id"] for a in answers}), 1)
        self.assertEqual(sum(a.get("Idempotent-Replayed") == "true" for a in answers), 3)
        self.assertEqual(Person.objects.filter(ten="Một").count(), 1)

    def test_a_double_click_on_a_page_form_writes_once(self):
        client = self.client_for(self.secretary)
        url = reverse("members:new")
        page = client.get(url).content.decode()
        token = page.split('name="once" value="', 1)[1].split('"', 1)[0]
        data = {
            "ho": "Võ",
            "ten_dem": "Văn",
            "ten": "Một",
            "gender": "M",
            "birth_date": "02/04/1999",
            "registered_by": self.cell_a.pk,
            "once": token,
        }
        statuses = together([self.post_from(self.secretary, url, data)] * 2)
        self.assertEqual(statuses, [302, 302])
        self.assertEqual(Person.objects.filter(ten="Một").count(), 1)
