"""Input rules of meetings (issue 9), on the pages, in the API and in the operations:
one regular meeting a month unless a make-up with a reason (R-MTG-01), votes within the
official members present (R-MTG-09), one meeting per cell, kind and planned day, plans at
most a year ahead and years within 1930–2200."""

import datetime as dt
import io
import json

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from docx import Document

from chibo.compliance import checks
from chibo.lib import vndates
from chibo.meetings import operations as ops
from chibo.meetings import quality
from chibo.meetings.models import Kind, Meeting, Presence
from chibo.meetings.tests import MeetingTestCase
from chibo.test import add_member

D = dt.date
T = dt.time
PLAN = reverse("meetings:plan")


def findings(on: dt.date, cell, rule: str) -> list[str]:
    return [
        f.message
        for f in checks.run(scope_ids=None, on=on)
        if f.organization_id == cell.pk and f.rule_id == rule
    ]


class MakeupTests(MeetingTestCase):
    def plan_page(self, **extra):
        data = {"cell": self.cell_a.pk, "kind": Kind.REGULAR, "planned_date": "20/05/2023", **extra}
        return self.client.post(PLAN, data)

    def test_r_mtg_01_second_regular_in_a_month_refused_on_the_page_unless_makeup(self):
        first = ops.plan(cell=self.cell_a, kind=Kind.REGULAR, planned_date=D(2023, 5, 5), by=None)
        self.login(self.secretary)
        response = self.plan_page()
        self.assertContains(
            response, "Tháng 05/2023 chi bộ đã có buổi sinh hoạt thường kỳ", status_code=400
        )
        self.assertContains(response, "dự kiến ngày 05/05/2023", status_code=400)
        self.assertContains(
            self.plan_page(makeup="on"), "Sinh hoạt bù phải ghi lý do", status_code=400
        )
        self.assertEqual(Meeting.objects.count(), 1)
        response = self.plan_page(makeup="on", makeup_reason="Tháng 4 trực Tết Độc lập")
        self.assertEqual(response.status_code, 302)
        makeup = Meeting.objects.exclude(pk=first.pk).get()
        self.assertEqual((makeup.makeup, makeup.makeup_reason), (True, "Tháng 4 trực Tết Độc lập"))
        page = self.client.get(reverse("meetings:detail", args=[makeup.pk]))
        self.assertContains(page, "Sinh hoạt bù: Tháng 4 trực Tết Độc lập")

    def test_r_mtg_01_held_meeting_counts_and_other_kinds_are_free(self):
        self.meeting(day=D(2023, 5, 5))  # held
        with self.assertRaisesMessage(ValidationError, "đã họp ngày 05/05/2023"):
            ops.plan(cell=self.cell_a, kind=Kind.REGULAR, planned_date=D(2023, 5, 26), by=None)
        # R-MTG-02 before HD 42: a combined session beside the regular meeting is the month's
        # thematic one, not a second regular meeting.
        ops.plan(
            cell=self.cell_a, kind=Kind.COMBINED, planned_date=D(2023, 5, 25), topic="x", by=None
        )
        ops.plan(
            cell=self.cell_a,
            kind=Kind.THEMATIC,
            planned_date=D(2023, 5, 26),
            topic="NQ 12",
            by=None,
        )
        ops.plan(cell=self.cell_a, kind=Kind.EXTRAORDINARY, planned_date=D(2023, 5, 27), by=None)
        ops.plan(cell=self.cell_b, kind=Kind.REGULAR, planned_date=D(2023, 5, 5), by=None)
        ops.plan(cell=self.cell_a, kind=Kind.REGULAR, planned_date=D(2023, 6, 1), by=None)
        self.assertEqual(Meeting.objects.count(), 6)

    def test_r_mtg_01_from_hd_42_a_combined_session_is_the_months_regular_one(self):
        """From 28/10/2025 a combined session counts as both (HD 42): another regular or
        combined meeting in its month is a second regular meeting."""
        ops.plan(
            cell=self.cell_a, kind=Kind.COMBINED, planned_date=D(2026, 3, 5), topic="x", by=None
        )
        for kind in (Kind.REGULAR, Kind.COMBINED):
            with self.subTest(kind=kind), self.assertRaisesMessage(ValidationError, "R-MTG-01"):
                ops.plan(
                    cell=self.cell_a, kind=kind, planned_date=D(2026, 3, 20), topic="y", by=None
                )

    def test_r_mtg_01_holding_into_a_month_that_has_one_is_refused(self):
        april = ops.plan(cell=self.cell_a, kind=Kind.REGULAR, planned_date=D(2023, 4, 28), by=None)
        ops.plan(cell=self.cell_a, kind=Kind.REGULAR, planned_date=D(2023, 5, 5), by=None)
        record = ops.Record(
            date=D(2023, 5, 2),
            start_time=T(14),
            end_time=T(16),
            kind=Kind.REGULAR,
            chair=self.people[0],
            minute_taker=self.people[1],
        )
        with self.assertRaisesMessage(ValidationError, "Tháng 05/2023"):
            ops.hold(meeting=april, record=record, by=None)
        record.makeup, record.makeup_reason = True, "Dời do bão"
        ops.hold(meeting=april, record=record, by=None)
        april.refresh_from_db()
        self.assertEqual((april.makeup, april.date), (True, D(2023, 5, 2)))
        # Held again without saying: the make-up mark stays.
        record.makeup = None
        ops.hold(meeting=april, record=record, by=None)
        april.refresh_from_db()
        self.assertTrue(april.makeup)

    def test_r_mtg_01_api_plan_needs_makeup_with_reason(self):
        ops.plan(cell=self.cell_a, kind=Kind.REGULAR, planned_date=D(2023, 7, 5), by=None)
        self.login(self.secretary)

        def post(**extra):
            body = {
                "cell": self.cell_a.pk,
                "kind": "regular",
                "planned_date": "2023-07-20",
                **extra,
            }
            return self.client.post(
                "/api/v1/meetings", json.dumps(body), content_type="application/json"
            )

        refused = post()
        self.assertEqual(refused.status_code, 400)
        self.assertIn("R-MTG-01", refused.json()["errors"]["planned_date"][0])
        self.assertIn("makeup_reason", post(makeup=True).json()["errors"])
        created = post(makeup=True, makeup_reason="Bù tháng 6")
        self.assertEqual(created.status_code, 201, created.content)
        self.assertEqual(
            (created.json()["makeup"], created.json()["makeup_reason"]), (True, "Bù tháng 6")
        )

    def test_r_mtg_01_makeup_is_not_the_months_regular_meeting_in_the_check(self):
        self.meeting(day=D(2023, 2, 3), makeup="Bù tháng 1")
        self.meeting(day=D(2023, 3, 3))
        self.meeting(day=D(2023, 3, 20), makeup="Bù tháng 1")
        found = findings(D(2023, 4, 1), self.cell_a, "R-MTG-01")
        # January and February had no regular meeting of their own; March has one, and its
        # make-up is not a problem of a second regular meeting.
        self.assertEqual(
            found,
            ["Tháng 1/2023 không sinh hoạt thường kỳ.", "Tháng 2/2023 không sinh hoạt thường kỳ."],
        )

    def test_r_mtg_01_makeup_on_the_board_and_in_the_minutes(self):
        makeup = self.meeting(day=D(2023, 3, 20), makeup="Bù tháng 2 (trực bầu cử)")
        self.login(self.board)
        board = self.client.get(reverse("meetings:board"), {"start": "03/2023", "end": "03/2023"})
        row = next(r for r in board.context["rows"] if r.organization_id == self.cell_a.pk)
        self.assertEqual(row.slots[0].state, "missed")  # a make-up alone is not March's meeting
        docx = self.client.get(reverse("meetings:minutes", args=[makeup.pk]))
        text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
        self.assertIn("Sinh hoạt bù; lý do: Bù tháng 2 (trực bầu cử).", text)

    def test_makeup_needs_a_reason_in_the_database(self):
        meeting = ops.plan(cell=self.cell_a, kind=Kind.REGULAR, planned_date=D(2023, 5, 5), by=None)
        with self.assertRaises(IntegrityError), transaction.atomic():
            Meeting.objects.filter(pk=meeting.pk).update(makeup=True)


class VotesTests(MeetingTestCase):
    def held(self, away=()) -> Meeting:
        """A meeting held on 05/05/2023 without votes, everyone on the roll marked, those
        in ``away`` excused."""
        meeting = ops.plan(cell=self.cell_a, kind=Kind.REGULAR, planned_date=D(2023, 5, 5), by=None)
        record = ops.Record(
            date=D(2023, 5, 5),
            start_time=T(14),
            end_time=T(16),
            kind=Kind.REGULAR,
            chair=self.people[0],
            minute_taker=self.people[1],
        )
        ops.hold(meeting=meeting, record=record, by=None)
        marks = {m.person_id: (Presence.PRESENT, "") for m in quality.roll(meeting)}
        marks.update({p.pk: (Presence.EXCUSED, "Ốm") for p in away})
        ops.take_attendance(meeting=meeting, marks=marks, by=None)
        return meeting

    def test_r_mtg_09_votes_for_and_against_within_official_members_present(self):
        meeting = self.held(away=self.people[4:])  # 4 of 7 present
        # Votes stored past the operations (older data) are caught before the minutes close.
        Meeting.objects.filter(pk=meeting.pk).update(votes_yes=5)
        with self.assertRaisesMessage(ValidationError, "vượt số đảng viên chính thức có mặt (4)"):
            ops.close(meeting=Meeting.objects.get(pk=meeting.pk), by=None)
        self.login(self.secretary)
        hold = reverse("meetings:hold", args=[meeting.pk])
        data = {
            "kind": Kind.REGULAR,
            "date": "05/05/2023",
            "start_time": "14:00",
            "end_time": "16:00",
            "chair": self.people[0].pk,
            "minute_taker": self.people[1].pk,
            "votes_yes": "3",
            "votes_no": "2",
            "votes_abstain": "0",
        }
        response = self.client.post(hold, data)
        self.assertContains(
            response, "(5) vượt số đảng viên chính thức có mặt (4)", status_code=400
        )
        self.assertIsNone(Meeting.objects.get(pk=meeting.pk).votes_no)
        # Abstentions are not "for or against": 3 + 1 with 2 abstaining fits the 4 present.
        response = self.client.post(hold, {**data, "votes_no": "1", "votes_abstain": "2"})
        self.assertEqual(response.status_code, 302)
        ops.close(meeting=Meeting.objects.get(pk=meeting.pk), by=None)

    def test_r_mtg_09_attendance_that_leaves_fewer_present_than_votes_is_refused(self):
        meeting = self.meeting()  # 5 in favour, all 7 present
        self.login(self.secretary)
        url = reverse("meetings:attendance", args=[meeting.pk])
        data = {f"status_{p.pk}": Presence.PRESENT for p in self.people}
        for p in self.people[:3]:
            data[f"status_{p.pk}"], data[f"reason_{p.pk}"] = Presence.EXCUSED, "Ốm"
        response = self.client.post(url, data)
        self.assertContains(response, "Hãy sửa điểm danh hoặc ghi lại biểu quyết", status_code=400)
        self.assertEqual(meeting.attendance.filter(status=Presence.PRESENT).count(), 7)

    def test_r_mtg_09_probationary_members_present_do_not_count(self):
        for i in range(3):
            add_member(self.cell_a, f"Hà Văn Dự{i}", ceremony=D(2023, 1, 5), official=False)
        meeting = self.held(away=self.people[4:])  # 4 officials and 3 probationers present
        self.assertEqual(meeting.attendance.filter(status=Presence.PRESENT).count(), 7)
        meeting.votes_yes = 4
        ops._votes_fit_presence(meeting)
        meeting.votes_yes = 5
        with self.assertRaisesMessage(ValidationError, "có mặt (4)"):
            ops._votes_fit_presence(meeting)


class NaturalDuplicateAndDateTests(MeetingTestCase):
    def api_plan(self, **body):
        return self.client.post(
            "/api/v1/meetings", json.dumps(body), content_type="application/json"
        )

    def test_same_plan_twice_is_one_meeting(self):
        self.login(self.secretary)
        body = {
            "cell": self.cell_a.pk,
            "kind": "thematic",
            "planned_date": "2023-05-10",
            "topic": "NQ 12",
        }
        self.assertEqual(self.api_plan(**body).status_code, 201)
        again = self.api_plan(**body)
        self.assertEqual(again.status_code, 400)
        self.assertIn("cùng loại dự kiến vào ngày này", again.json()["errors"]["__all__"][0])
        page = self.client.post(PLAN, body | {"planned_date": "10/05/2023"})
        self.assertContains(page, "cùng loại dự kiến vào ngày này", status_code=400)
        self.assertEqual(Meeting.objects.count(), 1)

    def test_the_database_refuses_the_same_cell_kind_and_day(self):
        ops.plan(cell=self.cell_a, kind=Kind.EXTRAORDINARY, planned_date=D(2023, 5, 5), by=None)
        with self.assertRaises(IntegrityError), transaction.atomic():
            Meeting.objects.create(
                cell=self.cell_a, kind=Kind.EXTRAORDINARY, planned_date=D(2023, 5, 5)
            )

    def test_planned_at_most_a_year_ahead_and_years_within_1930_2200(self):
        self.login(self.secretary)
        today = timezone.localdate()
        horizon = vndates.add_months(today, 12)
        cases = [
            ("31/12/9999", "Năm phải từ 1930 đến 2200"),
            ("31/12/2200", "tối đa một năm"),
            ((horizon + dt.timedelta(days=1)).strftime("%d/%m/%Y"), "tối đa một năm"),
        ]
        for text, message in cases:
            with self.subTest(text=text):
                response = self.client.post(
                    PLAN, {"cell": self.cell_a.pk, "kind": "extraordinary", "planned_date": text}
                )
                self.assertContains(response, message, status_code=400)
        self.assertEqual(Meeting.objects.count(), 0)
        ok = self.api_plan(
            cell=self.cell_a.pk, kind="extraordinary", planned_date=horizon.isoformat()
        )
        self.assertEqual(ok.status_code, 201, ok.content)
        far = self.api_plan(cell=self.cell_a.pk, kind="extraordinary", planned_date="2200-12-31")
        self.assertIn("tối đa một năm", far.json()["errors"]["planned_date"][0])
