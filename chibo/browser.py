"""Browser tests: Playwright driving Debian's Chromium against Django's live server.

Where Chromium is missing the tests are skipped with the reason shown, unless
``CHIBO_REQUIRE_BROWSER=1``, which turns the skip into a failure (CI sets it).
"""

import os
import shutil
import unittest

from django.contrib.staticfiles.testing import StaticLiveServerTestCase

CHROMIUM = os.environ.get("CHIBO_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


CSP_PREFIX = "CSP violation:"
# Runs in every page before its own scripts (added by Playwright, so the policy does not apply
# to it): the browser's report of a refused inline style, script or handler goes to the console.
CSP_LISTENER = (
    "document.addEventListener('securitypolicyviolation', (e) => console.error("
    f"'{CSP_PREFIX} ' + e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' at ' "
    "+ e.sourceFile + ':' + e.lineNumber));"
)


def _missing() -> str | None:
    if not os.path.exists(CHROMIUM):
        return f"Chromium không có ở {CHROMIUM} (cài: apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "thiếu gói playwright"
    return None


def _restore_shipped_data() -> None:
    """A live-server test empties every table after it runs, the rows the data migrations
    shipped included (rubrics, rule sets); put them back so the order of tests never matters.
    (``serialized_rollback`` collides with content types re-created after the flush.)"""
    import importlib

    from django.apps import apps

    from chibo.meetings.models import Rubric
    from chibo.rules.models import RuleSet

    for model, module in (
        (Rubric, "chibo.meetings.migrations.0002_default_rubrics"),
        (RuleSet, "chibo.rules.migrations.0002_regimes"),
    ):
        if not model.objects.exists():
            importlib.import_module(module).create(apps, None)


class BrowserTestCase(StaticLiveServerTestCase):
    """One Chromium per test class; ``self.page`` is a fresh page per test."""

    @classmethod
    def setUpClass(cls):
        reason = _missing()
        if reason:
            if os.environ.get("CHIBO_REQUIRE_BROWSER") == "1":
                raise RuntimeError(f"CHIBO_REQUIRE_BROWSER=1 nhưng {reason}")
            raise unittest.SkipTest(reason)
        # Playwright's sync API runs an event loop in this thread; Django's ORM calls made
        # by the test itself are still synchronous and safe.
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        super().setUpClass()
        from playwright.sync_api import sync_playwright

        cls._playwright = sync_playwright().start()
        cls.browser = cls._playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)

    @classmethod
    def tearDownClass(cls):
        cls.browser.close()
        cls._playwright.stop()
        super().tearDownClass()
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)

    def setUp(self):
        super().setUp()
        _restore_shipped_data()
        self.context = self.browser.new_context(
            locale="vi-VN", viewport={"width": 390, "height": 844}
        )
        # Every page must work under the Content-Security-Policy (issue 10): anything it refuses
        # is reported on the console, and the run fails in tearDown.
        self.csp_violations: list[str] = []
        self.context.add_init_script(CSP_LISTENER)
        self.context.on("console", self._console)
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)

    def _console(self, message) -> None:
        if message.type == "error" and (
            "Content Security Policy" in message.text or message.text.startswith(CSP_PREFIX)
        ):
            self.csp_violations.append(f"{message.location.get('url', '')}: {message.text}")

    def tearDown(self):
        self.context.close()
        super().tearDown()
        self.assertEqual(self.csp_violations, [], "vi phạm Content-Security-Policy")

    def log_in(self, username: str, password: str) -> None:
        self.page.goto(self.live_server_url + "/accounts/login/")
        self.page.get_by_label("Tên đăng nhập").fill(username)
        self.page.get_by_label("Mật khẩu").fill(password)
        self.page.get_by_role("button", name="Đăng nhập").click()
        self.page.wait_for_url("**/overview/**")
