"""API parity for issuing a conference paper from an edited .docx (issue 9, R-DOC-03):
``POST /api/v1/conferences/{id}/papers/{kind}/upload`` takes multipart/form-data, validates
with the page's ``IssueForm`` (Word only, the zip checks), stamps the allocated number into
the stored bytes as the page does, and leaves the JSON operation as it was."""

import datetime as dt
import io
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from chibo.accounts.models import Role
from chibo.api.api import api
from chibo.briefings.models import IssuedPaper
from chibo.briefings.tests import ConferenceTestCase
from chibo.lib.tests_uploads import docx_parts, zip_of
from chibo.test import make_user

D = dt.date
EDIT = "Hội nghị thống nhất kiện toàn chi ủy trước quý III (bản đã chỉnh sửa)."


def header_lines(content: bytes) -> list[str]:
    cell = Document(io.BytesIO(content)).tables[0].rows[0].cells[0]
    return [p.text for p in cell.paragraphs]


class IssueEditedPaperTests(ConferenceTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # Sees nothing on the conference day: a board grant that ended in 2021.
        cls.former = make_user("former", Role.BOARD, cls.district, valid_to=D(2021, 1, 1))
        cls.url = f"/api/v1/conferences/{cls.conference.pk}/papers/TB/upload"

    def edited_draft(self, number_line: bool = True) -> bytes:
        """The system's draft, revised with python-docx as a user would in Word."""
        self.login(self.board)
        draft = self.client.get(reverse("briefings:draft", args=[self.conference.pk, "TB"]))
        document = Document(io.BytesIO(draft.content))
        document.add_paragraph(EDIT)
        if not number_line:
            document.tables[0].rows[0].cells[0].paragraphs[3].runs[0].text = "Không số"
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()

    def issue(self, content=None, name="tb.docx", url=None, headers=None, **fields):
        data = {"confirm": "true", **fields}
        if content is not None:
            data["edited"] = SimpleUploadedFile(name, content)
        return self.client.post(url or self.url, data, headers=headers or {})

    def test_role_matrix(self):
        edited = self.edited_draft()
        for user, status in (
            (self.viewer, 403),
            (self.committee, 403),  # an invited cell's committee reads, the host issues
            (self.secretary, 403),
            (self.former, 404),
        ):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.issue(edited).status_code, status)
        self.login(self.board)
        self.assertEqual(self.issue(edited, url=self.url.replace("/TB/", "/XX/")).status_code, 400)
        missing = f"/api/v1/conferences/{self.conference.pk + 99}/papers/TB/upload"
        self.assertEqual(self.issue(edited, url=missing).status_code, 404)
        for method in ("get", "put", "delete"):
            with self.subTest(method=method):
                self.assertEqual(getattr(self.client, method)(self.url).status_code, 405)
        self.assertFalse(IssuedPaper.objects.exists())
        made = self.issue(edited)
        self.assertEqual(made.status_code, 201, made.content)
        self.assertEqual((made.json()["kind"], made.json()["number"]), ("TB", "01-TB/HU"))

    def test_the_number_is_stamped_into_the_stored_bytes(self):
        edited = self.edited_draft()
        self.assertNotIn("Số 01-TB/HU", header_lines(edited))
        self.login(self.board)
        made = self.issue(edited)
        self.assertEqual(made.status_code, 201, made.content)
        paper = IssuedPaper.objects.get(pk=made.json()["id"])
        content = bytes(paper.content)
        self.assertTrue(paper.edited)
        self.assertEqual(made.json()["sha256"], IssuedPaper.digest(content))
        self.assertEqual(header_lines(content)[3], "Số 01-TB/HU")
        self.assertEqual(Document(io.BytesIO(content)).paragraphs[-1].text, EDIT)
        # Downloaded later, it is what was issued.
        download = self.client.get(reverse("briefings:paper", args=[paper.pk]))
        self.assertEqual(download.content, content)
        # Issued once: a second issue of the TB is a conflict, nothing written.
        again = self.issue(self.edited_draft())
        self.assertEqual(again.status_code, 409)
        self.assertEqual(IssuedPaper.objects.count(), 1)

    def test_bad_files_are_refused_at_the_field_and_no_number_is_taken(self):
        self.login(self.board)
        bomb = zip_of(docx_parts(), declare={"word/document.xml": 2 * 1024 * 1024 * 1024})
        cases = [
            (bomb, "tb.docx", "Tệp giải nén ra 2.048 MB, quá mức cho phép"),
            (b"PK\x03\x04 broken", "tb.docx", "Chỉ nhận tệp PDF hoặc Word"),
            (b"%PDF-1.4\n", "tb.pdf", "Chỉ nhận tệp Word (.docx)."),
            (self.edited_draft(number_line=False), "tb.docx", "dòng “Số …”"),
        ]
        for content, name, message in cases:
            with self.subTest(name=name, message=message):
                refused = self.issue(content, name)
                self.assertEqual(refused.status_code, 400, refused.content)
                self.assertEqual(list(refused.json()["errors"]), ["edited"])
                self.assertIn(message, refused.json()["errors"]["edited"][0])
        unconfirmed = self.issue(self.edited_draft(), confirm="false")
        self.assertEqual(list(unconfirmed.json()["errors"]), ["confirm"])
        self.assertFalse(IssuedPaper.objects.exists())
        # No number was used up by the refusals: the first issue still takes 01.
        self.assertEqual(self.issue(self.edited_draft()).json()["number"], "01-TB/HU")

    def test_without_a_file_the_generated_paper_is_issued(self):
        self.login(self.board)
        made = self.issue(url=self.url.replace("/TB/", "/BC/"))
        self.assertEqual(made.status_code, 201, made.content)
        self.assertFalse(IssuedPaper.objects.get().edited)

    def test_the_json_operation_is_unchanged(self):
        self.login(self.board)
        json_url = self.url.removesuffix("/upload")
        as_form = self.client.post(json_url, {"confirm": "true"})
        self.assertEqual(as_form.status_code, 415)
        as_json = self.client.post(
            self.url, json.dumps({"confirm": True}), content_type="application/json"
        )
        self.assertEqual(as_json.status_code, 415)
        self.assertIn("multipart/form-data", as_json.json()["detail"])
        self.assertFalse(IssuedPaper.objects.exists())
        made = self.client.post(
            json_url, json.dumps({"confirm": True}), content_type="application/json"
        )
        self.assertEqual(made.status_code, 201, made.content)
        self.assertFalse(IssuedPaper.objects.get().edited)

    def test_idempotency_key_replays_an_upload(self):
        edited = self.edited_draft()
        key = {"Idempotency-Key": "ban-hanh-tb-01"}
        first = self.issue(edited, headers=key)
        self.assertEqual(first.status_code, 201, first.content)
        again = self.issue(edited, headers=key)
        self.assertEqual((again.status_code, again["Idempotent-Replayed"]), (201, "true"))
        self.assertEqual(again.json(), first.json())
        self.assertEqual(IssuedPaper.objects.count(), 1)
        other = self.issue(self.edited_draft(number_line=False), headers=key)
        self.assertEqual(other.status_code, 409)

    def test_openapi_documents_the_multipart_body(self):
        path = "/api/v1/conferences/{conference_id}/papers/{kind}/upload"
        operation = api.get_openapi_schema(path_params={})["paths"][path]["post"]
        schema = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
        self.assertEqual(schema["properties"]["edited"]["anyOf"][0]["format"], "binary")
        self.assertEqual(schema["required"], ["confirm"])
        self.assertIn("multipart/form-data", operation["responses"]["415"]["description"])
        self.assertIn("Idempotency-Key", [p["name"] for p in operation["parameters"]])
        kind = next(p for p in operation["parameters"] if p["name"] == "kind")
        self.assertEqual(kind["schema"]["enum"], ["BC", "TB"])
