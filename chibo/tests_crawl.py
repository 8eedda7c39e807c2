"""Issue 14, items 6–7: every main page, as each role, at 1366 px and at 390 px, in Chromium
with axe-core (shipped inside the ``axe-playwright-python`` wheel, so nothing is fetched at
test time): no serious or critical violation, no sideways scrolling on a phone, no "None", and
no link on the page that answers 4xx to the user who was shown it.

One browser, one logged-in context per role, the demo's structure and people with a few
months of meetings and its 2023 conference (about 10 s to build).
"""

import datetime as dt
import re
import time
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client

from chibo.accounts.models import User
from chibo.browser import CSP_LISTENER, BrowserTestCase

WIDE, PHONE = 1366, 390
# The main pages: the menu's, and the same lists as of the founding article's day.
MAIN = (
    "/overview/",
    "/overview/?as_of=2023-05-24",
    "/orgs/?as_of=2023-05-24",
    "/members/",
    "/members/?as_of=2023-05-24",
    "/meetings/?start=01/2023&end=05/2023",
    "/briefings/",
    "/briefings/followup/",
    "/alerts/",
    "/alerts/?as_of=2023-05-24",
    "/alerts/calendar/",
    "/documents/regulations/",
    "/accounts/profile/",
    "/api/",
)
# Pages reached from the lists: the first link of each kind a role is shown.
DETAILS = (
    ("/orgs/?as_of=2023-05-24", r"^/orgs/\d+/"),
    ("/members/?as_of=2023-05-24", r"^/members/\d+/"),
    ("/meetings/?start=01/2023&end=05/2023", r"^/meetings/\d+/$"),
    ("/briefings/", r"^/briefings/\d+/$"),
    ("/briefings/{conference}/", r"^/briefings/\d+/report/\d+/$"),
)
ROLES = ("quantri", "bantochuc", "dangu.hiepduc", "bithu.hiepduc", "thanhtra")
# Links not followed: leaving (a form, never a link, but kept out in case), the admin's own
# pages (Django's, not ours) and the API's JSON, which the API tests cover.
SKIP = re.compile(r"^/(accounts/logout|admin/|api/v1/)")
# Each link shape (digits folded) is requested at most this many times per role.
PER_SHAPE = 2
NONE = re.compile(r"\bNone\b")

OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
HREFS = "() => Array.from(document.querySelectorAll('a[href]'), (a) => a.getAttribute('href'))"
# WCAG 2.x A and AA rules (what the issue asks), not axe's best-practice extras, at 1366 px;
# at 390 px again those whose answer depends on the layout (the folded menu, the cards).
WCAG = {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}
LAYOUT = {
    "type": "rule",
    "values": ["color-contrast", "target-size", "scrollable-region-focusable", "meta-viewport"],
}
AXE_RUN = """(only) => axe.run(document, {resultTypes: ['violations'], runOnly: only}).then((r) =>
  r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  .map((v) => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')))"""


def _demo() -> dict:
    from chibo.briefings.models import Conference
    from chibo.demo import briefings, history, meetings, people, structure, terms, users

    tree = structure.build()
    people.build(tree)
    terms.build(tree)
    meetings.build(until=dt.date(2023, 5, 31))
    briefings.build(tree)
    history.build()
    users.build(tree)
    return {"conference": Conference.objects.order_by("pk").first().pk}


def _shape(href: str) -> str:
    parts = urlsplit(href)
    return (
        re.sub(r"\d+", "N", parts.path) + "?" + ",".join(sorted(re.findall(r"(\w+)=", parts.query)))
    )


@pytest.mark.once
class MainPagesCrawlTests(BrowserTestCase):
    def setUp(self):
        super().setUp()
        self.ids = _demo()
        from axe_playwright_python.sync_playwright import Axe

        self.axe_script = Axe().axe_script
        self.problems: list[str] = []
        self.spent = {"pages": 0.0, "axe": 0.0, "links": 0.0}

    def context_for(self, username: str):
        """A browser context logged in as ``username`` (the session made server-side)."""
        client = Client()
        client.force_login(User.objects.get(username=username))
        context = self.browser.new_context(locale="vi-VN", viewport={"width": WIDE, "height": 900})
        context.add_init_script(CSP_LISTENER)
        context.on("console", self._console)
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": self.live_server_url,
                }
            ]
        )
        return context

    def look(self, page, role: str, path: str) -> list[str]:
        """Open ``path`` wide then narrow, note what is wrong; return the links shown."""
        started = time.monotonic()
        response = page.goto(self.live_server_url + path)
        self.spent["pages"] += time.monotonic() - started
        where = f"{role} {path}"
        if response is None or response.status != 200:
            self.problems.append(f"{where}: {response and response.status}")
            return []
        text = page.locator("body").inner_text()
        if NONE.search(text):
            self.problems.append(f"{where}: chữ 'None' trên trang")
        started = time.monotonic()
        page.evaluate(self.axe_script)
        for width, rules in ((WIDE, WCAG), (PHONE, LAYOUT)):
            page.set_viewport_size({"width": width, "height": 900})
            for violation in page.evaluate(AXE_RUN, rules):
                self.problems.append(f"{where} @{width}px: {violation}")
        self.spent["axe"] += time.monotonic() - started
        overflow = page.evaluate(OVERFLOW)
        if overflow > 0:
            self.problems.append(f"{where} @{PHONE}px: tràn ngang {overflow}px")
        page.set_viewport_size({"width": WIDE, "height": 900})
        return page.evaluate(HREFS)

    def check_links(self, context, role: str, shown: dict[str, str], opened: set[str]) -> int:
        per_shape: dict[str, int] = {}
        asked = 0
        for href, where in sorted(shown.items()):
            if href in opened:  # already opened as a page above, and judged there
                continue
            shape = _shape(href)
            if per_shape.get(shape, 0) >= PER_SHAPE:
                continue
            per_shape[shape] = per_shape.get(shape, 0) + 1
            asked += 1
            response = context.request.get(self.live_server_url + href, max_redirects=5)
            final = urlsplit(response.url).path
            if response.status >= 400 or final.startswith("/accounts/login"):
                self.problems.append(f"{role} {where} → {href}: {response.status} {final}")
        return asked

    def test_every_main_page_as_each_role(self):
        crawl_started = time.monotonic()
        counts = {}
        for role in ROLES:
            context = self.context_for(role)
            page = context.new_page()
            page.set_default_timeout(15_000)
            shown: dict[str, str] = {}
            paths = [*MAIN]
            visited = 0
            for path in paths:
                for href in self.look(page, role, path):
                    if href.startswith("/") and not href.startswith("//") and not SKIP.match(href):
                        shown.setdefault(href.split("#")[0], path)
                visited += 1
                for source, pattern in DETAILS:
                    if source.format(**self.ids) == path:
                        found = sorted(h for h in shown if re.match(pattern, h))
                        if found and found[0] not in paths:
                            paths.append(found[0])
            started = time.monotonic()
            counts[role] = (visited, self.check_links(context, role, shown, set(paths)))
            self.spent["links"] += time.monotonic() - started
            context.close()
        elapsed = time.monotonic() - crawl_started
        # Pages visited and links requested per role; where the time went.
        spent = ", ".join(f"{k} {v:.1f}s" for k, v in self.spent.items())
        print(f"crawl: {counts} in {elapsed:.1f}s ({spent})")
        self.assertEqual(self.problems, [], "\n".join(self.problems))
        # Every role reached the detail pages, not only the lists.
        for role, (visited, asked) in counts.items():
            self.assertGreaterEqual(visited, len(MAIN) + 3, role)
            self.assertGreater(asked, 20, role)
