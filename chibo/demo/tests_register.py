"""Acceptance of issue 15 on the demo: the 2023 BÁO CÁO states the dissemination of
Nghị quyết 12-NQ/TW with its completion figures (F-9), from the register's records; the
make-up session, the adopted advice (F-8) and the resolution numbered at a 2023 meeting."""

import datetime as dt
import io

import docx
import pytest
from django.core.management import call_command
from django.test import TestCase

from chibo.briefings import papers
from chibo.briefings.models import Conference
from chibo.register import progress
from chibo.register.models import Advice, Dissemination, Document, Outcome, Participation

D = dt.date


@pytest.mark.once  # the whole demo: minutes of meetings from 2023 to today
class DemoRegisterTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("demo", stdout=io.StringIO())
        cls.nq12 = Document.objects.get(number="12-NQ/TW")

    def test_f_9_the_2023_bao_cao_states_the_study_of_nq_12_with_its_figures(self):
        conference = Conference.objects.get(date=D(2023, 5, 24))
        plans = Dissemination.objects.filter(document=self.nq12)
        rows = progress.completions(plans, conference.period_end)
        sums = progress.total(rows)
        self.assertEqual(sums.cells, 11)
        self.assertEqual(sums.cells_complete, 11)
        self.assertGreater(sums.to_reach, 11)
        text = "\n".join(
            p.text for p in docx.Document(io.BytesIO(papers.render_report(conference))).paragraphs
        )
        self.assertIn("Nghị quyết số 12-NQ/TW ngày 16/3/2022 của Bộ Chính trị", text)
        self.assertIn(
            f"{sums.reached}/{sums.to_reach} đảng viên đã học (đạt {sums.percent}%), "
            "11/11 chi bộ hoàn thành; 1 chi bộ tổ chức học bù",
            text,
        )

    def test_one_cell_held_a_make_up_session(self):
        makeup = Participation.objects.filter(dissemination__document=self.nq12, presence="makeup")
        self.assertEqual(makeup.values("dissemination__cell").distinct().count(), 1)
        self.assertEqual(makeup.get().reason, "Đi công tác")

    def test_f_8_advice_adopted_and_a_resolution_numbered_at_a_2023_meeting(self):
        advice = Advice.objects.get()
        self.assertEqual(advice.outcome_on(D(2023, 12, 31)), Outcome.ADOPTED)
        self.assertTrue(advice.resolution.security)
        self.assertEqual(advice.resolution.issued_on.year, 2023)
        own = Document.objects.get(direction="own", doc_type="NQ")
        self.assertEqual(own.number, "01-NQ/CB")
        self.assertEqual(
            (own.meeting.date, own.meeting.cell_id), (own.issued_on, own.organization_id)
        )
        self.assertEqual(own.issued_on.year, 2023)
