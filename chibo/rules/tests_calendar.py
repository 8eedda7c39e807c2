"""Issue 12, the engine side: the official working calendar as data (R-MEM-03, R-MEM-05,
R-MEM-09), and one engine for every finding: criteria of the meeting page on the board
(R-MTG-12), R-MTG-02 per regime, citations per regime, findings that keep their history,
inclusive deadlines, a supervisor's findings holding its subordinates', and an overview whose
rows agree with its summary."""

import datetime as dt

from django.test import Client
from django.urls import reverse

from chibo.accounts.models import Role
from chibo.briefings import operations as briefings
from chibo.compliance import daily
from chibo.lib import vndates
from chibo.meetings import quality
from chibo.meetings.models import Kind, Meeting, Presence, Rubric
from chibo.members import operations as members
from chibo.members.models import Transfer
from chibo.orgs import operations as orgs
from chibo.rules.models import CalendarDay, CalendarYear, DayKind, FindingRecord, RuleSet
from chibo.rules.models import working_calendar as official
from chibo.rules.tests import CheckTestCase, rules_of
from chibo.test import ChiboTestCase, add_member, attrs, make_user

D = dt.date


class WorkingCalendarDataTests(ChiboTestCase):
    def test_r_mem_05_every_year_2021_to_2027_has_a_source_and_unsure_years_say_so(self):
        years = {y.year: y for y in CalendarYear.objects.all()}
        self.assertEqual(set(years), set(range(2021, 2028)))
        for year, entry in years.items():
            with self.subTest(year=year):
                self.assertTrue(entry.source.strip())
                self.assertEqual(entry.confirmed, "[?]" not in entry.source)
        self.assertFalse(years[2027].confirmed)
        # Eleven statutory weekdays off a year (Bộ luật Lao động 2019, Art. 112), one more
        # in the years a weekday was swapped for a Saturday.
        calendar = official()
        for year in range(2021, 2028):
            weekdays_off = [
                d
                for d in CalendarDay.objects.filter(day__year=year, kind=DayKind.OFF)
                .values_list("day", flat=True)
                .iterator()
                if d.weekday() < 5
            ]
            make_up = CalendarDay.objects.filter(day__year=year, kind=DayKind.MAKE_UP)
            with self.subTest(year=year):
                self.assertEqual(len(weekdays_off), 11 + make_up.count())
                self.assertTrue(all(d.day.weekday() >= 5 for d in make_up))
                self.assertTrue(all(calendar.is_working_day(d.day) for d in make_up))

    def test_r_mem_05_tet_2025_is_25_1_to_2_2_and_3_2_a_working_day(self):
        calendar = official()
        for offset in range(9):
            self.assertFalse(calendar.is_working_day(D(2025, 1, 25) + dt.timedelta(offset)))
        self.assertTrue(calendar.is_working_day(D(2025, 1, 24)))
        self.assertTrue(calendar.is_working_day(D(2025, 2, 3)))
        # The 2025 swap: Friday 2/5 off, Saturday 26/4 worked.
        self.assertFalse(calendar.is_working_day(D(2025, 5, 2)))
        self.assertTrue(calendar.is_working_day(D(2025, 4, 26)))

    def test_r_mem_05_probation_ending_13_12_2024_is_due_3_2_2025(self):
        self.staff_and_probationer(ceremony=D(2023, 12, 13))
        self.assertEqual(self.probationer.party.probation_end, D(2024, 12, 13))
        self.assertEqual(self.probationer.party.recognition_deadline, D(2025, 2, 3))

    def test_r_mem_05_probation_ending_20_1_2025_is_due_10_3_2025(self):
        self.staff_and_probationer(ceremony=D(2024, 1, 20))
        self.assertEqual(self.probationer.party.recognition_deadline, D(2025, 3, 10))

    def test_r_mem_05_tet_2026_14_2_to_22_2(self):
        calendar = official()
        self.assertFalse(calendar.is_working_day(D(2026, 2, 16)))  # 29 tháng Chạp, Monday
        self.assertFalse(calendar.is_working_day(D(2026, 2, 20)))  # mùng 4, Friday
        self.assertTrue(calendar.is_working_day(D(2026, 2, 13)))
        self.assertTrue(calendar.is_working_day(D(2026, 2, 23)))
        # Probation ending Friday 6/2/2026: 5 working days before Tết, 25 after it.
        self.staff_and_probationer(ceremony=D(2025, 2, 6))
        self.assertEqual(self.probationer.party.recognition_deadline, D(2026, 3, 27))

    def test_r_mem_05_a_make_up_day_entered_by_the_superuser_moves_the_deadline(self):
        self.staff_and_probationer(ceremony=D(2024, 1, 20))
        CalendarDay.objects.create(day=D(2025, 2, 15), kind=DayKind.MAKE_UP, name="Làm bù")
        self.assertEqual(self.probationer.party.recognition_deadline, D(2025, 3, 7))
        # In a year without an official calendar the statutory rule holds, with the days
        # entered for it on top.
        self.assertFalse(official().is_working_day(D(2019, 2, 4)))  # Tết Kỷ Hợi, statutory
        CalendarDay.objects.create(day=D(2019, 3, 8), kind=DayKind.OFF, name="Nghỉ")
        self.assertFalse(official().is_working_day(D(2019, 3, 8)))

    def test_r_mem_03_and_r_mem_09_use_the_official_calendar(self):
        person = members.add_person(
            data=members.PersonData(ho="Lê", ten_dem="", ten="Mới", gender="M"),
            registered_by=self.cell_a,
            by=None,
        )
        # Decision received 13/12/2024: the ceremony is due by 3/2/2025 (R-MEM-03).
        self.assertEqual(members.admission_warnings(person, D(2024, 12, 13), D(2025, 2, 3)), [])
        late = members.admission_warnings(person, D(2024, 12, 13), D(2025, 2, 4))
        self.assertEqual(len(late), 1)
        self.assertIn("hạn đến hết ngày 03/02/2025", late[0])
        self.assertEqual(Transfer(sent_on=D(2024, 12, 13)).letter_deadline, D(2025, 2, 3))

    def staff_and_probationer(self, ceremony):
        for i in range(3):
            add_member(self.cell_a, f"Lê Văn Chính{i}")
        self.probationer = add_member(self.cell_a, "Võ Văn Dự", ceremony=ceremony, official=False)


class CalendarPageTests(ChiboTestCase):
    url = reverse("rules:calendar")

    def test_r_mem_05_calendar_page_role_matrix(self):
        everyone = [
            self.admin,
            self.board,
            self.committee,
            self.secretary,
            self.viewer,
            self.outsider,
            self.police_viewer,
            self.superuser,
        ]
        # Policy data, the same for every scope: no organization, so no 404 and no 403 to
        # give; a read-only page for all, changed only in the admin.
        self.assert_statuses("get", self.url + "?year=2025", {u: 200 for u in everyone})
        self.assert_statuses("post", self.url, {self.board: 405, self.viewer: 405})
        anonymous = Client().get(self.url)
        self.assertEqual(anonymous.status_code, 302)
        self.login(self.viewer)
        for bad in ("abc", "99999", "1200"):
            response = self.client.get(self.url, {"year": bad})
            self.assertEqual(response.status_code, 400, bad)
        self.assertContains(
            self.client.get(self.url, {"year": "abc"}), "của năm không hợp lệ", status_code=400
        )

    def test_r_mem_05_page_lists_days_off_make_up_days_and_the_source(self):
        self.login(self.secretary)
        response = self.client.get(self.url, {"year": "2025"})
        off = [row[0] for row in response.context["off"]]
        self.assertIn(D(2025, 1, 25), off)
        self.assertIn(D(2025, 2, 2), off)
        self.assertNotIn(D(2025, 2, 3), off)
        self.assertEqual([row[0] for row in response.context["make_up"]], [D(2025, 4, 26)])
        self.assertContains(response, "26/04/2025")
        self.assertContains(response, "Tết Ất Tỵ")
        unsure = self.client.get(self.url, {"year": "2027"})
        self.assertContains(unsure, "chưa đối chiếu [?]")
        statutory = self.client.get(self.url, {"year": "2019"})
        self.assertContains(statutory, "Chưa có lịch chính thức của năm 2019")
        self.assertIn(D(2019, 2, 5), [row[0] for row in statutory.context["off"]])

    def test_r_mem_05_calendar_api_role_matrix_and_2025(self):
        api = "/api/v1/calendar"
        readers = [self.admin, self.board, self.secretary, self.viewer, self.outsider]
        self.assert_statuses("get", api + "?year=2025", {u: 200 for u in readers})
        self.assert_statuses("post", api, {self.board: 405, self.viewer: 405})
        self.assertEqual(Client().get(api).status_code, 401)
        self.login(self.viewer)
        body = self.client.get(api, {"year": "2025"}).json()
        off = {d["day"] for d in body["days_off"]}
        self.assertTrue({"2025-01-25", "2025-02-02", "2025-05-02"} <= off)
        self.assertNotIn("2025-02-03", off)
        self.assertEqual([d["day"] for d in body["make_up_days"]], ["2025-04-26"])
        self.assertTrue(body["official"] and body["confirmed"] and body["source"])
        bad = self.client.get(api, {"year": "năm"})
        self.assertEqual(bad.status_code, 400)
        self.assertIn("không hợp lệ", bad.json()["detail"])

    def test_r_mem_05_superuser_edits_the_calendar_in_the_admin(self):
        self.login(self.superuser)
        changelist = reverse("admin:rules_calendarday_changelist")
        self.assertEqual(self.client.get(changelist).status_code, 200)
        response = self.client.post(
            reverse("admin:rules_calendarday_add"),
            {"day": "2025-02-15", "kind": "make_up", "name": "Làm bù thử"},
        )
        self.assertEqual(response.status_code, 302)
        self.assertTrue(official().is_working_day(D(2025, 2, 15)))
        self.login(self.board)  # not staff: the admin is closed to it
        self.assertNotEqual(self.client.get(changelist).status_code, 200)


class OneEngineTests(CheckTestCase):
    def test_r_mtg_12_four_excused_in_a_row_fail_on_the_page_and_on_the_board(self):
        people = self.staff(self.cell_a, 7)
        away = people[6]
        held = [
            self.meeting(
                self.cell_a,
                D(2025, month, 6),
                people,
                marks={away.pk: (Presence.EXCUSED, "Đi công tác")},
            )
            for month in (3, 4, 5, 6)
        ]
        rubric = next(r for r in Rubric.objects.all() if r.holds_on(D(2025, 6, 6)))
        page = [quality.criterion_one(m, rubric).ok for m in held]
        self.assertEqual(page, [True, True, True, False])  # 6/7 attend: only the run fails

        def board(on):
            return {f.key: f for f in rules_of(on, self.cell_a, "R-MTG-12") if "roll" not in f.key}

        self.assertEqual(board(D(2025, 5, 31)), {})  # third in a row: still allowed
        found = board(D(2025, 6, 6))
        self.assertEqual(list(found), [f"R-MTG-12:{held[3].pk}"])
        self.assertIn(
            "Có đảng viên vắng có lý do 4 lần liên tiếp trong năm (quá 3)",
            found[f"R-MTG-12:{held[3].pk}"].facts,
        )
        self.login(self.committee)
        api = self.client.get("/api/v1/findings", {"as_of": "2025-06-06"}).json()
        self.assertIn(f"R-MTG-12:{held[3].pk}", {f["key"] for f in api["findings"]})

    def test_r_mtg_12_r_mtg_03_the_page_and_the_board_give_one_answer(self):
        from chibo.meetings.models import Meeting

        people = self.staff(self.cell_a, 7)
        held = [
            # One regular meeting a month (R-MTG-01).
            self.meeting(self.cell_a, D(2025, 3, 3), people),
            self.meeting(
                self.cell_a, D(2025, 4, 7), people, marks={people[6].pk: (Presence.UNEXCUSED, "")}
            ),
            self.meeting(self.cell_a, D(2025, 5, 5), people, minutes=80),
            self.meeting(self.cell_a, D(2025, 6, 2), people),
        ]
        Meeting.objects.filter(pk=held[3].pk).update(start_time=None, end_time=None)
        rubric = next(r for r in Rubric.objects.all() if r.holds_on(D(2025, 6, 30)))
        for meeting in Meeting.objects.filter(pk__in=[m.pk for m in held]):
            with self.subTest(meeting=str(meeting)):
                # The board judges the meetings of the month (and the one before) on its end.
                month_end = vndates.add_months(meeting.date.replace(day=1), 1) - dt.timedelta(1)
                found = rules_of(month_end, self.cell_a)
                on_board = {f.rule_id for f in found if f.url.endswith(f"/{meeting.pk}/")}
                page_ok = (
                    quality.criterion_one(meeting, rubric).ok,
                    quality.duration_check(meeting, rubric).ok,
                )
                self.assertEqual(page_ok, ("R-MTG-12" not in on_board, "R-MTG-03" not in on_board))
        self.assertEqual(
            [quality.duration_check(m, rubric).ok for m in Meeting.objects.order_by("date")],
            [True, True, False, False],
        )

    def test_r_mtg_02_combined_meeting_before_28_10_2025_is_not_both(self):
        people = self.staff(self.cell_a, 7)
        for month in (1, 2, 3):
            self.meeting(self.cell_a, D(2025, month, 6), people, kind=Kind.COMBINED)
        self.assertEqual(rules_of(D(2025, 4, 1), self.cell_a, "R-MTG-01"), [])
        quarter = rules_of(D(2025, 4, 1), self.cell_a, "R-MTG-02")
        self.assertEqual([f.message for f in quarter], ["Quý 1/2025 không sinh hoạt chuyên đề."])
        self.assertIn("Hướng dẫn 12-HD/BTCTW", quarter[0].regulation)
        # A separate regular meeting that month lets the combined one be the thematic one.
        self.meeting(self.cell_a, D(2025, 2, 20), people)
        self.assertEqual(rules_of(D(2025, 4, 1), self.cell_a, "R-MTG-02"), [])

    def test_r_mtg_01_r_mtg_02_a_makeup_counts_for_the_quarter_by_its_kind_never_for_its_month(
        self,
    ):
        people = self.staff(self.cell_a, 7)
        self.meeting(self.cell_a, D(2026, 1, 6), people)
        self.meeting(self.cell_a, D(2026, 2, 3), people)
        # March's only meeting is a regular make-up: not March's regular meeting, and not
        # the quarter's thematic one.
        self.meeting(self.cell_a, D(2026, 3, 9), people, makeup="Bù tháng 3")
        self.assertEqual(
            [f.message for f in rules_of(D(2026, 4, 1), self.cell_a, "R-MTG-01")],
            ["Tháng 3/2026 không sinh hoạt thường kỳ."],
        )
        self.assertEqual(
            [f.message for f in rules_of(D(2026, 4, 1), self.cell_a, "R-MTG-02")],
            ["Quý 1/2026 không sinh hoạt chuyên đề."],
        )
        # A thematic make-up is the quarter's thematic meeting, still not March's regular one.
        self.meeting(self.cell_a, D(2026, 3, 23), people, kind=Kind.THEMATIC, makeup="Bù quý 1")
        self.assertEqual(rules_of(D(2026, 4, 1), self.cell_a, "R-MTG-02"), [])
        self.assertEqual(len(rules_of(D(2026, 4, 1), self.cell_a, "R-MTG-01")), 1)

    def test_r_mtg_01_r_mtg_02_two_combined_sessions_in_a_month_before_hd_42(self):
        """Before 28/10/2025 a combined session is the month's regular meeting when the
        month has no other, and the quarter's thematic one otherwise: the second combined
        session of a month with no other regular meeting is the thematic one."""
        people = self.staff(self.cell_a, 7)
        self.meeting(self.cell_a, D(2025, 1, 6), people, kind=Kind.COMBINED)
        self.meeting(self.cell_a, D(2025, 2, 3), people)
        self.meeting(self.cell_a, D(2025, 3, 3), people)
        self.assertEqual(rules_of(D(2025, 4, 1), self.cell_a, "R-MTG-01"), [])
        self.assertEqual(len(rules_of(D(2025, 4, 1), self.cell_a, "R-MTG-02")), 1)
        second = self.meeting(self.cell_a, D(2025, 1, 20), people, kind=Kind.COMBINED, makeup="Bù")
        # A combined make-up is the quarter's thematic meeting by its kind (as any make-up).
        self.assertEqual(rules_of(D(2025, 4, 1), self.cell_a, "R-MTG-02"), [])
        # Not a make-up (as an import may bring it): the second combined session of January
        # is the quarter's thematic meeting, the first January's regular one.
        Meeting.objects.filter(pk=second.pk).update(makeup=False, makeup_reason="")
        self.assertEqual(rules_of(D(2025, 4, 1), self.cell_a, "R-MTG-01"), [])
        self.assertEqual(rules_of(D(2025, 4, 1), self.cell_a, "R-MTG-02"), [])
        # An extraordinary one beside it: the combined session is January's regular meeting.
        Meeting.objects.filter(pk=second.pk).update(kind=Kind.EXTRAORDINARY)
        self.assertEqual(rules_of(D(2025, 4, 1), self.cell_a, "R-MTG-01"), [])
        self.assertEqual(len(rules_of(D(2025, 4, 1), self.cell_a, "R-MTG-02")), 1)

    def test_r_mtg_01_a_combined_session_alone_in_its_month_is_its_regular_one(self):
        people = self.staff(self.cell_a, 7)
        self.meeting(self.cell_a, D(2025, 1, 6), people)
        self.meeting(self.cell_a, D(2025, 2, 3), people, kind=Kind.THEMATIC)
        self.assertEqual(
            [f.message for f in rules_of(D(2025, 3, 1), self.cell_a, "R-MTG-01")],
            ["Tháng 2/2025 không sinh hoạt thường kỳ."],
        )
        self.meeting(self.cell_a, D(2025, 2, 17), people, kind=Kind.COMBINED)
        self.assertEqual(rules_of(D(2025, 3, 1), self.cell_a, "R-MTG-01"), [])

    def test_r_mtg_02_combined_meeting_from_28_10_2025_counts_as_both(self):
        people = self.staff(self.cell_a, 7)
        for month in (1, 2, 3):
            self.meeting(self.cell_a, D(2026, month, 6), people, kind=Kind.COMBINED)
        self.assertEqual(rules_of(D(2026, 4, 1), self.cell_a, "R-MTG-01"), [])
        self.assertEqual(rules_of(D(2026, 4, 1), self.cell_a, "R-MTG-02"), [])
        self.assertTrue(RuleSet.on(D(2025, 10, 28)).combined_counts_both)
        self.assertFalse(RuleSet.on(D(2025, 10, 27)).combined_counts_both)

    def test_r_org_01_citations_qd_24_qd_232_qd_294_by_date(self):
        self.staff(self.cell_a, 2)
        cited = {
            on: rules_of(on, self.cell_a, "R-ORG-01")[0].regulation
            for on in (D(2025, 1, 19), D(2025, 1, 20), D(2025, 6, 30), D(2025, 7, 1))
        }
        self.assertIn("Quy định 24-QĐ/TW", cited[D(2025, 1, 19)])
        self.assertIn("Quy định 232-QĐ/TW", cited[D(2025, 1, 20)])
        self.assertIn("Quy định 232-QĐ/TW", cited[D(2025, 6, 30)])
        self.assertIn("Quy định 294-QĐ/TW", cited[D(2025, 7, 1)])
        self.assertIn("Quy định 294-QĐ/TW", RuleSet.on(D(2025, 10, 28)).regulation)

    def test_r_mtg_03_cites_hd_12_then_hd_42(self):
        people = self.staff(self.cell_a, 7)
        self.meeting(self.cell_a, D(2025, 10, 6), people, minutes=80)
        before = rules_of(D(2025, 10, 27), self.cell_a, "R-MTG-03")[0].regulation
        after = rules_of(D(2025, 10, 28), self.cell_a, "R-MTG-03")[0].regulation
        self.assertTrue(before.startswith("Hướng dẫn 12-HD/BTCTW"), before)
        self.assertTrue(after.startswith("Hướng dẫn 42-HD/BTCTW"), after)

    def test_r_mem_05_inclusive_wording_and_a_late_recognition_kept_as_late(self):
        self.staff(self.cell_a, 3)
        late = add_member(self.cell_a, "Võ Văn Trễ", ceremony=D(2024, 1, 20), official=False)
        # Probation ends 27/1/2025, inside Tết: due 14/3/2025, after the run of 11/3.
        quiet = add_member(self.cell_a, "Võ Văn Lặng", ceremony=D(2024, 1, 27), official=False)
        timely = add_member(self.cell_a, "Võ Văn Đúng", ceremony=D(2024, 1, 20), official=False)

        def mine(on, person):
            return [f for f in rules_of(on, self.cell_a, "R-MEM-05") if f.person_id == person.pk]

        last_day = mine(D(2025, 3, 10), late)[0]
        self.assertTrue(last_day.key.endswith(":window"))
        self.assertIn("đến hết ngày 10/03/2025", last_day.message)
        self.assertNotIn("trước", last_day.message)
        overdue = mine(D(2025, 3, 11), late)[0]
        self.assertTrue(overdue.key.endswith(":overdue"))
        self.assertIn("hạn đến hết ngày 10/03/2025", overdue.message)

        members.recognize(person=timely, decided_on=D(2025, 3, 10), by=None)
        daily.record(D(2025, 3, 11))  # the run sees one overdue, never the quiet one
        for person in (late, quiet):
            members.recognize(person=person, decided_on=D(2025, 3, 20), by=None)
        # Back-dated official date (R-MEM-06): the days before the decision still show it.
        self.assertFalse(FindingRecord.objects.filter(key=f"R-MEM-05:{quiet.pk}:overdue"))
        self.assertTrue(mine(D(2025, 3, 14), quiet)[0].key.endswith(":window"))
        self.assertTrue(mine(D(2025, 3, 15), quiet)[0].key.endswith(":overdue"))
        self.assertEqual(mine(D(2025, 3, 20), quiet), [])

        outcome = daily.record(D(2025, 3, 25))
        self.assertEqual(outcome.late, 2)
        for person, due, first in ((late, "10/03/2025", 11), (quiet, "14/03/2025", 15)):
            record = FindingRecord.objects.get(key=f"R-MEM-05:{person.pk}:overdue")
            self.assertEqual(
                (record.first_seen, record.resolved_on), (D(2025, 3, first), D(2025, 3, 20))
            )
            self.assertIn("ngày 20/03/2025", record.message)
            self.assertIn(f"hạn xét đến hết ngày {due}", record.message)
        self.assertFalse(FindingRecord.objects.filter(key=f"R-MEM-05:{timely.pk}:overdue"))
        self.assertEqual(daily.record(D(2025, 3, 26)).late, 0)  # written once

    def test_board_findings_hold_what_subordinate_users_see_after_a_merge(self):
        self.staff(self.cell_a, 2)
        conference = briefings.create_conference(
            host=self.district,
            title="Trực báo",
            date=D(2024, 6, 1),
            period_start=D(2024, 1, 1),
            period_end=D(2024, 5, 31),
            invited=[self.cell_a],
            by=None,
        )
        briefings.add_conclusion(
            conference=conference,
            text="Kiện toàn chi ủy",
            group="Đảng ủy xã A",
            due_on=D(2024, 12, 31),
            assignees=[self.commune_a],
            by=None,
        )
        merged = orgs.merge(
            sources=[self.commune_a, self.commune_b],
            on=D(2025, 7, 1),
            by=None,
            new=attrs("Đảng ủy xã AB"),
            parent=self.district,
        )
        new_committee = make_user("committee_ab", Role.COMMITTEE, merged)
        on = D(2025, 8, 1)

        def keys(user):
            self.client.force_login(user)
            body = self.client.get("/api/v1/findings", {"as_of": on.isoformat()}).json()
            return {f["key"] for f in body["findings"]}

        below = keys(new_committee)
        self.assertTrue(any(k.startswith("BRIEF:task:") for k in below))
        for supervisor in (self.board, self.viewer, self.admin):
            with self.subTest(user=supervisor.username):
                self.assertLessEqual(below, keys(supervisor))
        self.assertLessEqual(keys(self.secretary), keys(new_committee))
        self.login(self.board)
        board_page = self.client.get(reverse("rules:alerts"), {"as_of": on.isoformat()})
        self.assertContains(board_page, "Kiện toàn chi ủy")
        # The board's follow-up page lists the task as overdue today; so do its alerts.
        followup = self.client.get(reverse("briefings:followup")).context["tasks"]
        overdue = {f"BRIEF:task:{task.pk}" for task, _name, late in followup if late}
        self.assertTrue(overdue)
        today = self.client.get("/api/v1/findings").json()["findings"]
        self.assertLessEqual(overdue, {f["key"] for f in today})

    def test_overview_rows_agree_with_the_summary(self):
        people = self.staff(self.cell_a, 3)
        members.appoint(
            person=people[0], organization=self.cell_a, role="secretary", on=D(2021, 1, 1), by=None
        )
        add_member(self.cell_a, "Võ Văn Dự", ceremony=D(2024, 1, 20), official=False)
        self.staff(self.cell_b, 1)
        self.login(self.board)
        response = self.client.get(reverse("reports:overview"), {"as_of": "2025-03-11"})
        rows = response.context["rows"]
        per_row = sum(len(items) for _row, _link, items in rows)
        self.assertEqual(per_row + response.context["elsewhere"], response.context["total"])
        self.assertEqual(response.context["total"], sum(response.context["alerts"].values()))
        cell_a_row = next(
            items for row, _link, items in rows if row.organization_id == self.cell_a.pk
        )
        self.assertIn("R-MEM-05", {f.rule_id for f in cell_a_row})
        self.assertEqual(response.context["warned"], sum(1 for _row, _link, items in rows if items))
        # The regulation's name on the page, its code in the tooltip (issue 14).
        self.assertContains(
            response, '<span title="R-MEM-05">Công nhận đảng viên chính thức</span>: Võ Văn Dự'
        )
        alerts = self.client.get(reverse("rules:alerts"), {"as_of": "2025-03-11"})
        self.assertEqual(alerts.context["total"], response.context["total"])
