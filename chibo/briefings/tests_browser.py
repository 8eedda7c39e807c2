"""A cell's secretary sends the report; the board closes a task; the board sees it closed."""

import datetime as dt

from chibo.accounts.models import Role
from chibo.briefings import operations as ops
from chibo.briefings.models import Assignment, CellReport
from chibo.browser import BrowserTestCase
from chibo.test import PASSWORD, add_member, build_tree, make_user

D = dt.date


class ConferenceBrowserTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        build_tree(self)
        add_member(self.cell_a, "Lê Văn An")
        make_user("bithu", Role.SECRETARY, self.cell_a)
        make_user("huyen", Role.BOARD, self.district)
        self.conference = ops.create_conference(
            host=self.district,
            title="các chi bộ Công an xã",
            date=D(2023, 5, 24),
            period_start=D(2023, 1, 1),
            period_end=D(2023, 5, 23),
            invited=[self.cell_a, self.cell_b],
            by=None,
        )
        conclusion = ops.add_conclusion(
            conference=self.conference,
            text="Làm tốt công tác",
            group="Đảng ủy các xã",
            assignees=[self.commune_a],
            due_on=D(2023, 12, 31),
            by=None,
        )
        self.task = conclusion.assignments.get()

    def test_report_then_close_a_task(self):
        page = self.page
        self.log_in("bithu", PASSWORD)
        page.goto(f"{self.live_server_url}/briefings/{self.conference.pk}/")
        page.get_by_role("link", name="Soạn báo cáo").click()
        self.assertIn("1 (1 / 0)", page.get_by_test_id("facts").inner_text())
        page.get_by_label("Kết quả bảo đảm an ninh, trật tự").fill("Giữ vững an ninh trật tự.")
        page.get_by_label("Gửi báo cáo (sau khi gửi không sửa được nữa)").check()
        page.get_by_role("button", name="Ghi").click()
        page.wait_for_url(f"**/briefings/{self.conference.pk}/")
        # An invited cell reads its own report row only (issue 10, scope in time).
        self.assertIn("1/1 đã gửi", page.get_by_test_id("submitted").inner_text())
        self.assertEqual(CellReport.objects.get().security, "Giữ vững an ninh trật tự.")

        self.context.clear_cookies()
        self.log_in("huyen", PASSWORD)
        page.goto(f"{self.live_server_url}/briefings/{self.conference.pk}/")
        self.assertIn("1/2 đã gửi", page.get_by_test_id("submitted").inner_text())
        page.get_by_test_id("conclusions").get_by_role("link", name="đóng").click()
        page.get_by_role("button", name="Đóng nhiệm vụ").click()
        page.wait_for_url(f"**/briefings/{self.conference.pk}/")
        self.assertIn("đã đóng", page.get_by_test_id("conclusions").inner_text())
        self.assertIsNotNone(Assignment.objects.get(pk=self.task.pk).closed_on)
