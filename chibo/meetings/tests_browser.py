"""A secretary records a meeting with attendance; the commune committee scores it (browser)."""

import datetime as dt

from chibo.accounts.models import Role
from chibo.browser import BrowserTestCase
from chibo.meetings import operations as ops
from chibo.meetings.models import Evaluation, Kind, Side
from chibo.members import operations as members
from chibo.test import PASSWORD, add_member, build_tree, make_user


class MeetingBrowserTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        build_tree(self)
        self.people = [add_member(self.cell_a, f"Lê Văn {n}") for n in ("An", "Bình", "Cường")]
        members.appoint(
            person=self.people[0],
            organization=self.cell_a,
            role="secretary",
            on=dt.date(2020, 1, 1),
            by=None,
        )
        make_user("bithu", Role.SECRETARY, self.cell_a)
        make_user("dangu", Role.COMMITTEE, self.commune_a)
        self.meeting = ops.plan(
            cell=self.cell_a, kind=Kind.REGULAR, planned_date=dt.date(2023, 5, 5), by=None
        )

    def test_secretary_records_and_superior_scores(self):
        page = self.page
        self.log_in("bithu", PASSWORD)
        page.goto(f"{self.live_server_url}/meetings/{self.meeting.pk}/")
        page.get_by_role("link", name="Ghi buổi sinh hoạt").click()
        page.get_by_label("Ngày họp").fill("05/05/2023")
        page.get_by_label("Bắt đầu").fill("14:00")
        page.get_by_label("Kết thúc").fill("16:00")
        page.locator("#id_chair").select_option(label="Lê Văn An")
        page.get_by_label("Thư ký (người ghi biên bản)").select_option(label="Lê Văn Bình")
        page.get_by_label("Nghị quyết").fill("Hoàn thành nhiệm vụ tháng 5.")
        page.get_by_role("button", name="Ghi").click()
        page.wait_for_url("**/attendance/")
        page.get_by_label("Lê Văn Cường", exact=True).select_option(label="Vắng có lý do")
        page.get_by_label("Lý do (Lê Văn Cường)").fill("Trực ban")
        page.get_by_role("button", name="Ghi điểm danh").click()
        page.wait_for_url(f"**/meetings/{self.meeting.pk}/")
        self.assertIn("dự 2/3", page.get_by_test_id("attendance-summary").inner_text())
        self.assertNotIn("Cấp trên chấm", page.get_by_test_id("actions").inner_text())

        self.context.clear_cookies()
        self.log_in("dangu", PASSWORD)
        page.goto(f"{self.live_server_url}/meetings/{self.meeting.pk}/")
        page.get_by_role("link", name="Cấp trên chấm").click()
        # locator.all() does not wait: let the scoring form load first, or a slow
        # machine finds no fields yet and sends the form empty.
        page.wait_for_url(f"**/meetings/{self.meeting.pk}/score/superior/")
        page.locator("input[type=number]").first.wait_for()
        for field in page.locator("input[type=number]").all():
            field.fill(field.get_attribute("max"))
        page.get_by_role("button", name="Ghi điểm").click()
        page.wait_for_url(f"**/meetings/{self.meeting.pk}/")
        evaluation = Evaluation.objects.get(meeting=self.meeting, side=Side.SUPERIOR)
        # 2/3 attended: criterion 1 is lost (20 points), the rest full.
        self.assertEqual((evaluation.total, evaluation.level), (80, "Khá"))
        self.assertIn("80 điểm", page.get_by_test_id("evaluations").inner_text())
