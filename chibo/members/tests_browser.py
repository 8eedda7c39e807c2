"""A secretary adds a person, admits them and recognizes them as official, in a browser."""

from chibo.accounts.models import Role
from chibo.browser import BrowserTestCase
from chibo.test import PASSWORD, build_tree, make_user


class AdmissionBrowserTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        build_tree(self)
        make_user("bithu", Role.SECRETARY, self.cell_a)

    def test_admit_then_recognize_through_the_pages(self):
        page = self.page
        self.log_in("bithu", PASSWORD)
        page.goto(self.live_server_url + "/members/")
        page.get_by_role("link", name="Thêm người").click()
        page.get_by_label("Họ", exact=True).fill("Trần")
        page.get_by_label("Tên đệm").fill("Văn")
        page.locator("#id_ten").fill("Kết")
        page.get_by_label("Giới tính").select_option(label="Nam")
        page.get_by_label("Ngày sinh").fill("02/04/1998")
        page.get_by_label("Đơn vị quản lý hồ sơ").select_option(label="Chi bộ Công an xã A")
        page.get_by_role("button", name="Ghi").click()
        page.wait_for_url("**/members/*/**")
        self.assertEqual(page.locator("h1").inner_text(), "Trần Văn Kết")

        page.get_by_role("link", name="Kết nạp").click()
        page.get_by_label("Chi bộ kết nạp").select_option(label="Chi bộ Công an xã A")
        page.get_by_label("Ngày quyết định kết nạp").fill("10/05/2024")
        page.get_by_label("Ngày lễ kết nạp").fill("01/06/2024")
        page.get_by_role("button", name="Ghi kết nạp").click()
        page.wait_for_url("**as_of=2024-06-01**")
        self.assertIn("dự bị đến hết ngày 31/05/2025", page.locator("[role=status]").inner_text())
        self.assertEqual(page.get_by_test_id("status").inner_text(), "Dự bị")

        page.get_by_role("link", name="Công nhận chính thức").click()
        facts = page.get_by_test_id("facts").inner_text()
        self.assertIn("01/06/2025", facts)  # end of probation, R-MEM-04
        self.assertIn("11/07/2025", facts)  # 30 working days later, R-MEM-05
        page.get_by_label("Ngày chi bộ xét, cấp ủy quyết định công nhận").fill("10/06/2025")
        page.get_by_role("button", name="Ghi công nhận").click()
        page.wait_for_url("**as_of=2025-06-10**")
        self.assertEqual(page.get_by_test_id("status").inner_text(), "Chính thức")
        self.assertEqual(page.get_by_test_id("official-date").inner_text(), "01/06/2025")
        timeline = page.get_by_test_id("timeline").inner_text()
        self.assertIn("Lễ kết nạp, bắt đầu dự bị", timeline)
        self.assertIn("Đảng viên chính thức", timeline)
