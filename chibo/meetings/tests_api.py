"""API parity for the meeting pages (issue 9): hold a meeting, take attendance with the page's
form, close the minutes with their number (R-MTG-11), score with the rubric's maxima, and
assign the superior committee member who follows the cell (F-6) — each with the role matrix."""

import datetime as dt
import json

from chibo.meetings import operations as ops
from chibo.meetings.models import Kind, Meeting, Stage, SuperiorAssignment, rubric_for
from chibo.meetings.tests import MeetingTestCase
from chibo.members import operations as members

D = dt.date


class MeetingParityTests(MeetingTestCase):
    def send(self, method, url, payload=None):
        if method == "get":
            return self.client.get(url)
        return getattr(self.client, method)(
            url, json.dumps(payload or {}), content_type="application/json"
        )

    def matrix(self, url, payload, *, allowed, denied=None, wrong="get"):
        for user, status in ((denied or self.viewer, 403), (self.outsider, 404)):
            with self.subTest(user=user.username, url=url):
                self.login(user)
                self.assertEqual(self.send("post", url, payload).status_code, status)
        self.login(allowed)
        self.assertEqual(self.send(wrong, url, payload).status_code, 405)
        return self.send("post", url, payload)

    def hold_payload(self, **extra):
        return {
            "kind": "regular",
            "date": "2023-06-05",
            "start_time": "14:00",
            "end_time": "16:00",
            "chair": self.people[0].pk,
            "minute_taker": self.people[1].pk,
            "in_person": True,
            "votes_yes": 5,  # R-MTG-09: within the official members present
            "votes_no": 0,
            "superior_present": True,
            "superior_person": self.deputy_chair.pk,
            "resolution": "Nghị quyết tháng 6",
            **extra,
        }

    def test_hold_attend_close(self):
        meeting = ops.plan(cell=self.cell_a, kind=Kind.REGULAR, planned_date=D(2023, 6, 5), by=None)
        base = f"/api/v1/meetings/{meeting.pk}"
        self.login(self.secretary)
        refused = self.send("post", f"{base}/hold", self.hold_payload(end_time="13:00"))
        self.assertEqual(
            refused.json()["errors"], {"end_time": ["Giờ kết thúc phải sau giờ bắt đầu."]}
        )
        bad_time = self.send("post", f"{base}/hold", self.hold_payload(start_time="25:00"))
        self.assertIn("start_time", bad_time.json()["errors"])
        stranger = self.send("post", f"{base}/hold", self.hold_payload(chair=self.deputy_chair.pk))
        self.assertIn("chair", stranger.json()["errors"])  # not of the cell's roll
        self.assertEqual(Meeting.objects.get(pk=meeting.pk).stage, Stage.PLANNED)
        held = self.matrix(f"{base}/hold", self.hold_payload(), allowed=self.secretary)
        self.assertEqual(held.status_code, 200, held.content)
        self.assertEqual((held.json()["stage"], held.json()["duration_minutes"]), ("held", 120))

        self.assertEqual(self.send("post", f"{base}/close").status_code, 400)  # no attendance
        marks = {str(p.pk): {"status": "present"} for p in self.people[:-1]}
        partial = self.send("post", f"{base}/attendance", {"marks": marks})
        self.assertEqual(partial.status_code, 400)  # one member left without a mark
        marks[str(self.people[-1].pk)] = {"status": "excused", "reason": "Trực"}
        self.assertEqual(self.send("post", f"{base}/attendance", {"marks": marks}).status_code, 200)
        closed = self.matrix(f"{base}/close", {}, allowed=self.secretary)
        self.assertEqual(closed.status_code, 200, closed.content)
        self.assertEqual(closed.json()["number"], "01-BB/CB")
        self.assertEqual(self.send("post", f"{base}/close").status_code, 409)  # closed once

    def test_score_follows_the_rubric_maxima(self):
        meeting = self.meeting()
        url = f"/api/v1/meetings/{meeting.pk}/evaluations"
        rubric = rubric_for(self.cell_a, meeting.date)
        points = {str(c.pk): c.max_points for c in rubric.criteria.all()}
        self.login(self.secretary)
        typed = self.send("post", url, {"side": "self", "points": {k: True for k in points}})
        self.assertEqual(typed.status_code, 400)
        over = self.send("post", url, {"side": "self", "points": {k: 99 for k in points}})
        self.assertEqual(over.status_code, 400)
        self.assertFalse(meeting.evaluations.exists())
        scored = self.send("post", url, {"side": "self", "points": points})
        self.assertEqual(scored.status_code, 200, scored.content)
        self.assertEqual([e["side"] for e in scored.json()["evaluations"]], ["self"])

    def test_f_6_assign_the_superior_member(self):
        other = members.add_person(
            data=members.PersonData(ho="Lê", ten_dem="", ten="Khác", gender="M"),
            registered_by=self.commune_a,
            by=None,
        )
        members.appoint(
            person=other, organization=self.commune_a, role="committee", on=D(2020, 1, 1), by=None
        )
        url = "/api/v1/superior-assignments"
        payload = {"cell": self.cell_a.pk, "person": other.pk, "on": "2023-06-01"}
        self.login(self.committee)
        stranger = self.send("post", url, {**payload, "person": self.people[0].pk})
        self.assertIn("person", stranger.json()["errors"])  # not of the commune committee
        # The cell's own secretary does not choose who supervises it.
        made = self.matrix(url, payload, allowed=self.committee, denied=self.secretary)
        self.assertEqual(made.status_code, 201, made.content)
        self.assertEqual(made.json()["valid_from"], "2023-06-01")
        self.assertEqual(SuperiorAssignment.objects.filter(cell=self.cell_a).count(), 2)
        self.login(self.viewer)
        self.assertEqual(self.send("post", url, payload).status_code, 403)
