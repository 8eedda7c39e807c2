"""API authentication as a real client meets it (issue 9): every client here enforces CSRF
as a browser-facing server does. A bearer token writes without a cookie or CSRF token; a bad
token is 401 and never falls back to the session; a session write needs its CSRF token and a
refusal says which part is missing; anonymous requests are 401; a read-only role is a 403
that says so; ``last_used_at`` is written at most once a minute."""

import datetime as dt
import json

from axes.utils import reset as axes_reset
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chibo.accounts.models import ApiToken, User
from chibo.api.api import BAD_TOKEN, STATUS_TEXT
from chibo.lib import csrf
from chibo.members.models import Person
from chibo.test import ChiboTestCase

PEOPLE = "/api/v1/people"


class AuthTests(ChiboTestCase):
    def person(self, ten: str) -> dict:
        return {
            "ho": "Võ",
            "ten_dem": "Văn",
            "ten": ten,
            "gender": "M",
            "registered_by": self.cell_a.pk,
        }

    def bearer(self, key: str) -> Client:
        return Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {key}"})

    def post(self, client: Client, payload, **headers):
        body = json.dumps(payload)
        return client.post(PEOPLE, body, content_type="application/json", headers=headers)

    def session(self, user) -> Client:
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        return client

    def test_bearer_writes_with_csrf_enforced_and_no_cookie(self):
        _, key = ApiToken.issue(user=self.secretary, name="script")
        client = self.bearer(key)
        response = self.post(client, self.person("Token"))
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(client.cookies.get("sessionid"), None)
        self.assertTrue(Person.objects.filter(ten="Token").exists())
        person = response.json()["id"]
        self.assertEqual(client.get(f"{PEOPLE}/{person}").json()["full_name"], "Võ Văn Token")

    def test_bearer_of_a_read_only_role_is_403_for_the_role_not_csrf(self):
        _, key = ApiToken.issue(user=self.viewer, name="chỉ xem")
        client = self.bearer(key)
        self.assertEqual(client.get("/api/v1/members").status_code, 200)
        response = self.post(client, self.person("Viewer"))
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json(), {"detail": STATUS_TEXT[403]})
        self.assertFalse(Person.objects.filter(ten="Viewer").exists())

    def test_bad_or_revoked_token_is_401_without_falling_back_to_the_session(self):
        token, key = ApiToken.issue(user=self.secretary, name="cũ")
        token.revoked_at = timezone.now()
        token.save()
        for header in ("Bearer chibo_wrong", f"Bearer {key}", "Bearer", "bearer  "):
            with self.subTest(header=header):
                # Eight refusals from one address would lock it (429, accounts/tests_lockout.py).
                axes_reset()
                # A valid session of a writer is present and must not be used.
                client = self.session(self.secretary)
                client.defaults["HTTP_AUTHORIZATION"] = header
                for response in (
                    client.get("/api/v1/members"),
                    self.post(client, self.person("X")),
                ):
                    self.assertEqual(response.status_code, 401)
                    self.assertEqual(response.json(), {"detail": BAD_TOKEN})
                    self.assertIn("invalid_token", response["WWW-Authenticate"])
        self.assertFalse(Person.objects.filter(ten="X").exists())

    def test_another_authorization_scheme_is_left_to_the_session(self):
        # A proxy in front with Basic authentication passes its header through.
        client = self.session(self.viewer)
        client.defaults["HTTP_AUTHORIZATION"] = "Basic dXNlcjpwYXNz"
        self.assertEqual(client.get("/api/v1/members").status_code, 200)

    def test_anonymous_reads_and_writes_are_401_json(self):
        client = Client(enforce_csrf_checks=True)
        for response in (
            client.get("/api/v1/members"),
            client.get(f"{PEOPLE}/1"),
            self.post(client, self.person("Anon")),
        ):
            self.assertEqual(response.status_code, 401)
            self.assertEqual(response["Content-Type"], "application/json; charset=utf-8")
            self.assertEqual(response.json(), {"detail": STATUS_TEXT[401]})
            self.assertEqual(response["WWW-Authenticate"], "Bearer")
        self.assertFalse(Person.objects.filter(ten="Anon").exists())

    def test_session_write_without_csrf_cookie_or_token_is_403_saying_what_is_missing(self):
        client = self.session(self.secretary)
        no_cookie = self.post(client, self.person("Csrf"))
        self.assertEqual(no_cookie.status_code, 403)
        self.assertEqual(no_cookie.json(), {"detail": csrf.message("CSRF cookie not set.")})
        self.assertIn("Thiếu cookie CSRF", no_cookie.json()["detail"])
        client.get("/members/")  # a page sets the CSRF cookie, as in a browser
        token = client.cookies["csrftoken"].value
        no_token = self.post(client, self.person("Csrf"))
        self.assertEqual(no_token.status_code, 403)
        self.assertIn("Thiếu mã CSRF", no_token.json()["detail"])
        wrong = self.post(client, self.person("Csrf"), X_CSRFToken="x" * 32)
        self.assertEqual(wrong.status_code, 403)
        self.assertIn("Mã CSRF không đúng", wrong.json()["detail"])
        self.assertFalse(Person.objects.filter(ten="Csrf").exists())
        ok = self.post(client, self.person("Csrf"), X_CSRFToken=token)
        self.assertEqual(ok.status_code, 201, ok.content)
        self.assertTrue(Person.objects.filter(ten="Csrf").exists())

    def test_session_reads_need_no_csrf_token(self):
        client = self.session(self.viewer)
        self.assertEqual(client.get("/api/v1/members").status_code, 200)

    def test_session_write_of_a_read_only_role_with_csrf_is_the_role_403(self):
        client = self.session(self.viewer)
        client.get("/members/")
        token = client.cookies["csrftoken"].value
        response = self.post(client, self.person("V"), X_CSRFToken=token)
        self.assertEqual(response.status_code, 403)
        self.assertEqual(response.json(), {"detail": STATUS_TEXT[403]})

    def test_a_deactivated_users_token_is_refused(self):
        """An account turned off loses its tokens with its password: 401, also when the
        write carries an Idempotency-Key (the key store asks the same question)."""
        _, key = ApiToken.issue(user=self.secretary, name="script")
        User.objects.filter(pk=self.secretary.pk).update(is_active=False)
        client = self.bearer(key)
        self.assertEqual(client.get("/api/v1/members").status_code, 401)
        response = client.post(
            "/api/v1/people",
            self.person("Y"),
            content_type="application/json",
            headers={"Idempotency-Key": "k-1"},
        )
        self.assertEqual(response.status_code, 401)
        self.assertFalse(Person.objects.filter(ten="Y").exists())

    def test_last_used_at_is_written_at_most_once_a_minute(self):
        token, key = ApiToken.issue(user=self.viewer, name="đọc")
        client = self.bearer(key)

        def updates() -> int:
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(client.get("/api/v1/members").status_code, 200)
            return sum(
                1
                for q in queries.captured_queries
                if q["sql"].startswith("UPDATE") and "accounts_apitoken" in q["sql"]
            )

        self.assertEqual(updates(), 1)
        token.refresh_from_db()
        first = token.last_used_at
        self.assertIsNotNone(first)
        self.assertEqual(updates(), 0)  # a read within the minute writes nothing
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - dt.timedelta(seconds=59))
        self.assertEqual(updates(), 0)
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - dt.timedelta(seconds=61))
        self.assertEqual(updates(), 1)
        token.refresh_from_db()
        self.assertGreaterEqual(token.last_used_at, first)


class ApiPageTests(ChiboTestCase):
    def test_the_api_page_explains_both_ways_and_the_errors(self):
        self.login(self.viewer)
        response = self.client.get("/api/")
        for text in (
            "Authorization: Bearer &lt;mã&gt;",
            "X-CSRFToken",
            "<td>413</td>",
            "<td>415</td>",
        ):
            self.assertContains(response, text)
