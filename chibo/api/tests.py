"""The API's schema is its contract (issue 9): typed request bodies derived from the pages'
forms, wrong JSON types refused at the field in Vietnamese, every error answer documented in
one shape, and the API page listing every operation of the schema."""

import json

from django.test import Client

from chibo.api.openapi import ERRORS, WRITE_ONLY
from chibo.members import forms as member_forms
from chibo.members import operations as ops
from chibo.members.models import Person, Position, Transfer
from chibo.test import ChiboTestCase, add_member

SCHEMA = "/api/v1/openapi.json"
DATE = "Phải là một ngày dạng yyyy-mm-dd."
TEXT = "Phải là một chuỗi."
INTEGER = "Phải là một số nguyên."
REQUIRED = "Trường này là bắt buộc."


class SchemaTests(ChiboTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.schema = Client().get(SCHEMA).json()

    def component(self, operation: dict) -> dict:
        content = operation["requestBody"]["content"]
        # A JSON body names its component; an upload's multipart body is written inline.
        schema = (content.get("application/json") or content["multipart/form-data"])["schema"]
        if "$ref" not in schema:
            return schema
        return self.schema["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]

    def operations(self):
        for path, item in self.schema["paths"].items():
            for method, operation in item.items():
                yield path, method, operation

    def test_person_body_is_typed_from_the_form(self):
        body = self.component(self.schema["paths"]["/api/v1/people"]["post"])
        props = body["properties"]
        self.assertEqual(set(body["required"]), {"ten", "gender", "registered_by"})
        self.assertIs(body["additionalProperties"], False)
        self.assertEqual(props["ten"], {"maxLength": 50, "title": "Tên", "type": "string"})
        self.assertEqual(props["gender"]["enum"], ["M", "F"])
        self.assertEqual(props["registered_by"]["type"], "integer")
        self.assertIn({"format": "date", "type": "string"}, props["birth_date"]["anyOf"])
        # One source of truth: every field the page's form declares is in the schema.
        self.assertEqual(set(props), set(member_forms.NewPersonForm.base_fields))

    def test_every_body_field_has_a_single_json_type(self):
        for path, method, operation in self.operations():
            if "requestBody" not in operation:
                continue
            for name, spec in self.component(operation)["properties"].items():
                with self.subTest(path=path, method=method, field=name):
                    types = {s.get("type") for s in spec.get("anyOf", [spec])} - {"null"}
                    self.assertEqual(len(types), 1, spec)

    def test_every_error_answer_is_documented_in_one_shape(self):
        error = self.schema["components"]["schemas"]["Error"]
        self.assertEqual(error["required"], ["detail"])
        for path, method, operation in self.operations():
            write = method != "get"
            with self.subTest(path=path, method=method):
                expected = {str(s) for s in ERRORS if write or s not in WRITE_ONLY}
                self.assertLessEqual(expected, set(operation["responses"]))
                if not write:
                    self.assertNotIn("409", operation["responses"])
                for status in expected:
                    content = operation["responses"][status]["content"]["application/json"]
                    self.assertEqual(content["schema"], {"$ref": "#/components/schemas/Error"})
                headers = {
                    p["name"] for p in operation.get("parameters", []) if p["in"] == "header"
                }
                self.assertEqual("Idempotency-Key" in headers, write)

    def test_api_page_lists_every_operation(self):
        self.login(self.viewer)
        html = self.client.get("/api/").content.decode()
        for path, method, _operation in self.operations():
            with self.subTest(path=path, method=method):
                self.assertIn(f"<code>{method.upper()} {path}", html)


class WrongTypeTests(ChiboTestCase):
    """Issue 9: a JSON true/false in a date gave 500; ``{"ethnicity": true}`` was stored."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.member = add_member(cls.cell_a, "Nguyễn Văn Hòa")
        cls.person = ops.add_person(
            data=ops.PersonData(ho="Lê", ten_dem="Văn", ten="Mới", gender="M"),
            registered_by=cls.cell_a,
            by=None,
        )

    def post(self, url, payload, method="post"):
        return getattr(self.client, method)(
            url, json.dumps(payload), content_type="application/json"
        )

    def setUp(self):
        self.login(self.secretary)

    def assert_field_error(self, response, field, message):
        self.assertEqual(response.status_code, 400, response.content)
        self.assertEqual(response.json()["errors"][field], [message])

    def test_booleans_in_dates_are_400_at_the_field(self):
        person = {"ten": "Mới", "gender": "M", "registered_by": self.cell_a.pk}
        cases = [
            ("/api/v1/people", {**person, "birth_date": True}, "birth_date"),
            (
                f"/api/v1/people/{self.person.pk}/admit",
                {"cell": self.cell_a.pk, "decision_date": False, "ceremony_date": "2022-09-02"},
                "decision_date",
            ),
            (f"/api/v1/people/{self.member.pk}/recognize", {"decided_on": True}, "decided_on"),
            (
                f"/api/v1/people/{self.member.pk}/transfer",
                {"kind": "official", "on": True, "to_cell": self.cell_b.pk},
                "on",
            ),
            (
                "/api/v1/positions",
                {"person": self.member.pk, "organization": self.cell_a.pk, "role": "deputy"}
                | {"on": False},
                "on",
            ),
        ]
        for url, payload, field in cases:
            with self.subTest(url=url):
                self.assert_field_error(self.post(url, payload), field, DATE)
        self.assertFalse(Transfer.objects.exists())
        self.assertFalse(Position.objects.exists())
        self.assertEqual(Person.objects.count(), 2)

    def test_no_boolean_or_number_stored_as_text(self):
        payload = {"ten": "Mới", "gender": "M", "registered_by": self.cell_a.pk}
        response = self.post("/api/v1/people", {**payload, "ethnicity": True})
        self.assert_field_error(response, "ethnicity", TEXT)
        response = self.post("/api/v1/people", {**payload, "ho": 12})
        self.assert_field_error(response, "ho", TEXT)
        response = self.post("/api/v1/people", {**payload, "registered_by": str(self.cell_a.pk)})
        self.assert_field_error(response, "registered_by", INTEGER)
        response = self.post("/api/v1/people", {**payload, "rank": True})
        self.assert_field_error(response, "rank", INTEGER)
        self.assertFalse(Person.objects.filter(ethnicity="True").exists())
        self.assertEqual(Person.objects.count(), 2)

    def test_required_max_length_enum_unknown(self):
        response = self.post("/api/v1/people", {"gender": "X", "ten": "A" * 51, "zzz": 1})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.json()["errors"],
            {
                "gender": ["Phải là một trong: 'M' or 'F'."],
                "ten": ["Tối đa 50 ký tự."],
                "registered_by": [REQUIRED],
                "zzz": ["Trường này không có trong yêu cầu."],
            },
        )

    def test_body_not_an_object_and_bad_query(self):
        response = self.post("/api/v1/people", [1, 2])
        self.assertEqual(response.status_code, 400)
        self.assertEqual(set(response.json()["errors"]), {"__all__"})
        response = self.client.get("/api/v1/members", {"limit": "abc"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["errors"], {"limit": [INTEGER]})

    def test_huge_or_zero_ids_are_400_not_500(self):
        for url in ("/api/v1/people/99999999999999999999", "/api/v1/people/0"):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 400)
        response = self.post("/api/v1/positions", {"person": 2**64, "role": "x"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("person", response.json()["errors"])

    def test_cccd_warnings_are_listed_then_confirmed(self):
        """The form's own warnings (digit 4 says Nữ, the record says Nam) come back as a list."""
        payload = {
            "ten": "Mới",
            "gender": "M",
            "birth_date": "1990-04-02",
            "cccd": "049190000123",
            "registered_by": self.cell_a.pk,
        }
        response = self.post("/api/v1/people", payload)
        self.assertEqual(response.status_code, 400)
        warnings = response.json()["warnings"]
        self.assertEqual(len(warnings), 1)
        self.assertEqual(warnings[0]["code"], "cccd_gender")
        self.assertIn("Chữ số thứ 4 của số CCCD ứng với giới tính Nữ", warnings[0]["message"])
        self.assertFalse(Person.objects.filter(cccd="049190000123").exists())
        response = self.post("/api/v1/people", {**payload, "confirm_warnings": True})
        self.assertEqual(response.status_code, 201, response.content)
        self.assertTrue(Person.objects.filter(cccd="049190000123").exists())
