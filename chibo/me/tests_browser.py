"""A member logs in on a phone-sized screen (390 px, ``chibo.browser``) and reads their own
page: cards one under the other, nothing wider than the screen, no CSP violation."""

from django.utils import timezone

from chibo.browser import BrowserTestCase
from chibo.members import operations as ops
from chibo.test import PASSWORD, add_member, build_tree

WIDTH = 390


class MemberPageBrowserTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        build_tree(self)
        person = add_member(self.cell_a, "Nguyễn Văn An")
        add_member(self.cell_a, "Trần Thị Bình", gender="F")
        add_member(self.cell_b, "Lê Văn Cường")
        account = ops.create_member_account(
            person=person, username="dangvien.an", on=timezone.localdate(), by=None
        )
        account.user.set_password(PASSWORD)
        account.user.save()

    def test_member_logs_in_and_reads_own_page_on_a_phone(self):
        page = self.page
        self.assertEqual(page.viewport_size["width"], WIDTH)
        page.goto(self.live_server_url + "/accounts/login/")
        page.get_by_label("Tên đăng nhập").fill("dangvien.an")
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url("**/me/")
        self.assertEqual(page.locator("h1").inner_text(), "Nguyễn Văn An")
        for card in ("record", "upcoming", "attendance", "tasks", "studies"):
            self.assertTrue(page.get_by_test_id(f"card-{card}").is_visible(), card)
        names = page.get_by_test_id("card-cell").inner_text()
        self.assertIn("Trần Thị Bình", names)
        self.assertNotIn("Lê Văn Cường", names)
        # Phone first: nothing scrolls sideways, the cards stack in one column.
        scroll = page.evaluate("document.documentElement.scrollWidth")
        self.assertLessEqual(scroll, WIDTH)
        record = page.get_by_test_id("card-record").bounding_box()
        upcoming = page.get_by_test_id("card-upcoming").bounding_box()
        self.assertGreater(upcoming["y"], record["y"] + record["height"] - 1)
        self.assertLessEqual(record["width"], WIDTH)
        # The folded menu offers only the member's own page (and the account).
        page.get_by_role("button", name="Mở menu").click()
        menu = page.locator("#menu")
        menu.get_by_role("link", name="Trang của tôi").wait_for()
        self.assertEqual(menu.get_by_role("link", name="Tổng quan").count(), 0)
        self.assertEqual(menu.get_by_role("link", name="Đảng viên").count(), 0)
        # Another date is an input like everywhere else.
        page.get_by_label("Xem tại ngày").fill("01/06/2019")
        page.get_by_role("button", name="Xem").click()
        page.wait_for_url("**as_of=01%2F06%2F2019**")
        self.assertIn(
            "Không sinh hoạt ở chi bộ nào", page.get_by_test_id("member-cells").inner_text()
        )
