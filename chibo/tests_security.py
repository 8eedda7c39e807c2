"""Deployment settings and the Content-Security-Policy (issue 10, item 4).

`chibo check --deploy` is Django's (the compliance command is `chibo findings`), and it passes
at WARNING level with `CHIBO_HTTPS=1` and a real key; the pages carry a strict CSP and contain
nothing inline that it would have to allow.
"""

import datetime as dt
import io
import json
import os
import secrets
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import SystemCheckError
from django.test import SimpleTestCase, TestCase, override_settings
from django.urls import reverse

from chibo.briefings import operations as briefings
from chibo.meetings.models import Meeting
from chibo.meetings.tests import MeetingTestCase
from chibo.test import PASSWORD

CHIBO_DIR = Path(__file__).resolve().parent
HTTPS = {
    "SECURE_SSL_REDIRECT": True,
    "SECURE_HSTS_SECONDS": 31536000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "SILENCED_SYSTEM_CHECKS": ["security.W021"],
    "SECRET_KEY": "k" + secrets.token_urlsafe(60),
}


def run_chibo(*args: str, **env: str) -> subprocess.CompletedProcess:
    """Run the ``chibo`` command in a fresh process: settings are read from the environment
    once, at start, so only a new process shows what an operator's variables do."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("CHIBO_")}
    base["CHIBO_VAR_DIR"] = str(settings.VAR_DIR)
    return subprocess.run(
        [sys.executable, "-m", "chibo.manage", *args],
        env=base | env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def settings_of(**env: str) -> dict:
    snippet = (
        "import json; from django.conf import settings as s; print(json.dumps({k: getattr(s, k)"
        " for k in ('SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS',"
        " 'SECURE_HSTS_PRELOAD', 'SECURE_PROXY_SSL_HEADER', 'SESSION_COOKIE_SECURE',"
        " 'CSRF_COOKIE_SECURE', 'SILENCED_SYSTEM_CHECKS')}))"
    )
    done = run_chibo("shell", "--no-imports", "-c", snippet, **env)
    if done.returncode:
        raise AssertionError(done.stderr)
    return json.loads(done.stdout)


class DeployCheckTests(SimpleTestCase):
    databases = "__all__"

    def test_check_is_djangos_and_findings_is_the_compliance_command(self):
        commands = get_commands()
        self.assertEqual(commands["check"], "django.core")
        self.assertEqual(commands["findings"], "chibo.rules")

    def test_https_and_a_real_key_pass_the_deploy_check_at_warning_level(self):
        done = run_chibo(
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
            CHIBO_HTTPS="1",
            CHIBO_SECRET_KEY=secrets.token_urlsafe(50),
        )
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("no issues", done.stdout)

    def test_without_https_the_deploy_check_warns(self):
        done = run_chibo(
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
            CHIBO_SECRET_KEY=secrets.token_urlsafe(50),
        )
        self.assertNotEqual(done.returncode, 0)
        # Django's command: the compliance command's --as-of no longer hides it.
        self.assertNotIn("--as-of", done.stderr)
        for warning in ("W004", "W008", "W012", "W016"):
            self.assertIn(f"security.{warning}", done.stderr)

    def test_secure_cookies_alone_still_only_secures_cookies(self):
        got = settings_of(CHIBO_SECURE_COOKIES="1")
        self.assertTrue(got["SESSION_COOKIE_SECURE"])
        self.assertTrue(got["CSRF_COOKIE_SECURE"])
        self.assertFalse(got["SECURE_SSL_REDIRECT"])
        self.assertEqual(got["SECURE_HSTS_SECONDS"], 0)

    def test_https_settings_and_their_variables(self):
        got = settings_of(CHIBO_HTTPS="1")
        self.assertEqual(got["SECURE_HSTS_SECONDS"], 365 * 24 * 3600)
        self.assertTrue(got["SECURE_HSTS_INCLUDE_SUBDOMAINS"])
        self.assertTrue(got["SECURE_SSL_REDIRECT"])
        self.assertTrue(got["SESSION_COOKIE_SECURE"] and got["CSRF_COOKIE_SECURE"])
        self.assertIsNone(got["SECURE_PROXY_SSL_HEADER"])
        got = settings_of(
            CHIBO_HTTPS="1",
            CHIBO_HSTS_SECONDS="3600",
            CHIBO_HSTS_INCLUDE_SUBDOMAINS="0",
            CHIBO_HSTS_PRELOAD="1",
            CHIBO_BEHIND_PROXY="1",
        )
        self.assertEqual(got["SECURE_HSTS_SECONDS"], 3600)
        self.assertFalse(got["SECURE_HSTS_INCLUDE_SUBDOMAINS"])
        self.assertTrue(got["SECURE_HSTS_PRELOAD"])
        self.assertNotIn("security.W021", got["SILENCED_SYSTEM_CHECKS"])
        self.assertEqual(got["SECURE_PROXY_SSL_HEADER"], ["HTTP_X_FORWARDED_PROTO", "https"])

    def test_a_bad_value_fails_loudly(self):
        done = run_chibo("check", CHIBO_HTTPS="maybe")
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("CHIBO_HTTPS must be a boolean", done.stderr)

    @override_settings(**HTTPS)
    def test_call_command_deploy_passes_with_the_https_settings(self):
        call_command("check", deploy=True, fail_level="WARNING", stdout=io.StringIO())

    @override_settings(
        SECURE_SSL_REDIRECT=False,
        SECURE_HSTS_SECONDS=0,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
    )
    def test_call_command_deploy_warns_without_them(self):
        with self.assertRaisesMessage(SystemCheckError, "security.W008"):
            call_command("check", deploy=True, fail_level="WARNING", stdout=io.StringIO())


@override_settings(
    SECURE_SSL_REDIRECT=True,
    SECURE_REDIRECT_EXEMPT=[r"^healthz/?$"],
    SECURE_HSTS_SECONDS=31536000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
)
class HttpsBehindProxyTests(TestCase):
    """What CHIBO_HTTPS=1 with CHIBO_BEHIND_PROXY=1 does to a request (settings as above)."""

    def test_plain_http_is_redirected_to_https(self):
        response = self.client.get("/accounts/login/")
        self.assertEqual(response.status_code, 301)
        self.assertEqual(response["Location"], "https://testserver/accounts/login/")

    def test_https_through_the_proxy_is_served_with_hsts(self):
        response = self.client.get("/accounts/login/", headers={"x-forwarded-proto": "https"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response["Strict-Transport-Security"], "max-age=31536000; includeSubDomains"
        )

    def test_the_health_probe_is_not_redirected(self):
        response = self.client.get("/healthz")
        self.assertIn(response.status_code, {200, 503})  # answered, not redirected


class _Inline(HTMLParser):
    """Collect what a strict CSP refuses: inline <script> and <style>, style="…" attributes,
    on… event handlers and javascript: links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._script = False

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "style":
            self.found.append("<style>")
        if tag == "script":
            if not names.get("src"):
                self.found.append("<script> without src")
            self._script = True
        for name, value in attrs:
            if name == "style":
                self.found.append(f'<{tag} style="{value}">')
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name in {"href", "src", "action"} and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}=javascript:…>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = False

    def handle_data(self, data):
        if self._script and data.strip():
            self.found.append("script body")


def inline_parts(html: str) -> list[str]:
    parser = _Inline()
    parser.feed(html)
    return parser.found


class ContentSecurityPolicyTests(MeetingTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        day = dt.date(2023, 5, 5)
        cls.held = Meeting.objects.get(pk=cls.meeting(cls, day).pk)
        Meeting.objects.filter(pk=cls.held.pk).update(
            conclusions="Dòng một\nDòng hai", resolution="Nghị quyết\ncó hai dòng"
        )
        cls.conference = briefings.create_conference(
            host=cls.district,
            title="Hội nghị trực báo",
            date=dt.date(2023, 5, 24),
            period_start=dt.date(2023, 1, 1),
            period_end=dt.date(2023, 4, 30),
            invited=[cls.cell_a, cls.cell_b],
            by=None,
        )

    def pages(self) -> list[str]:
        as_of = {"as_of": "2023-05-24"}
        return [
            reverse("reports:overview"),
            reverse("orgs:tree"),
            reverse("orgs:detail", args=[self.cell_a.pk]),
            reverse("orgs:create"),
            reverse("members:list"),
            reverse("members:detail", args=[self.people[0].pk]),
            reverse("members:edit", args=[self.people[0].pk]),
            reverse("members:new"),
            reverse("meetings:board"),
            reverse("meetings:plan"),
            reverse("meetings:detail", args=[self.held.pk]),
            reverse("briefings:list"),
            reverse("briefings:new"),
            reverse("briefings:detail", args=[self.conference.pk]),
            reverse("briefings:followup"),
            reverse("rules:alerts") + "?as_of=" + as_of["as_of"],
            reverse("documents:regulations"),
            reverse("documents:regulation_new"),
            reverse("accounts:profile"),
            reverse("api-docs"),
        ]

    def test_main_pages_carry_the_policy_and_nothing_inline(self):
        self.client.force_login(self.admin)
        for url in [*self.pages(), "/khong-co-trang-nay/"]:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 404 if "khong-co" in url else 200)
                policy = response.headers.get("Content-Security-Policy", "")
                for directive in (
                    "default-src 'self'",
                    "script-src 'self'",
                    "style-src 'self'",
                    "object-src 'none'",
                    "base-uri 'self'",
                    "form-action 'self'",
                    "frame-ancestors 'none'",
                ):
                    self.assertIn(directive, policy)
                self.assertNotIn("unsafe", policy)
                self.assertEqual(inline_parts(response.content.decode()), [])

    def test_the_meeting_text_keeps_its_lines_through_a_class(self):
        self.client.force_login(self.board)
        response = self.client.get(reverse("meetings:detail", args=[self.held.pk]))
        self.assertContains(response, '<p class="small text-pre-line">Dòng một\nDòng hai</p>')
        css = (CHIBO_DIR / "static/chibo/chibo.css").read_text()
        self.assertIn(".text-pre-line { white-space: pre-line; }", css)

    def test_login_and_admin_pages_too(self):
        response = self.client.get(reverse("accounts:login"))
        self.assertIn("Content-Security-Policy", response.headers)
        self.assertEqual(inline_parts(response.content.decode()), [])
        self.assertTrue(self.client.login(username="root", password=PASSWORD))
        for url in (
            "/admin/",
            "/admin/accounts/user/",
            f"/admin/accounts/user/{self.board.pk}/change/",
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(inline_parts(response.content.decode()), [])

    def test_htmx_is_told_not_to_eval_or_inject_styles(self):
        self.client.force_login(self.viewer)
        html = self.client.get(reverse("orgs:tree")).content.decode()
        config = html.split('<meta name="htmx-config" content=\'', 1)[1].split("'", 1)[0]
        self.assertEqual(
            json.loads(config),
            {"allowEval": False, "includeIndicatorStyles": False, "allowScriptTags": False},
        )
        self.assertIn('src="/static/chibo/chibo.js"', html)


class TemplatesTests(SimpleTestCase):
    def test_no_template_holds_inline_script_style_or_handler(self):
        """Every template, partials and forms included, even those no test renders."""
        templates = sorted(CHIBO_DIR.glob("**/templates/**/*.html"))
        self.assertGreater(len(templates), 20)
        for path in templates:
            with self.subTest(template=str(path.relative_to(CHIBO_DIR))):
                self.assertEqual(inline_parts(path.read_text()), [])

    def test_the_parser_sees_what_it_must(self):
        self.assertEqual(
            inline_parts(
                '<p style="x" onclick="y()"><a href="javascript:z()">a</a></p>'
                "<script>alert(1)</script><style>p{}</style><script src=/s.js></script>"
            ),
            [
                '<p style="x">',
                "<p onclick=…>",
                "<a href=javascript:…>",
                "<script> without src",
                "script body",
                "<style>",
            ],
        )
