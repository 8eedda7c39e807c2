"""Bad input at the transport level is a 4xx in Vietnamese, never a 500 and never a write
(issue 9): bodies over the limit (413, JSON for the API and a page for pages), API writes
that are not JSON (415) or not UTF-8 (400), NUL characters and lone surrogates (400 at the
field, pages included), over-long strings (400 at the field)."""

import datetime as dt
import json
from unittest import skipUnless

from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from chibo.accounts.models import ApiToken
from chibo.api import transport
from chibo.meetings import tests as meetings_tests
from chibo.meetings.models import Evaluation, rubric_for
from chibo.meetings.operations import plan
from chibo.members.models import Person
from chibo.test import ChiboTestCase

PEOPLE = "/api/v1/people"
STRING = "Phải là một chuỗi."


class ApiTransportTests(ChiboTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        _, cls.key = ApiToken.issue(user=cls.secretary, name="script")

    def setUp(self):
        self.api = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {self.key}"})
        self.before = Person.objects.count()

    def person(self, **extra) -> dict:
        return {
            "ho": "Võ",
            "ten_dem": "Văn",
            "ten": "Mới",
            "gender": "M",
            "registered_by": self.cell_a.pk,
            **extra,
        }

    def send(self, body: bytes | str, content_type: str = "application/json", url: str = PEOPLE):
        return self.api.post(url, body, content_type=content_type)

    def assert_refused(self, response, status: int, detail_part: str, errors: dict | None = None):
        self.assertEqual(response.status_code, status, response.content)
        self.assertEqual(response["Content-Type"], "application/json; charset=utf-8")
        body = response.json()
        self.assertIn(detail_part, body["detail"])
        self.assertLessEqual(set(body), {"detail", "errors"})
        if errors is not None:
            self.assertEqual(body["errors"], errors)
        self.assertEqual(Person.objects.count(), self.before, "nothing may be written")

    def test_a_json_write_still_works(self):
        response = self.send(json.dumps(self.person()), "application/json; charset=utf-8")
        self.assertEqual(response.status_code, 201, response.content)

    def test_body_over_the_limit_is_413_json(self):
        body = json.dumps(self.person(ghi_chu="x" * 3_000_000))
        self.assert_refused(self.send(body), 413, "tối đa 2,5 MB")

    @override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
    def test_the_limit_follows_the_setting(self):
        body = json.dumps(self.person(ho="V" * 1200))
        self.assert_refused(self.send(body), 413, "quá lớn")

    def test_non_json_content_types_are_415(self):
        body = json.dumps(self.person())
        for content_type in (
            "text/plain",
            "application/xml",
            "",
            "application/x-www-form-urlencoded",
        ):
            with self.subTest(content_type=content_type):
                self.assert_refused(self.send(body, content_type), 415, "Content-Type")
        xml = "<person><ten>Mới</ten></person>"
        self.assert_refused(self.send(xml, "application/xml"), 415, "application/xml")

    def test_a_charset_other_than_utf8_is_415(self):
        body = json.dumps(self.person(), ensure_ascii=False)  # the client encodes it in UTF-16
        self.assert_refused(self.send(body, "application/json; charset=utf-16"), 415, "UTF-8")

    def test_utf16_or_latin1_bytes_are_400(self):
        text = json.dumps(self.person(ten="Mới"), ensure_ascii=False)
        for body in (
            text.encode("utf-16"),
            text.encode("utf-16-le"),
            text.encode("utf-32"),
            '{"ho": "Võ"}'.encode("latin-1"),
        ):
            with self.subTest(body=body[:12]):
                self.assert_refused(self.send(body), 400, "không phải văn bản UTF-8")

    def test_not_json_is_400_with_the_place(self):
        self.assert_refused(self.send('{"ho": "Võ",\n "ten": }'), 400, "dòng 2, cột 9")
        self.assert_refused(self.send('{"ho": NaN}'), 400, "không phải JSON hợp lệ")
        self.assert_refused(self.send("[" * 100_000), 400, "JSON")

    def test_nul_and_lone_surrogates_are_400_at_the_field(self):
        # Written as JSON escapes, as a careless client would send them.
        body = '{"ho": "V\\u0000o", "ten_dem": "\\ud800", "ten": "M\\udfffi", "gender": "M"}'
        self.assert_refused(
            self.send(body),
            400,
            "Dữ liệu không hợp lệ",
            {"ho": [transport.NUL], "ten_dem": [transport.SURROGATE], "ten": [transport.SURROGATE]},
        )

    def test_bad_characters_in_keys_and_nested_values(self):
        meeting = plan(cell=self.cell_a, kind="regular", planned_date=dt.date(2023, 5, 5), by=None)
        body = '{"marks": {"1": {"status": "present", "reason": "\\u0000"}}, "\\ud83d": 1}'
        response = self.send(body, url=f"/api/v1/meetings/{meeting.pk}/attendance")
        self.assert_refused(
            response,
            400,
            "Dữ liệu không hợp lệ",
            {"marks.1.reason": [transport.NUL], "\\ud83d": [transport.SURROGATE]},
        )

    def test_over_long_strings_are_400_at_the_field(self):
        response = self.send(json.dumps(self.person(ho="V" * 5000)))
        self.assert_refused(response, 400, "Dữ liệu không hợp lệ")
        self.assertEqual(list(response.json()["errors"]), ["ho"])
        self.assertIn("tối đa", response.json()["errors"]["ho"][0].lower())

    def test_wrong_types_name_the_field_in_vietnamese(self):
        response = self.send(json.dumps(self.person(ten=["a"], ho={"x": 1})))
        self.assert_refused(
            response,
            400,
            "Dữ liệu không hợp lệ",
            # The schema types names as strings (chibo.lib.apiforms.schema_of).
            {"ten": [STRING], "ho": [STRING]},
        )
        self.assert_refused(self.send("[1, 2]"), 400, "phải là một đối tượng JSON")

    def test_schema_errors_are_vietnamese_at_the_field(self):
        meeting = plan(cell=self.cell_a, kind="regular", planned_date=dt.date(2023, 5, 5), by=None)
        url = f"/api/v1/meetings/{meeting.pk}"
        self.assert_refused(
            self.send("{}", url=f"{url}/confirm"),
            400,
            "Dữ liệu không hợp lệ",
            {"level": ["Trường này là bắt buộc."]},
        )
        self.assert_refused(
            self.send('{"side": "self", "points": {"abc": 1}}', url=f"{url}/evaluations"),
            400,
            "Dữ liệu không hợp lệ",
            {"points.abc": ["Phải là một số nguyên."]},
        )

    def test_an_unknown_api_path_is_404_json(self):
        response = self.api.get("/api/v1/khong-co")
        self.assertEqual(response.status_code, 404)
        self.assertIn("không tồn tại", response.json()["detail"])

    def test_a_wrong_method_stays_405_whatever_the_body(self):
        response = self.api.delete(PEOPLE, "<x/>", content_type="application/xml")
        self.assertEqual(response.status_code, 405)

    def test_a_bad_content_length_is_400(self):
        response = self.api.post(
            PEOPLE, "{}", content_type="application/json", CONTENT_LENGTH="12abc"
        )
        self.assert_refused(response, 400, "Content-Length")


class PageTransportTests(ChiboTestCase):
    def setUp(self):
        self.login(self.secretary)

    def new_person(self, **extra):
        data = {
            "ho": "Võ",
            "ten_dem": "Văn",
            "ten": "Tân",
            "gender": "M",
            "birth_date": "02/04/1998",
            "registered_by": self.cell_a.pk,
            **extra,
        }
        return self.client.post(reverse("members:new"), data)

    def test_nul_in_a_page_form_is_a_vietnamese_field_error(self):
        response = self.new_person(ten="T\x00n")
        self.assertContains(response, "Không được chứa ký tự NUL", status_code=400)
        self.assertNotContains(response, "Null characters", status_code=400)
        self.assertFalse(Person.objects.filter(ho="Võ").exists())

    def test_urlencoded_body_over_the_limit_is_a_413_page(self):
        response = self.client.post(
            reverse("members:new"),
            "ten=" + "x" * 3_000_000,
            content_type="application/x-www-form-urlencoded",
        )
        self.assertContains(response, "Nội dung gửi lên quá lớn", status_code=413)
        self.assertTrue(response["Content-Type"].startswith("text/html"))

    def test_multipart_fields_over_the_limit_are_a_413_page(self):
        # Multipart is measured by Django's parser (files excluded), with CSRF enforced so the
        # middleware is the first to read the body, as in production.
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.secretary)
        client.get(reverse("members:new"))  # the CSRF cookie, so the check reads the body
        response = client.post(reverse("members:new"), {"ten": "x" * 3_000_000})
        self.assertContains(response, "Nội dung gửi lên quá lớn", status_code=413)
        self.assertFalse(Person.objects.exists())

    def test_over_long_text_in_a_page_form_is_a_field_error(self):
        response = self.new_person(ten="T" * 500)
        self.assertEqual(response.status_code, 400)
        self.assertIn("ten", response.context["form"].errors)
        self.assertFalse(Person.objects.filter(ho="Võ").exists())


@skipUnless(connection.vendor == "postgresql", "SQLite does not enforce a column's length")
class ColumnLengthTests(meetings_tests.MeetingTestCase):
    """A string longer than its column is a 400 at the field and no write, not a 500 (the
    DataError PostgreSQL raises; the typed schema now stops it first)."""

    def test_a_score_note_longer_than_its_column(self):
        meeting = self.meeting()
        rubric = rubric_for(self.cell_a, meeting.date)
        points = {str(c.pk): c.max_points for c in rubric.criteria.all()}
        self.login(self.secretary)
        response = self.client.post(
            f"/api/v1/meetings/{meeting.pk}/evaluations",
            json.dumps({"side": "self", "points": points, "note": "x" * 5000}),
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 400, response.content)
        self.assertIn("note", response.json()["errors"])
        self.assertFalse(Evaluation.objects.filter(meeting=meeting).exists())
