"""Page forms as a browser submits them, with CSRF enforced as in production (issue 9).

Django's test client skips the CSRF check unless told otherwise, so a form that forgot its
token would pass every other test and fail for every user. Here each app's main form is
fetched, filled like a browser (every field the page rendered, hidden ones included, then
the user's input), and posted through ``Client(enforce_csrf_checks=True)``: the write must
happen; the same post without the page's token is a 403 page saying the token is missing,
and writes nothing.
"""

from html.parser import HTMLParser

from django.test import Client
from django.urls import reverse

from chibo.accounts.models import ApiToken, User
from chibo.briefings.models import Conference
from chibo.documents.models import WorkingRegulation
from chibo.lib import csrf
from chibo.meetings.models import Meeting
from chibo.members.models import Person
from chibo.orgs.models import OrgVersion
from chibo.test import PASSWORD, ChiboTestCase, add_member

TEXT_INPUTS = {"", "text", "hidden", "date", "number", "email", "password", "search", "tel", "url"}


class Form:
    def __init__(self, action: str):
        self.action = action
        self.fields: dict[str, list[str]] = {}

    def add(self, name: str, value: str) -> None:
        self.fields.setdefault(name, []).append(value)


class FormReader(HTMLParser):
    """The POST forms of a page with the values a browser would send unchanged."""

    def __init__(self):
        super().__init__()
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: tuple[str, list[str], list[str]] | None = None  # name, selected, all
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._form = Form(a.get("action", ""))
            self.forms.append(self._form)
        if self._form is None or "disabled" in a:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "").lower()
            if kind in TEXT_INPUTS or (kind in {"checkbox", "radio"} and "checked" in a):
                self._form.add(name, a.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "select" and name:
            self._select = (name, [], [])
        elif tag == "option" and self._select is not None:
            self._select[2].append(a.get("value", ""))
            if "selected" in a:
                self._select[1].append(a.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, selected, options = self._select
            for value in selected or options[:1]:
                self._form.add(name, value)
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form.add(self._textarea, self._text.removeprefix("\n"))
            self._textarea = None


def fill(client: Client, url: str, data: dict, field: str) -> tuple[str, dict]:
    """GET ``url``, find the POST form holding ``field``, and return where it posts and what
    a browser would send with ``data`` typed in."""
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    reader = FormReader()
    reader.feed(page.content.decode())
    form = next(f for f in reader.forms if field in f.fields)
    sent = {**form.fields, **{k: [str(v)] for k, v in data.items()}}
    return form.action or url, sent


class PageFormsWithCsrf(ChiboTestCase):
    def browser(self, user=None) -> Client:
        client = Client(enforce_csrf_checks=True)
        if user is not None:
            client.force_login(user)
        return client

    def assert_csrf_protected(self, user, url: str, data: dict, field: str, written) -> None:
        """Without the page's token: 403 naming the missing token, nothing written. With it:
        the write happens (``written()`` turns true)."""
        client = self.browser(user)
        action, sent = fill(client, url, data, field)
        self.assertIn("csrfmiddlewaretoken", sent, f"{url}: the form carries no CSRF token")
        refused = client.post(action, {k: v for k, v in sent.items() if k != "csrfmiddlewaretoken"})
        self.assertEqual(refused.status_code, 403)
        self.assertContains(
            refused, csrf.message("CSRF token missing."), status_code=403, html=False
        )
        self.assertFalse(written(), f"{url}: written without a CSRF token")
        response = client.post(action, sent)
        self.assertIn(response.status_code, {200, 302}, response.content[:2000])
        self.assertTrue(written(), f"{url}: not written with the page's CSRF token")

    def test_members_new_person(self):
        data = {
            "ho": "Võ",
            "ten_dem": "Văn",
            "ten": "Csrf",
            "gender": "M",
            "birth_date": "02/04/1998",
            "registered_by": self.cell_a.pk,
        }
        self.assert_csrf_protected(
            self.secretary,
            reverse("members:new"),
            data,
            "ten",
            lambda: Person.objects.filter(ten="Csrf").exists(),
        )

    def test_meetings_plan(self):
        add_member(self.cell_a, "Lê Văn An")
        data = {
            "cell": self.cell_a.pk,
            "kind": "regular",
            "planned_date": "05/05/2023",
            "planned_time": "14:00",
            "agenda_tasks": "Nhiệm vụ tháng 5",
        }
        self.assert_csrf_protected(
            self.secretary,
            reverse("meetings:plan"),
            data,
            "planned_date",
            lambda: Meeting.objects.filter(cell=self.cell_a).exists(),
        )

    def test_briefings_new_conference(self):
        data = {
            "host": self.district.pk,
            "title": "Trực báo Csrf",
            "date": "24/05/2023",
            "period_start": "01/01/2023",
            "period_end": "23/05/2023",
        }
        self.assert_csrf_protected(
            self.board,
            reverse("briefings:new") + "?as_of=2023-05-24",
            data,
            "period_start",
            lambda: Conference.objects.filter(title="Trực báo Csrf").exists(),
        )

    def test_documents_new_regulation(self):
        data = {
            "cell": self.cell_a.pk,
            "number": "01-QC/CB",
            "title": "Quy chế Csrf",
            "issued_on": "02/08/2021",
        }
        self.assert_csrf_protected(
            self.secretary,
            reverse("documents:regulation_new"),
            data,
            "number",
            lambda: WorkingRegulation.objects.filter(title="Quy chế Csrf").exists(),
        )

    def test_orgs_rename(self):
        url = reverse("orgs:rename", args=[self.cell_a.pk]) + "?as_of=2024-01-01"
        self.assert_csrf_protected(
            self.admin,
            url,
            {"on": "01/01/2024", "name": "Chi bộ Csrf"},
            "name",
            lambda: OrgVersion.objects.filter(name="Chi bộ Csrf").exists(),
        )

    def test_accounts_token_create(self):
        self.assert_csrf_protected(
            self.viewer,
            reverse("accounts:profile"),
            {"name": "Bảng tính Csrf"},
            "name",
            lambda: ApiToken.objects.filter(name="Bảng tính Csrf").exists(),
        )

    def test_accounts_login(self):
        self.assert_csrf_protected(
            None,
            reverse("accounts:login"),
            {"username": "viewer", "password": PASSWORD},
            "username",
            lambda: User.objects.get(pk=self.viewer.pk).last_login is not None,
        )

    def test_a_post_without_the_csrf_cookie_says_the_cookie_is_missing(self):
        client = self.browser(self.secretary)
        response = client.post(reverse("accounts:token_create"), {"name": "x"})
        self.assertContains(
            response, csrf.message("CSRF cookie not set."), status_code=403, html=False
        )
        self.assertFalse(ApiToken.objects.exists())
