"""Issue 14: the demo's 2023 records show 2023 times (sent, issued, scored), not the time the
demo was loaded."""

import datetime as dt

from django.test import TestCase
from django.utils import timezone

from chibo.briefings.models import CellReport, IssuedPaper
from chibo.demo import briefings, history, meetings, people, structure, terms
from chibo.meetings.models import Evaluation, Meeting


class DemoHistoryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        tree = structure.build()
        people.build(tree)
        terms.build(tree)
        meetings.build(until=dt.date(2023, 2, 28))
        briefings.build(tree)
        cls.before = {
            "evaluations": list(Evaluation.objects.values_list("scored_at", flat=True)),
            "papers": list(IssuedPaper.objects.values_list("issued_at", flat=True)),
        }
        history.build()

    def test_before_the_step_the_stamps_were_the_load_time(self):
        """The check below can fail: without the step every stamp is today's."""
        today = timezone.localdate()
        stamps = self.before["evaluations"] + self.before["papers"]
        self.assertTrue(stamps)
        self.assertTrue(all(timezone.localtime(s).date() == today for s in stamps))

    def test_meetings_are_scored_on_their_own_days(self):
        evaluations = Evaluation.objects.select_related("meeting")
        self.assertGreater(evaluations.count(), 10)
        for e in evaluations:
            day = timezone.localtime(e.scored_at).date()
            self.assertEqual(day.year, 2023)
            self.assertIn((day - e.meeting.date).days, (0, 1))
        for m in Meeting.objects.filter(closed_at__isnull=False):
            self.assertEqual(timezone.localtime(m.closed_at).date(), m.date)
            self.assertLess(m.created_at.date(), m.planned_date)

    def test_2023_reports_sent_and_papers_issued_in_2023(self):
        reports = CellReport.objects.filter(submitted_at__isnull=False).select_related("conference")
        self.assertTrue(reports)
        for r in reports:
            sent = timezone.localtime(r.submitted_at).date()
            self.assertEqual(sent.year, r.conference.date.year)
            self.assertLessEqual(sent, r.conference.date)
        papers = IssuedPaper.objects.all()
        self.assertTrue(papers)
        for p in papers:
            self.assertEqual(timezone.localtime(p.issued_at).date(), p.issued_on)
