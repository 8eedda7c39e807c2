"""Each check on both sides of its threshold and, where the rule changed, of its date; the
alerts board's role matrix and scope; dismissals; the daily record. The CLI on the whole
demo: ``chibo/demo/tests_whole.py``."""

import datetime as dt
from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chibo.briefings import operations as briefings
from chibo.compliance import checks, daily
from chibo.meetings import operations as meetings
from chibo.meetings.models import Kind, Presence
from chibo.members import operations as members
from chibo.orgs.models import Term
from chibo.rules.models import Dismissal, FindingRecord
from chibo.test import ChiboTestCase, add_member

D = dt.date
T = dt.time


def rules_of(on, cell=None, rule=None):
    found = checks.run(scope_ids=None, on=on)
    return [
        f
        for f in found
        if (cell is None or f.organization_id == cell.pk) and (rule is None or f.rule_id == rule)
    ]


class CheckTestCase(ChiboTestCase):
    def staff(self, cell, n, **kwargs):
        return [add_member(cell, f"Lê Văn S{cell.pk}x{i}", **kwargs) for i in range(n)]

    def meeting(
        self,
        cell,
        day,
        people,
        kind=Kind.REGULAR,
        minutes=120,
        superior=False,
        marks=None,
        makeup="",
    ):
        meeting = meetings.plan(
            cell=cell,
            kind=kind,
            planned_date=day,
            by=None,
            topic="Chuyên đề" if kind != Kind.REGULAR else "",
            makeup=bool(makeup),
            makeup_reason=makeup,
        )
        end = (dt.datetime.combine(day, T(14)) + dt.timedelta(minutes=minutes)).time()
        meetings.hold(
            meeting=meeting,
            by=None,
            record=meetings.Record(
                date=day,
                start_time=T(14),
                end_time=end,
                kind=kind,
                chair=people[0],
                minute_taker=people[1],
                superior_present=superior,
            ),
        )
        statuses = {p.pk: (Presence.PRESENT, "") for p in people}
        statuses.update(marks or {})
        meetings.take_attendance(meeting=meeting, marks=statuses, by=None)
        return meeting


class CellChecksTests(CheckTestCase):
    def test_r_org_01_three_official_members(self):
        people = self.staff(self.cell_a, 2)
        members.appoint(
            person=people[0], organization=self.cell_a, role="secretary", on=D(2021, 1, 1), by=None
        )
        self.assertEqual(len(rules_of(D(2023, 5, 24), self.cell_a, "R-ORG-01")), 1)
        add_member(self.cell_a, "Lê Văn Ba")
        self.assertEqual(rules_of(D(2023, 5, 24), self.cell_a, "R-ORG-01"), [])

    def test_r_org_04_committee_from_nine_and_vacant_secretary(self):
        people = self.staff(self.cell_a, 8)
        on = D(2023, 5, 24)
        messages = [f.message for f in rules_of(on, self.cell_a, "R-ORG-04")]
        self.assertEqual(messages, ["Chi bộ chưa có Bí thư."])
        members.appoint(
            person=people[0], organization=self.cell_a, role="secretary", on=D(2021, 1, 1), by=None
        )
        self.assertEqual(rules_of(on, self.cell_a, "R-ORG-04"), [])
        add_member(self.cell_a, "Lê Văn Chín")
        self.assertIn("chưa có chi ủy", rules_of(on, self.cell_a, "R-ORG-04")[0].message)

    def test_r_pol_02_and_f_7(self):
        self.staff(self.cell_a, 3)
        outsider = members.add_person(
            data=members.PersonData(ho="Võ", ten_dem="", ten="Tân", gender="M"),
            registered_by=self.cell_a,
            by=None,
        )
        members.set_police_service(
            person=outsider, on=D(2023, 1, 1), cell=self.cell_a, position="officer", rank=3, by=None
        )
        on = D(2023, 5, 24)
        self.assertEqual(len(rules_of(on, self.cell_a, "R-POL-02")), 1)
        self.assertEqual(len(rules_of(on, self.cell_a, "F-7")), 1)
        members.admit(
            person=outsider,
            cell=self.cell_a,
            decision_date=D(2023, 4, 1),
            ceremony_date=D(2023, 4, 20),
            by=None,
        )
        self.assertEqual(rules_of(on, self.cell_a, "R-POL-02"), [])

    def test_r_org_06_term_keeps_its_own_policy_after_1_7_2025(self):
        self.staff(self.cell_a, 3)
        Term.objects.create(organization=self.cell_a, label="2023–2025", valid_from=D(2023, 1, 1))
        soon = rules_of(D(2025, 6, 15), self.cell_a, "R-ORG-06")  # 30 months: ends 1/7/2025
        self.assertEqual([f.severity for f in soon], ["low"])
        self.assertIn("01/07/2025", soon[0].message)
        # From 1/7/2025 the pilot's 60 months do not apply to a term begun before it.
        due = rules_of(D(2025, 7, 1), self.cell_a, "R-ORG-06")
        self.assertEqual([f.severity for f in due], ["medium"])
        self.assertEqual(rules_of(D(2025, 3, 1), self.cell_a, "R-ORG-06"), [])  # 122 days before
        Term.objects.create(
            organization=self.cell_b,
            label="2020–2022",
            valid_from=D(2020, 1, 1),
            valid_to=D(2022, 7, 1),
        )
        overdue = rules_of(D(2023, 1, 2), self.cell_b, "R-ORG-06")  # 6 months after 1/7/2022
        self.assertEqual(overdue[0].severity, "high")


class MemberChecksTests(CheckTestCase):
    def test_r_mem_05_probation_window(self):
        people = self.staff(self.cell_a, 3)
        probationer = add_member(self.cell_a, "Võ Văn Dự", ceremony=D(2023, 1, 5), official=False)

        def found(on):
            """The keys found, the same whether the check starts from the cells' members
            (a few cells) or from the country's probationers (many; ``FEW_CELLS``)."""
            both = []
            for few in (checks.FEW_CELLS, 0):
                with mock.patch.object(checks, "FEW_CELLS", few):
                    both.append(
                        [
                            f.key
                            for f in rules_of(on, self.cell_a, "R-MEM-05")
                            if f.person_id == probationer.pk
                        ]
                    )
            self.assertEqual(both[0], both[1])
            return both[0]

        self.assertEqual(found(D(2023, 12, 5)), [])  # 31 days before the end
        self.assertEqual(len(found(D(2023, 12, 6))), 1)  # 30 days before
        self.assertTrue(found(D(2024, 1, 5))[0].endswith(":window"))
        deadline = probationer.party.recognition_deadline
        self.assertTrue(found(deadline)[0].endswith(":window"))
        self.assertTrue(found(deadline + dt.timedelta(days=1))[0].endswith(":overdue"))
        members.recognize(person=probationer, decided_on=D(2024, 1, 10), by=None)
        self.assertEqual(found(D(2024, 1, 10)), [])
        self.assertEqual(people and len(people), 3)

    def test_r_mem_12_three_months_without_reason(self):
        people = self.staff(self.cell_a, 7)
        away = people[6]
        for month in (1, 2):
            self.meeting(
                self.cell_a, D(2023, month, 6), people, marks={away.pk: (Presence.UNEXCUSED, "")}
            )
        self.assertEqual(rules_of(D(2023, 5, 24), self.cell_a, "R-MEM-12"), [])
        self.meeting(self.cell_a, D(2023, 4, 6), people, marks={away.pk: (Presence.UNEXCUSED, "")})
        found = rules_of(D(2023, 5, 24), self.cell_a, "R-MEM-12")
        self.assertEqual([f.person_id for f in found], [away.pk])
        self.assertEqual(rules_of(D(2024, 2, 1), self.cell_a, "R-MEM-12"), [])  # a new year


class MeetingChecksTests(CheckTestCase):
    def test_r_mtg_01_and_02(self):
        people = self.staff(self.cell_a, 7)
        for month in (1, 3):
            self.meeting(self.cell_a, D(2023, month, 6), people)
        self.meeting(self.cell_a, D(2023, 2, 20), people, kind=Kind.THEMATIC)
        missing = [f.message for f in rules_of(D(2023, 5, 24), self.cell_a, "R-MTG-01")]
        self.assertEqual(
            missing,
            ["Tháng 2/2023 không sinh hoạt thường kỳ.", "Tháng 4/2023 không sinh hoạt thường kỳ."],
        )
        self.assertEqual(rules_of(D(2023, 5, 24), self.cell_a, "R-MTG-02"), [])
        quarter_two = rules_of(D(2023, 7, 1), self.cell_a, "R-MTG-02")
        self.assertEqual(
            [f.message for f in quarter_two], ["Quý 2/2023 không sinh hoạt chuyên đề."]
        )

    def test_r_mtg_12_attendance_and_r_mtg_03_duration_change(self):
        people = self.staff(self.cell_a, 7)
        self.meeting(self.cell_a, D(2025, 10, 27), people, kind=Kind.COMBINED, minutes=110)
        self.assertEqual(rules_of(D(2025, 10, 27), self.cell_a, "R-MTG-03"), [])
        self.meeting(
            self.cell_a, D(2025, 10, 28), people, kind=Kind.COMBINED, minutes=110, makeup="Bù"
        )
        self.assertEqual(len(rules_of(D(2025, 10, 28), self.cell_a, "R-MTG-03")), 1)
        self.assertEqual(rules_of(D(2025, 10, 28), self.cell_a, "R-MTG-12"), [])
        self.meeting(
            self.cell_a, D(2025, 11, 5), people, marks={people[6].pk: (Presence.UNEXCUSED, "")}
        )
        self.assertEqual(len(rules_of(D(2025, 11, 5), self.cell_a, "R-MTG-12")), 1)

    def test_f_6_superior_absent_twice(self):
        people = self.staff(self.cell_a, 3)
        chief = members.add_person(
            data=members.PersonData(ho="Hồ", ten_dem="", ten="Phó", gender="M"),
            registered_by=self.commune_a,
            by=None,
        )
        meetings.assign_superior(cell=self.cell_a, person=chief, on=D(2022, 1, 1), by=None)
        self.meeting(self.cell_a, D(2023, 3, 6), people, superior=False)
        self.assertEqual(rules_of(D(2023, 3, 31), self.cell_a, "F-6"), [])
        self.meeting(self.cell_a, D(2023, 4, 6), people, superior=False)
        self.assertEqual(len(rules_of(D(2023, 4, 30), self.cell_a, "F-6")), 1)
        self.meeting(self.cell_a, D(2023, 5, 5), people, superior=True)
        self.assertEqual(rules_of(D(2023, 5, 24), self.cell_a, "F-6"), [])


class BriefingChecksTests(CheckTestCase):
    def test_past_due_judged_on_the_day(self):
        conference = briefings.create_conference(
            host=self.district,
            title="x",
            date=D(2023, 5, 24),
            period_start=D(2023, 1, 1),
            period_end=D(2023, 5, 23),
            invited=[self.cell_a],
            by=None,
        )
        rec = briefings.raise_recommendation(
            conference=conference,
            raised_by=self.cell_a,
            addressed_to=self.commune_a,
            category="other",
            text="Phòng",
            raised_on=D(2023, 5, 24),
            due_on=D(2023, 8, 1),
            by=None,
        )
        self.assertEqual(rules_of(D(2023, 8, 1), rule="BRIEF"), [])
        self.assertEqual(len(rules_of(D(2023, 8, 2), rule="BRIEF")), 1)
        briefings.answer(
            recommendation=rec, status="answered", text="Đã bố trí", by=None, on=D(2023, 9, 1)
        )
        self.assertEqual(len(rules_of(D(2023, 8, 30), rule="BRIEF")), 1)  # still open then
        self.assertEqual(rules_of(D(2023, 9, 1), rule="BRIEF"), [])


class BoardTests(CheckTestCase):
    url = reverse("rules:alerts")

    def test_role_matrix_and_scope(self):
        self.staff(self.cell_a, 2)
        self.staff(self.cell_b, 2)
        readers = [
            self.admin,
            self.board,
            self.committee,
            self.secretary,
            self.viewer,
            self.outsider,
        ]
        self.assert_statuses("get", self.url, {u: 200 for u in readers})
        self.assert_statuses("post", self.url, {self.board: 405})
        self.login(self.committee)
        response = self.client.get(self.url, {"as_of": "2023-05-24"})
        orgs = {f.organization_id for _name, items in response.context["groups"] for f in items}
        # Commune A too: no resolution on security and order for 2023 by 31/3 (F-8, issue 15).
        self.assertEqual(orgs, {self.cell_a.pk, self.commune_a.pk})
        self.assertEqual(
            response.context["total"], sum(len(i) for _n, i in response.context["groups"])
        )
        api = self.client.get("/api/v1/findings", {"as_of": "2023-05-24"}).json()
        self.assertEqual(
            {f["organization"] for f in api["findings"]}, {self.cell_a.pk, self.commune_a.pk}
        )
        self.assertEqual(self.client.get("/api/v1/findings", {"as_of": "x"}).status_code, 400)
        self.assert_statuses("post", "/api/v1/findings", {self.board: 405})

    def test_dismiss_needs_a_reason_and_keeps_history(self):
        self.staff(self.cell_a, 2)
        key = rules_of(D(2023, 5, 24), self.cell_a, "R-ORG-01")[0].key
        url = reverse("rules:dismiss") + f"?as_of=2023-05-24&key={key}"
        # Only the supervising side sets a finding aside; the cell's own secretary cannot.
        self.assert_statuses(
            "get",
            url,
            {self.viewer: 403, self.secretary: 403, self.outsider: 404, self.committee: 200},
        )
        self.assert_statuses("post", url, {self.secretary: 403, self.viewer: 403})
        self.login(self.committee)
        self.assertContains(
            self.client.post(url, {"key": key, "reason": ""}), "bắt buộc", status_code=400
        )
        self.assertEqual(
            self.client.post(url, {"key": key, "reason": "Đang kiện toàn"}).status_code, 302
        )
        self.assertEqual(Dismissal.objects.get().reason, "Đang kiện toàn")
        self.assertEqual(rules_of(D(2023, 5, 24), self.cell_a, "R-ORG-01"), [])
        # Before the day it was set aside, the finding still shows.
        self.assertEqual(len(rules_of(D(2023, 5, 23), self.cell_a, "R-ORG-01")), 1)
        self.assertTrue(checks.run(scope_ids=None, on=D(2023, 5, 24), include_dismissed=True))
        # The board counts what was set aside in its scope; a commune outside it does not.
        board = reverse("rules:alerts") + "?as_of=2023-05-24"
        self.assertContains(self.client.get(board), "đã bỏ qua: 1")
        self.login(self.outsider)
        self.assertNotContains(self.client.get(board), "đã bỏ qua:")

    def test_daily_record(self):
        self.staff(self.cell_a, 2)
        first = daily.record(D(2023, 5, 24))
        self.assertGreater(first.new, 0)
        again = daily.record(D(2023, 5, 25))
        self.assertEqual((again.new, again.still_open), (0, first.new))
        add_member(self.cell_a, "Lê Văn Ba")
        fixed = daily.record(D(2023, 5, 26))
        self.assertEqual(fixed.resolved, 1)
        self.assertEqual(
            FindingRecord.objects.get(rule_id="R-ORG-01", organization=self.cell_a).resolved_on,
            D(2023, 5, 26),
        )

    def test_query_count_does_not_grow_with_cells(self):
        from chibo.orgs import operations as orgs
        from chibo.test import attrs

        self.staff(self.cell_a, 2)  # so no query is skipped for an empty set
        self.login(self.board)
        self.client.get(self.url)

        def count():
            with CaptureQueriesContext(connection) as ctx:
                self.client.get(self.url, {"as_of": "2023-05-24"})
            self.queries = [q["sql"][:150] for q in ctx.captured_queries]
            return len(ctx)

        before = count()
        self.last = None
        for i in range(6):
            cell = orgs.create(
                attrs=attrs(f"Chi bộ C{i}", "subordinate_cell", "CB"),
                on=D(2020, 1, 1),
                by=None,
                parent=self.commune_b,
                is_police=True,
            )
            add_member(cell, f"Lê Văn C{i}")
        first = self.queries
        after = count()
        from collections import Counter

        diff = Counter(q[:70] for q in self.queries) - Counter(q[:70] for q in first)
        self.assertEqual(after, before, diff)


class SecondReviewTests(CheckTestCase):
    def test_extreme_dates_answer_400(self):
        self.login(self.board)
        for value in ("01/01/0001", "31/12/9999"):
            self.assertEqual(
                self.client.get(
                    self.url if hasattr(self, "url") else reverse("rules:alerts"), {"as_of": value}
                ).status_code,
                400,
            )
            self.assertEqual(self.client.get("/api/v1/findings", {"as_of": value}).status_code, 400)

    def test_f_6_only_counts_meetings_since_the_assignment(self):
        people = self.staff(self.cell_a, 3)
        self.meeting(self.cell_a, D(2023, 3, 6), people)
        self.meeting(self.cell_a, D(2023, 4, 6), people)
        chief = members.add_person(
            data=members.PersonData(ho="Hồ", ten_dem="", ten="Phó", gender="M"),
            registered_by=self.commune_a,
            by=None,
        )
        meetings.assign_superior(cell=self.cell_a, person=chief, on=D(2023, 5, 1), by=None)
        self.assertEqual(rules_of(D(2023, 5, 2), self.cell_a, "F-6"), [])

    def test_recommendations_count_for_the_organization_addressed(self):
        conference = briefings.create_conference(
            host=self.district,
            title="x",
            date=D(2023, 5, 24),
            period_start=D(2023, 1, 1),
            period_end=D(2023, 5, 23),
            invited=[self.cell_a],
            by=None,
        )
        briefings.raise_recommendation(
            conference=conference,
            raised_by=self.cell_a,
            addressed_to=self.district,
            category="other",
            text="x",
            raised_on=D(2023, 5, 24),
            due_on=D(2023, 6, 1),
            by=None,
        )
        self.login(self.secretary)  # raised it, but the district's overdue item is not theirs
        body = self.client.get("/api/v1/findings", {"as_of": "2023-07-01"}).json()
        self.assertNotIn(self.district.pk, {f["organization"] for f in body["findings"]})


class NoRollTests(CheckTestCase):
    def test_a_held_meeting_without_attendance_is_flagged(self):
        people = self.staff(self.cell_a, 3)
        meeting = meetings.plan(
            cell=self.cell_a, kind=Kind.REGULAR, planned_date=D(2023, 5, 5), by=None
        )
        meetings.hold(
            meeting=meeting,
            by=None,
            record=meetings.Record(
                date=D(2023, 5, 5),
                start_time=T(14),
                end_time=T(16),
                kind=Kind.REGULAR,
                chair=people[0],
                minute_taker=people[1],
            ),
        )
        found = rules_of(D(2023, 5, 24), self.cell_a, "R-MTG-12")
        self.assertEqual(
            [f.message for f in found], ["Buổi sinh hoạt ngày 05/05/2023 chưa điểm danh."]
        )
