"""The Content-Security-Policy in a real browser (issue 10, item 4): the main pages, the menu,
the confirm dialog and the way back from an error page work, and Chromium reports nothing it
refused (``BrowserTestCase`` fails any test whose pages break the policy)."""

from chibo.accounts.models import Role
from chibo.browser import BrowserTestCase
from chibo.test import PASSWORD, add_member, build_tree, make_user

MAIN_PAGES = (
    "/overview/?as_of=2023-05-24",
    "/orgs/?as_of=2023-05-24",
    "/members/?as_of=2023-05-24",
    "/meetings/",
    "/briefings/",
    "/briefings/followup/",
    "/alerts/?as_of=2023-05-24",
    "/documents/regulations/",
    "/accounts/profile/",
    "/api/",
    "/members/new/",
)


class ContentSecurityPolicyBrowserTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        build_tree(self)
        make_user("bantochuc", Role.BOARD, self.district)
        self.person = add_member(self.cell_a, "Nguyễn Văn An")

    def settle(self) -> None:
        """Let the browser dispatch the violation events of the page before looking."""
        self.page.evaluate("() => new Promise((done) => setTimeout(done, 50))")

    def test_main_pages_report_no_violation(self):
        page = self.page
        self.log_in("bantochuc", PASSWORD)
        for path in (*MAIN_PAGES, f"/members/{self.person.pk}/?as_of=2023-05-24"):
            with self.subTest(path=path):
                response = page.goto(self.live_server_url + path)
                self.assertEqual(response.status, 200)
                self.assertIn("frame-ancestors 'none'", response.headers["content-security-policy"])
                self.settle()
                self.assertEqual(self.csp_violations, [])

    def test_admin_pages_report_no_violation(self):
        from chibo.accounts.models import User

        User.objects.create_superuser("quantri", password=PASSWORD)
        page = self.page
        page.goto(self.live_server_url + "/admin/login/")
        page.locator("#id_username").fill("quantri")
        page.locator("#id_password").fill(PASSWORD)
        page.locator("input[type=submit]").click()
        page.wait_for_url("**/admin/")
        for path in ("/admin/", "/admin/accounts/user/", "/admin/accounts/user/add/"):
            with self.subTest(path=path):
                page.goto(self.live_server_url + path)
                self.settle()
                self.assertEqual(self.csp_violations, [])

    def test_menu_confirm_and_back_link_work_without_inline_code(self):
        page = self.page
        self.log_in("bantochuc", PASSWORD)
        # The phone-sized viewport folds the menu: Bootstrap's script opens it.
        menu = page.locator("#menu")
        self.assertFalse(menu.is_visible())
        page.get_by_role("button", name="Mở menu").click()
        menu.get_by_role("link", name="Đảng viên").wait_for(state="visible")

        page.goto(self.live_server_url + "/accounts/profile/")
        page.get_by_label("Tên gợi nhớ").fill("Bảng tính")
        page.get_by_role("button", name="Tạo mã mới").click()
        revoke = page.get_by_role("button", name="Thu hồi")
        questions = []

        def answer(dialog, accept):
            questions.append(dialog.message)
            dialog.accept() if accept else dialog.dismiss()

        page.once("dialog", lambda dialog: answer(dialog, False))
        revoke.click()
        self.assertEqual(len(questions), 1)
        self.assertIn("Thu hồi mã này?", questions[0])
        self.assertEqual(page.get_by_text("Đã thu hồi").count(), 0)
        page.once("dialog", lambda dialog: answer(dialog, True))
        revoke.click()
        page.locator("[role=status]").wait_for()
        self.assertIn("Đã thu hồi mã", page.locator("[role=status]").inner_text())

        page.goto(self.live_server_url + "/members/?as_of=2023-05-24")
        page.goto(self.live_server_url + "/khong-co-trang-nay/")
        page.get_by_role("link", name="Quay lại").click()
        page.wait_for_url("**/members/?as_of=2023-05-24")
        self.settle()
        self.assertEqual(self.csp_violations, [])

    def test_the_watch_sees_a_refused_inline_style(self):
        """The check above can fail: an inline style put into a page is refused and seen."""
        self.log_in("bantochuc", PASSWORD)
        self.page.evaluate(
            "() => { document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>'); }"
        )
        self.settle()
        self.assertTrue(any("style-src" in v for v in self.csp_violations), self.csp_violations)
        self.csp_violations.clear()
