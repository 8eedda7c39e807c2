"""The screenshots of the task guides (docs/guide/), taken here in Chromium against a live
server with the demo loaded, so they show the pages as they are (issue 17). Each shot also
checks that its page answers and shows what the guide says it shows. Run with the other
slow suites (``once``); the images land in docs/guide/img/ to be committed."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from chibo.briefings.models import Conference
from chibo.browser import BrowserTestCase
from chibo.demo.users import PASSWORD
from chibo.meetings.models import Meeting, Stage
from chibo.orgs.models import OrgVersion

IMG = Path(__file__).resolve().parent.parent / "docs" / "guide" / "img"
WIDTH, HEIGHT = 1366, 768  # a common office laptop screen

# (user, image, path, text the page must show). ``{meeting}``: the secretary's latest
# meeting; ``{conference}``: the demo's reporting conference of 24/5/2023.
SHOTS = [
    ("bithu.hiepduc", "bithu-bang-sinh-hoat", "/meetings/", "Sinh hoạt chi bộ"),
    ("bithu.hiepduc", "bithu-len-ke-hoach", "/meetings/plan/", "Lên kế hoạch"),
    ("bithu.hiepduc", "bithu-ghi-buoi-hop", "/meetings/{meeting}/hold/", "Ghi buổi sinh hoạt"),
    ("bithu.hiepduc", "bithu-diem-danh", "/meetings/{meeting}/attendance/", "Điểm danh"),
    ("bithu.hiepduc", "bithu-cham-diem", "/meetings/{meeting}/score/self/", "Chi bộ tự chấm"),
    ("bithu.hiepduc", "bithu-buoi-hop", "/meetings/{meeting}/", "Biên bản"),
    ("dangu.hiepduc", "dangu-tong-quan", "/overview/", "Tổng quan"),
    ("dangu.hiepduc", "dangu-canh-bao", "/alerts/", "Cảnh báo"),
    ("dangu.hiepduc", "dangu-cham-diem", "/meetings/{meeting}/score/superior/", "cấp trên"),
    (
        "dangu.hiepduc",
        "dangu-can-cu-quy-dinh",
        "/alerts/basis/?from=2025-06-30&to=2025-07-01",
        "Căn cứ quy định",
    ),
    ("bantochuc", "btc-hoi-nghi", "/briefings/", "Trực báo"),
    ("bantochuc", "btc-chi-tiet-hoi-nghi", "/briefings/{conference}/", "24/05/2023"),
    (
        "bantochuc",
        "btc-ket-luan",
        "/briefings/{conference}/conclusions/new/",
        "Kết luận",
    ),
    ("bantochuc", "btc-theo-doi", "/briefings/followup/", "Theo dõi"),
    ("quantri", "qt-nguoi-dung", "/accounts/users/", "Người dùng"),
    ("quantri", "qt-he-thong", "/system/", "Công việc định kỳ"),
    ("quantri", "qt-lich-lam-viec", "/alerts/calendar/?year=2025", "Lịch làm việc năm 2025"),
]


@pytest.mark.once
class GuideScreenshotTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        call_command("demo", verbosity=0, stdout=io.StringIO())
        self.page.set_viewport_size({"width": WIDTH, "height": HEIGHT})

    def sign_in(self, username: str) -> None:
        self.context.clear_cookies()
        self.page.goto(self.live_server_url + "/accounts/login/")
        self.page.get_by_label("Tên đăng nhập").fill(username)
        self.page.get_by_label("Mật khẩu").fill(PASSWORD)
        self.page.get_by_role("button", name="Đăng nhập").click()
        self.page.wait_for_load_state()
        self.assertNotIn("/accounts/login/", self.page.url)

    def test_guide_screenshots(self):
        cell = OrgVersion.objects.get(name="Chi bộ Công an xã Hiệp Đức").organization_id
        values = {
            "meeting": Meeting.objects.filter(cell_id=cell, stage=Stage.CLOSED).latest("date").pk,
            "conference": Conference.objects.get().pk,
        }
        IMG.mkdir(parents=True, exist_ok=True)
        signed_in = None
        for username, image, path, text in SHOTS:
            with self.subTest(image=image):
                if username != signed_in:
                    self.sign_in(username)
                    signed_in = username
                response = self.page.goto(self.live_server_url + path.format(**values))
                self.assertEqual(response.status, 200, path)
                self.assertIn(text.casefold(), self.page.inner_text("main").casefold())
                shot = IMG / f"{image}.jpg"
                self.page.screenshot(path=str(shot), type="jpeg", quality=70)
                self.assertLess(shot.stat().st_size, 250_000)
