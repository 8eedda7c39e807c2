"""Accounts in a real browser (issue 10): the board creates a user, who sets a password
through the one-time link and logs in; repeated wrong passwords end on the 429 page."""

import re

from chibo.browser import BrowserTestCase
from chibo.demo import structure, users

NEW_PASSWORD = "Cay-tre-xanh-2026"


class AccountsBrowserTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        self.tree = structure.build()
        users.build(self.tree)

    def test_board_creates_a_user_who_sets_a_password_and_logs_in(self):
        page = self.page
        self.log_in("bantochuc", users.PASSWORD)
        page.goto(self.live_server_url + "/accounts/profile/")
        page.get_by_role("link", name="Quản lý người dùng và phân quyền").click()
        page.get_by_role("link", name="Tạo người dùng").click()
        page.get_by_label("Tên đăng nhập").fill("bithu.vietan")
        page.get_by_label("Họ và tên").fill("Lê Thị Mới")
        page.get_by_label("Vai trò").select_option("secretary")
        page.get_by_label("Tổ chức").select_option(label="Chi bộ Công an xã Việt An")
        page.get_by_role("button", name="Tạo người dùng").click()
        link = page.get_by_test_id("password-link").inner_text()
        self.assertIn("/accounts/reset/", link)

        other = self.browser.new_context(locale="vi-VN").new_page()
        other.goto(link)
        # "Xác nhận mật khẩu mới" also contains the words: match from the start.
        other.get_by_label(re.compile("^Mật khẩu mới")).fill(NEW_PASSWORD)
        other.get_by_label("Xác nhận mật khẩu mới").fill(NEW_PASSWORD)
        other.get_by_role("button", name="Đặt mật khẩu").click()
        other.get_by_role("link", name="Đăng nhập").click()
        other.get_by_label("Tên đăng nhập").fill("bithu.vietan")
        other.get_by_label("Mật khẩu").fill(NEW_PASSWORD)
        other.get_by_role("button", name="Đăng nhập").click()
        other.wait_for_url("**/overview/**")
        other.context.close()

    def test_five_wrong_passwords_show_the_lock_page(self):
        page = self.page
        for _ in range(5):
            page.goto(self.live_server_url + "/accounts/login/")
            page.get_by_label("Tên đăng nhập").fill("thanhtra")
            page.get_by_label("Mật khẩu").fill("sai-mat-khau")
            page.get_by_role("button", name="Đăng nhập").click()
        self.assertIn("Tài khoản tạm bị khóa", page.get_by_test_id("locked").inner_text())
