"""The board user reads the tree at two dates in a real browser (issue: Foundation)."""

from chibo.browser import BrowserTestCase
from chibo.demo import structure, users


class TreeBrowserTests(BrowserTestCase):
    def setUp(self):
        super().setUp()  # a live-server test is a TransactionTestCase: data per test
        users.build(structure.build())

    def test_board_reads_the_tree_on_two_dates(self):
        page = self.page
        self.log_in("bantochuc", users.PASSWORD)
        page.get_by_role("button", name="Mở menu").click()  # a phone-sized window
        page.get_by_role("link", name="Tổ chức đảng").click()
        page.get_by_label("Xem tại ngày").fill("24/05/2023")
        page.get_by_role("button", name="Xem").click()
        page.wait_for_url("**as_of=24%2F05%2F2023**")
        tree = page.get_by_test_id("org-tree")
        district = tree.locator("li", has_text="Huyện ủy Hiệp Đức").first
        self.assertTrue(district.is_visible())
        self.assertEqual(
            tree.get_by_role("link", name="Đảng ủy xã Hiệp Hòa", exact=True).count(), 1
        )
        self.assertEqual(tree.get_by_role("link", name="Chi bộ Công an", exact=False).count(), 11)
        self.assertIn("Hệ thống tổ chức đảng ngày 24/05/2023", page.locator("h1").inner_text())

        page.get_by_label("Xem tại ngày").fill("01/07/2025")
        page.get_by_role("button", name="Xem").click()
        page.wait_for_url("**as_of=01%2F07%2F2025**")
        tree = page.get_by_test_id("org-tree")
        for name in ("Đảng ủy xã Hiệp Đức", "Đảng ủy xã Việt An", "Đảng ủy xã Phước Trà"):
            self.assertEqual(tree.get_by_role("link", name=name, exact=True).count(), 1, name)
        self.assertEqual(tree.get_by_role("link", name="Huyện ủy Hiệp Đức").count(), 0)
        self.assertEqual(tree.get_by_role("link", name="Đảng ủy xã Hiệp Hòa").count(), 0)

        # Click through to an organization and back to its 2023 state.
        tree.get_by_role("link", name="Đảng ủy xã Việt An", exact=True).click()
        page.wait_for_url("**/orgs/*/**")
        self.assertIn("Đảng ủy xã Việt An", page.locator("h1").inner_text())
        self.assertIn("Đảng ủy xã Bình Lâm", page.locator("body").inner_text())

    def test_bad_date_shows_a_vietnamese_message(self):
        self.log_in("bantochuc", users.PASSWORD)
        self.page.goto(self.live_server_url + "/orgs/")
        self.page.get_by_label("Xem tại ngày").fill("45/13/2023")
        self.page.get_by_role("button", name="Xem").click()
        self.assertIn("không tồn tại", self.page.get_by_test_id("error-message").inner_text())


class LazyTreeBrowserTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        self.tree = structure.build()
        users.build(self.tree)

    def test_opening_a_node_loads_its_children_with_htmx(self):
        from django.test import override_settings

        with override_settings(CHIBO_TREE_EAGER_MAX=10):
            page = self.page
            self.log_in("bantochuc", users.PASSWORD)
            page.goto(self.live_server_url + "/orgs/?as_of=2023-05-24")
            tree = page.get_by_test_id("org-tree")
            self.assertEqual(tree.get_by_role("link", name="Đảng ủy xã Hiệp Hòa").count(), 0)
            summary = page.locator(f"li[data-org='{self.tree.district.pk}'] > details > summary")
            summary.click(position={"x": 3, "y": 8})
            link = tree.get_by_role("link", name="Đảng ủy xã Hiệp Hòa", exact=True)
            link.wait_for()
            self.assertTrue(link.is_visible())


class TreeWithoutScriptsBrowserTests(BrowserTestCase):
    """Issue 16 item 5: the lazy tree opens without JavaScript, one level per link."""

    def setUp(self):
        super().setUp()
        self.context.close()
        self.context = self.browser.new_context(
            locale="vi-VN", viewport={"width": 390, "height": 844}, java_script_enabled=False
        )
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)
        self.tree = structure.build()
        users.build(self.tree)

    def test_a_closed_node_opens_through_its_link(self):
        from django.test import override_settings

        with override_settings(CHIBO_TREE_EAGER_MAX=10):
            page = self.page
            self.log_in("bantochuc", users.PASSWORD)
            page.goto(self.live_server_url + "/orgs/?as_of=2023-05-24")
            tree = page.get_by_test_id("org-tree")
            self.assertEqual(tree.get_by_role("link", name="Đảng ủy xã Hiệp Hòa").count(), 0)
            node = page.locator(f"li[data-org='{self.tree.district.pk}'] > details")
            node.locator("> summary").click(position={"x": 3, "y": 8})  # native, no script
            node.get_by_test_id("open-children").first.click()
            page.wait_for_url(f"**/orgs/{self.tree.district.pk}/children/**")
            link = page.get_by_test_id("org-tree").get_by_role(
                "link", name="Đảng ủy xã Hiệp Hòa", exact=True
            )
            self.assertTrue(link.is_visible())
            self.assertTrue(page.get_by_test_id("whole-tree").is_visible())
