"""API parity for adding a working regulation with its file (issue 9): ``POST
/api/v1/regulations/upload`` takes multipart/form-data, validates with the page's
``RegulationForm`` (``check_file``, the zip checks), writes once with ``Idempotency-Key``, and
leaves the JSON operation as it was."""

import io
import json
import os
import shutil
import tempfile
from pathlib import Path

import docx
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.test.client import encode_multipart
from django.urls import reverse

from chibo.api.api import api
from chibo.documents.models import WorkingRegulation
from chibo.lib.tests_uploads import docx_parts, zip_of
from chibo.test import ChiboTestCase

UPLOAD = "/api/v1/regulations/upload"
JSON_URL = "/api/v1/regulations"
FIELDS = {"number": "01-QC/CB", "title": "Quy chế làm việc", "issued_on": "2021-08-02"}


def word_file(text: str = "Quy chế làm việc của Chi bộ Công an xã A, nhiệm kỳ 2020–2025.") -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


class RegulationUploadTests(ChiboTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.word = word_file()

    def setUp(self):
        self.media = Path(tempfile.mkdtemp(prefix="chibo-upload-"))
        self.addCleanup(shutil.rmtree, self.media, ignore_errors=True)
        settings = override_settings(MEDIA_ROOT=str(self.media))
        settings.enable()
        self.addCleanup(settings.disable)

    def stored(self) -> list[Path]:
        return [p for p in self.media.rglob("*") if p.is_file()]

    def upload(self, content=None, name="quy-che.docx", headers=None, **fields):
        data = {"cell": self.cell_a.pk, **FIELDS, **fields}
        if content is not None:
            data["file"] = SimpleUploadedFile(name, content)
        return self.client.post(UPLOAD, data, headers=headers or {})

    def test_role_matrix(self):
        for user, status in ((self.viewer, 403), (self.police_viewer, 403)):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.upload(self.word).status_code, status)
        # Outside the writer's scope: the cell is not among its choices, at the field (the
        # operation names no object, so there is nothing to answer 404 for; as on the page).
        self.login(self.outsider)
        outside = self.upload(self.word)
        self.assertEqual(outside.status_code, 400)
        self.assertIn("cell", outside.json()["errors"])
        self.login(self.secretary)
        for method in ("get", "put", "delete"):
            with self.subTest(method=method):
                self.assertEqual(getattr(self.client, method)(UPLOAD).status_code, 405)
        self.assertFalse(WorkingRegulation.objects.exists())
        self.assertEqual(self.stored(), [])
        made = self.upload(self.word)
        self.assertEqual(made.status_code, 201, made.content)
        self.assertEqual(made.json()["has_file"], True)

    def test_a_real_docx_is_stored_as_sent(self):
        self.login(self.secretary)
        made = self.upload(self.word)
        self.assertEqual(made.status_code, 201, made.content)
        regulation = WorkingRegulation.objects.get(pk=made.json()["id"])
        self.assertEqual(
            (regulation.cell, regulation.number, regulation.file_name),
            (self.cell_a, "01-QC/CB", "quy-che.docx"),
        )
        with regulation.file.open("rb") as stored:
            content = stored.read()
        self.assertEqual(content, self.word)
        self.assertIn("Chi bộ Công an xã A", docx.Document(io.BytesIO(content)).paragraphs[0].text)
        # The board reads it back through the page's download, as any regulation's file.
        self.login(self.board)
        response = self.client.get(reverse("documents:regulation_file", args=[regulation.pk]))
        self.assertEqual(b"".join(response.streaming_content), self.word)

    def test_without_a_file_it_is_the_json_operation(self):
        self.login(self.secretary)
        made = self.upload()
        self.assertEqual(made.status_code, 201, made.content)
        self.assertIs(made.json()["has_file"], False)

    def test_bad_files_are_refused_at_the_field_and_nothing_is_written(self):
        self.login(self.secretary)
        bomb = zip_of(docx_parts(), declare={"word/document.xml": 2 * 1024 * 1024 * 1024})
        cases = [
            (bomb, "quy-che.docx", "Tệp giải nén ra 2.048 MB, quá mức cho phép"),
            (b"PK\x03\x04 broken", "quy-che.docx", "Chỉ nhận tệp PDF hoặc Word"),
            (b"MZ\x90\x00 not a document", "quy-che.docx", "Chỉ nhận tệp PDF hoặc Word"),
            (self.word, "quy-che.exe", "Chỉ nhận tệp PDF hoặc Word"),
        ]
        for content, name, message in cases:
            with self.subTest(name=name, message=message):
                refused = self.upload(content, name)
                self.assertEqual(refused.status_code, 400, refused.content)
                body = refused.json()
                self.assertEqual(body["detail"], "Dữ liệu không hợp lệ.")
                self.assertEqual(list(body["errors"]), ["file"])
                self.assertIn(message, body["errors"]["file"][0])
        self.assertFalse(WorkingRegulation.objects.exists())
        self.assertEqual(self.stored(), [])

    def test_a_file_over_the_limit_is_413_before_it_is_read(self):
        self.login(self.secretary)
        big = self.upload(b"%PDF-" + bytes(11 * 1024 * 1024), "quy-che.pdf")
        self.assertEqual(big.status_code, 413)
        self.assertEqual(big.json()["detail"], "Tệp tải lên quá lớn: tối đa 10 MB.")
        self.assertFalse(WorkingRegulation.objects.exists())

    def test_form_fields_are_checked_by_the_schema_then_the_form(self):
        self.login(self.secretary)
        wrong = self.upload(self.word, cell="x", issued_on="02/08/2021")
        self.assertEqual(wrong.status_code, 400)
        self.assertEqual(set(wrong.json()["errors"]), {"cell", "issued_on"})
        self.assertEqual(wrong.json()["errors"]["cell"], ["Phải là một số nguyên."])
        early = self.upload(self.word, issued_on="2019-01-01")  # the cell did not exist yet
        self.assertIn("không hoạt động", early.json()["errors"]["issued_on"][0])
        missing = self.client.post(UPLOAD, {"cell": self.cell_a.pk})
        self.assertEqual(set(missing.json()["errors"]), {"number", "title", "issued_on"})
        self.assertFalse(WorkingRegulation.objects.exists())
        self.assertEqual(self.stored(), [])

    def test_content_types_json_and_multipart_stay_apart(self):
        self.login(self.secretary)
        payload = {"cell": self.cell_a.pk, **FIELDS}
        as_json = self.client.post(UPLOAD, json.dumps(payload), content_type="application/json")
        self.assertEqual(as_json.status_code, 415)
        self.assertIn("multipart/form-data", as_json.json()["detail"])
        # The JSON operation is unchanged: JSON only (415 for a form), written without a file.
        as_form = self.client.post(JSON_URL, payload)
        self.assertEqual(as_form.status_code, 415)
        self.assertIn("application/json", as_form.json()["detail"])
        self.assertFalse(WorkingRegulation.objects.exists())
        made = self.client.post(JSON_URL, json.dumps(payload), content_type="application/json")
        self.assertEqual(made.status_code, 201, made.content)
        self.assertIs(made.json()["has_file"], False)

    def test_idempotency_key_replays_an_upload(self):
        self.login(self.secretary)
        key = {"Idempotency-Key": "9b2f6a4e-quy-che-01"}
        first = self.upload(self.word, headers=key)
        self.assertEqual(first.status_code, 201, first.content)
        again = self.upload(self.word, headers=key)
        self.assertEqual(again.status_code, 201)
        self.assertEqual(again["Idempotent-Replayed"], "true")
        self.assertEqual(again.json(), first.json())
        self.assertEqual(WorkingRegulation.objects.count(), 1)
        self.assertEqual(len(self.stored()), 1)
        other_file = self.upload(word_file("Quy chế khác."), headers=key)
        self.assertEqual(other_file.status_code, 409)
        self.assertEqual(WorkingRegulation.objects.count(), 1)

    def test_a_retry_with_a_new_boundary_and_a_large_file_replays(self):
        # Clients choose a new boundary per request, and a file may be larger than the
        # 2.5 MB Django reads as a body: the key is judged by the fields and the file itself.
        photo = os.urandom(3 * 1024 * 1024)  # does not compress: a fair ratio
        content = zip_of(docx_parts(**{"word/media/image1.png": photo}))
        self.login(self.secretary)
        key = {"Idempotency-Key": "quy-che-lon"}
        answers = []
        for boundary in ("ranh-gioi-1", "ranh-gioi-2"):
            data = {"cell": self.cell_a.pk, **FIELDS}
            data["file"] = SimpleUploadedFile("quy-che.docx", content)
            answers.append(
                self.client.post(
                    UPLOAD,
                    encode_multipart(boundary, data),
                    content_type=f"multipart/form-data; boundary={boundary}",
                    headers=key,
                )
            )
        self.assertEqual([a.status_code for a in answers], [201, 201], answers[0].content)
        self.assertEqual(answers[1]["Idempotent-Replayed"], "true")
        self.assertEqual(WorkingRegulation.objects.count(), 1)
        with WorkingRegulation.objects.get().file.open("rb") as stored:
            self.assertEqual(stored.read(), content)

    def test_a_broken_multipart_body_is_400(self):
        self.login(self.secretary)
        for headers in ({}, {"Idempotency-Key": "hong"}):
            with self.subTest(headers=headers):
                broken = self.client.post(
                    UPLOAD,
                    b"--x\r\nnot a part",
                    content_type="multipart/form-data",
                    headers=headers,
                )
                self.assertEqual(broken.status_code, 400)
                self.assertIn("multipart/form-data", broken.json()["detail"])
        self.assertFalse(WorkingRegulation.objects.exists())

    def test_openapi_documents_the_multipart_body(self):
        operation = api.get_openapi_schema(path_params={})["paths"][UPLOAD]["post"]
        content = operation["requestBody"]["content"]
        self.assertEqual(list(content), ["multipart/form-data"])
        schema = content["multipart/form-data"]["schema"]
        self.assertEqual(schema["properties"]["file"]["anyOf"][0]["format"], "binary")
        self.assertEqual(set(schema["required"]), {"cell", "number", "title", "issued_on"})
        self.assertIn("multipart/form-data", operation["responses"]["415"]["description"])
        for status in ("400", "403", "405", "409", "413"):
            self.assertIn(status, operation["responses"])
        names = [p["name"] for p in operation["parameters"]]
        self.assertIn("Idempotency-Key", names)
