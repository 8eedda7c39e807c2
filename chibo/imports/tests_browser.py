"""A committee user imports the sample roster through the page in Chromium: upload, the
progress bar polled by htmx, the preview, the confirmation step, the result (issue 13). The
preview's screenshot is saved for the user guide (``docs/guide/nhap-du-lieu.md``)."""

import tempfile
from pathlib import Path

from chibo.accounts.models import Role
from chibo.browser import BrowserTestCase
from chibo.imports.samples import make_sample
from chibo.members.models import Person
from chibo.test import PASSWORD, build_tree, make_user

GUIDE_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "guide" / "img"


class ImportBrowserTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        build_tree(self)
        make_user("danguy", Role.COMMITTEE, self.commune_a)
        folder = Path(tempfile.mkdtemp(prefix="chibo-import-browser-"))
        self.file = folder / "danh-sach.xlsx"
        self.file.write_bytes(make_sample.build())

    def test_import_the_sample_through_the_page(self):
        page = self.page
        page.set_viewport_size({"width": 1280, "height": 900})
        self.log_in("danguy", PASSWORD)
        page.get_by_role("link", name="Nhập dữ liệu").click()
        page.get_by_label("Nhập vào tổ chức").select_option(label="Chi bộ Công an xã A")
        page.get_by_label("Ngày áp dụng").fill("24/05/2023")
        page.get_by_label("Tệp danh sách").set_input_files(str(self.file))
        page.get_by_role("button", name="Tải lên và xem trước").click()
        # The progress bar polls until the check is done, then htmx opens the preview.
        page.get_by_test_id("summary").wait_for()
        self.assertIn("Mới: 8", page.get_by_test_id("summary").inner_text())
        rows = page.get_by_test_id("rows").inner_text()
        self.assertIn("Hiệp Đức, Quảng Nam", rows)  # the TCVN3 column, converted
        self.assertIn("Phó Trưởng Công an xã", rows)  # the VNI column, converted
        self.assertIn("03/07/1994", rows)
        self.assertFalse(Person.objects.exists())
        GUIDE_IMAGES.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(GUIDE_IMAGES / "nhap-du-lieu-xem-truoc.png"), full_page=False)
        page.get_by_test_id("confirm").click()
        self.assertIn(
            "8 đảng viên mới sẽ được ghi", page.get_by_test_id("confirm-counts").inner_text()
        )
        page.get_by_role("button", name="Xác nhận nhập").click()
        page.get_by_test_id("result").wait_for()
        self.assertIn("8 mới", page.get_by_test_id("result").inner_text())
        self.assertEqual(Person.objects.count(), 8)
