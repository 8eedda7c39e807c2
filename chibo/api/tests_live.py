"""The API over a real socket, as a script uses it (issue 9): no cookie, no CSRF token, only
``Authorization: Bearer``; the test client skips what a server does, so this goes through
Django's live server with urllib."""

import json
import urllib.error
import urllib.request

from django.test import LiveServerTestCase, override_settings

from chibo.accounts.models import ApiToken, Role
from chibo.browser import _restore_shipped_data
from chibo.members.models import Person
from chibo.test import build_tree, make_user


class TokenOverHttpTests(LiveServerTestCase):
    def setUp(self):
        super().setUp()
        _restore_shipped_data()  # the flush after a live-server test empties them
        build_tree(self)
        secretary = make_user("secretary", Role.SECRETARY, self.cell_a)
        _, self.key = ApiToken.issue(user=secretary, name="script")

    def call(self, method: str, path: str, body: bytes | None = None, **headers):
        """(status, parsed JSON body, headers) over HTTP; urllib keeps no cookies here."""
        request = urllib.request.Request(
            self.live_server_url + path, data=body, method=method, headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=20) as response:
                return response.status, json.loads(response.read()), response.headers
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read()), error.headers

    def write(self, payload: dict, **headers):
        body = json.dumps(payload).encode()
        return self.call("POST", "/api/v1/people", body, **headers)

    def person(self, ten: str) -> dict:
        return {
            "ho": "Võ",
            "ten_dem": "Văn",
            "ten": ten,
            "gender": "M",
            "registered_by": self.cell_a.pk,
        }

    def test_a_token_writes_and_reads_back_without_a_cookie(self):
        bearer = {"Authorization": f"Bearer {self.key}", "Content-Type": "application/json"}
        status, created, headers = self.write(self.person("Http"), **bearer)
        self.assertEqual(status, 201, created)
        self.assertNotIn("sessionid", headers.get("Set-Cookie", ""))
        status, read, _ = self.call("GET", f"/api/v1/people/{created['id']}", **bearer)
        self.assertEqual(status, 200, read)
        self.assertEqual(read["full_name"], "Võ Văn Http")
        self.assertEqual(Person.objects.filter(ten="Http").count(), 1)

    def test_refusals_over_http(self):
        json_type = {"Content-Type": "application/json"}
        status, body, headers = self.write(self.person("Anon"), **json_type)
        self.assertEqual((status, headers["WWW-Authenticate"]), (401, "Bearer"), body)
        status, body, _ = self.write(
            self.person("Bad"), Authorization="Bearer chibo_wrong", **json_type
        )
        self.assertEqual(status, 401, body)
        status, body, _ = self.write(
            self.person("Text"),
            Authorization=f"Bearer {self.key}",
            **{"Content-Type": "text/plain"},
        )
        self.assertEqual(status, 415, body)
        self.assertFalse(Person.objects.exists())

    @override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=2000)
    def test_a_body_over_the_limit_is_413_over_http(self):
        status, body, _ = self.write(
            self.person("x" * 5000),
            Authorization=f"Bearer {self.key}",
            **{"Content-Type": "application/json"},
        )
        self.assertEqual(status, 413, body)
        self.assertIn("quá lớn", body["detail"])
        self.assertFalse(Person.objects.exists())
