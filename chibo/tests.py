"""Project-wide gates: no missing migrations; static assets served by the app itself."""

import io

from django.core.management import call_command
from django.test import TestCase

from chibo.test import ChiboTestCase


class MigrationsTests(TestCase):
    def test_no_missing_migrations(self):
        out = io.StringIO()
        try:
            call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
        except SystemExit:  # pragma: no cover - the failure path
            self.fail("Thiếu migration:\n" + out.getvalue())


class PagesTests(ChiboTestCase):
    def test_home_redirects_to_the_tree(self):
        self.login(self.viewer)
        self.assertRedirects(self.client.get("/"), "/overview/")
        self.assertEqual(self.client.post("/").status_code, 405)

    def test_assets_are_served_locally(self):
        self.login(self.viewer)
        html = self.client.get("/orgs/").content.decode()
        self.assertNotIn("https://", html)
        for path in (
            "/static/bootstrap/css/bootstrap.min.css",
            "/static/bootstrap/js/bootstrap.bundle.min.js",
            "/static/django_htmx/htmx-2.min.js",
            "/static/chibo/chibo.css",
        ):
            with self.subTest(path=path):
                self.assertIn(path, html)
                response = self.client.get(path)
                self.assertEqual(response.status_code, 200)
                self.assertGreater(len(b"".join(response.streaming_content)), 200)

    def test_unknown_page_is_a_vietnamese_404(self):
        self.login(self.viewer)
        response = self.client.get("/khong-co/")
        self.assertContains(response, "Không tìm thấy", status_code=404)

    def test_login_page_is_vietnamese(self):
        response = self.client.get("/accounts/login/")
        self.assertContains(response, '<html lang="vi">')
        self.assertContains(response, "Đăng nhập")
