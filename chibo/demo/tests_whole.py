"""The whole demo, loaded once through ``chibo demo`` for every test that needs all of it
(a few minutes of meetings held, scored and closed from 2023 to today: loaded once per
test run, for one test whose parts are subtests):

* the command itself: idempotent, with its member logins (issue 15 item 6);
* the findings on 24/5/2023 and today;
* issue 15 on the demo: the 2023 BÁO CÁO states the dissemination of Nghị quyết 12-NQ/TW with
  its completion figures (F-9), from the register's records; the make-up session, the
  adopted advice (F-8) and the resolution numbered at a 2023 meeting."""

import datetime as dt
import io
import json

import docx
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from chibo.accounts import access
from chibo.accounts.models import User
from chibo.briefings import papers
from chibo.briefings.models import Conference
from chibo.demo import users
from chibo.lib.validity import valid_on
from chibo.members.models import Membership
from chibo.orgs.models import OrgVersion
from chibo.register import progress
from chibo.register.models import Advice, Dissemination, Document, Outcome, Participation

D = dt.date


class WholeDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        out = io.StringIO()
        call_command("demo", stdout=out)
        cls.printed = out.getvalue()
        cls.nq12 = Document.objects.get(number="12-NQ/TW")

    def test_the_whole_demo(self):
        """One test, each part a subtest: pytest-xdist hands out tests, not classes, so the
        parts as tests of their own could land on both workers and load the demo twice.
        No part writes what another reads (a sign-in; a second ``chibo demo`` finds the
        demo loaded and writes nothing)."""
        for part in (
            self._demo_command_is_idempotent,
            self._member_logins_are_members_of_todays_cells,
            self._findings_on_24_5_2023_and_today,
            self._f_9_the_2023_bao_cao_states_the_study_of_nq_12_with_its_figures,
            self._one_cell_held_a_make_up_session,
            self._f_8_advice_adopted_and_a_resolution_numbered_at_a_2023_meeting,
        ):
            with self.subTest(part=part.__name__.lstrip("_")):
                part()

    def _demo_command_is_idempotent(self):
        self.assertIn("Đã nạp", self.printed)
        self.assertIn("bantochuc", self.printed)
        count = OrgVersion.objects.count()
        out = io.StringIO()
        call_command("demo", stdout=out)
        self.assertIn("đã có", out.getvalue())
        self.assertEqual(OrgVersion.objects.count(), count)
        self.assertEqual(User.objects.count(), len(users.PERSONAS) + len(users.MEMBER_LOGINS))

    def _member_logins_are_members_of_todays_cells(self):
        """Issue 15 item 6: dangvien.hiepduc and dangvien.vietan are ordinary members of
        today's Hiệp Đức and Việt An cells, log in with the shared password, land on /me/."""
        today = timezone.localdate()
        for username, cell_name in (
            ("dangvien.hiepduc", "Chi bộ Công an xã Hiệp Đức"),
            ("dangvien.vietan", "Chi bộ Công an xã Việt An"),
        ):
            with self.subTest(username=username):
                self.assertIn(username, self.printed)
                user = User.objects.get(username=username)
                person = access.own_person(user)
                cells = Membership.objects.on(today).filter(person=person)
                self.assertEqual(
                    [OrgVersion.objects.on(today).get(organization=m.cell_id).name for m in cells],
                    [cell_name],
                )
                self.assertFalse(person.positions.filter(valid_on(today)).exists())
                self.assertTrue(self.client.login(username=username, password=users.PASSWORD))
                self.assertRedirects(self.client.get("/"), "/me/", fetch_redirect_response=False)

    def _findings_on_24_5_2023_and_today(self):
        out = io.StringIO()
        call_command("findings", "--as-of", "2023-05-24", "--json", stdout=out)
        found = json.loads(out.getvalue())["findings"]
        rules = {f["rule_id"] for f in found}
        self.assertFalse(rules & {"R-ORG-01", "R-ORG-04", "F-7", "R-POL-02"})
        self.assertIn(
            ("R-MTG-01", "Tháng 4/2023 không sinh hoạt thường kỳ."),
            {(f["rule_id"], f["message"]) for f in found},
        )
        out = io.StringIO()
        call_command("findings", "--as-of", dt.date.today().isoformat(), "--json", stdout=out)
        today = json.loads(out.getvalue())["findings"]
        committee = {
            f["organization_name"] for f in today if f["message"].endswith("nhưng chưa có chi ủy.")
        }
        self.assertEqual(committee, {"Chi bộ Công an xã Việt An", "Chi bộ Công an xã Phước Trà"})

    def _f_9_the_2023_bao_cao_states_the_study_of_nq_12_with_its_figures(self):
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

    def _one_cell_held_a_make_up_session(self):
        makeup = Participation.objects.filter(dissemination__document=self.nq12, presence="makeup")
        self.assertEqual(makeup.values("dissemination__cell").distinct().count(), 1)
        self.assertEqual(makeup.get().reason, "Đi công tác")

    def _f_8_advice_adopted_and_a_resolution_numbered_at_a_2023_meeting(self):
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
