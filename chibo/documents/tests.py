"""Working regulations: in force on a date (F-7), replacement, file checks, download access."""

import datetime as dt
import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from chibo.documents import operations
from chibo.documents.models import WorkingRegulation
from chibo.test import ChiboTestCase

D = dt.date
NEW = reverse("documents:regulation_new")


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@override_settings(MEDIA_ROOT="/tmp/chibo-test-media")
class RegulationTests(ChiboTestCase):
    def post(self, **extra):
        data = {
            "cell": self.cell_a.pk,
            "number": "01-QC/CB",
            "title": "Quy chế làm việc",
            "issued_on": "02/08/2021",
            **extra,
        }
        return self.client.post(NEW, data)

    def test_in_force_is_derived_from_dates_and_replacement(self):
        old = operations.add_regulation(
            cell=self.cell_a, number="01-QC/CB", title="Cũ", issued_on=D(2021, 8, 2), by=None
        )
        new = operations.add_regulation(
            cell=self.cell_a,
            number="02-QC/CB",
            title="Mới",
            issued_on=D(2024, 1, 5),
            replaces=old,
            by=None,
        )
        self.assertEqual(list(WorkingRegulation.objects.in_force_on(D(2021, 8, 1))), [])
        self.assertEqual(list(WorkingRegulation.objects.in_force_on(D(2024, 1, 4))), [old])
        self.assertEqual(list(WorkingRegulation.objects.in_force_on(D(2024, 1, 5))), [new])

    def test_add_with_a_real_pdf_and_download(self):
        self.login(self.secretary)
        pdf = SimpleUploadedFile("quy-che.pdf", b"%PDF-1.4\n%...\n", content_type="application/pdf")
        self.assertEqual(self.post(file=pdf).status_code, 302)
        regulation = WorkingRegulation.objects.get()
        self.assertEqual(regulation.file_name, "quy-che.pdf")
        url = reverse("documents:regulation_file", args=[regulation.pk])
        self.assert_statuses(
            "get", url, {self.viewer: 200, self.committee: 200, self.outsider: 404}
        )
        self.login(self.viewer)
        response = self.client.get(url)
        self.assertEqual(b"".join(response.streaming_content), b"%PDF-1.4\n%...\n")

    def test_docx_accepted_when_it_is_a_word_file(self):
        self.login(self.secretary)
        good = SimpleUploadedFile("qc.docx", docx_bytes())
        self.assertEqual(self.post(file=good).status_code, 302)

    def test_files_checked_by_content_and_size(self):
        self.login(self.secretary)
        fake_pdf = SimpleUploadedFile("qc.pdf", b"MZ\x90\x00 not a pdf")
        fake_docx = SimpleUploadedFile("qc.docx", b"PK\x03\x04 broken zip")
        exe = SimpleUploadedFile("qc.exe", b"%PDF-1.4")
        for upload in (fake_pdf, fake_docx, exe):
            with self.subTest(name=upload.name):
                self.assertContains(
                    self.post(file=upload), "Chỉ nhận tệp PDF hoặc Word", status_code=400
                )
        # The body is refused before it is read (chibo.lib.uploads.BodySizeLimitMiddleware).
        big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024))
        self.assertContains(self.post(file=big), "quá lớn: tối đa 10 MB", status_code=413)
        self.assertFalse(WorkingRegulation.objects.exists())

    def test_bad_dates_and_scope(self):
        self.login(self.secretary)
        self.assertContains(self.post(issued_on="31/02/2023"), "dd/mm/yyyy", status_code=400)
        self.assertContains(self.post(issued_on="01/01/2019"), "không hoạt động", status_code=400)
        self.assertContains(self.post(cell=self.cell_b.pk), "lựa chọn hợp lệ", status_code=400)
        self.assertFalse(WorkingRegulation.objects.exists())

    def test_list_shows_cells_without_a_regulation(self):
        operations.add_regulation(
            cell=self.cell_a, number="01-QC/CB", title="A", issued_on=D(2021, 8, 2), by=None
        )
        self.login(self.board)
        response = self.client.get(reverse("documents:regulations"), {"as_of": "2023-05-24"})
        self.assertContains(response, "Còn hiệu lực")
        self.assertContains(
            response, '<span title="F-7">Chưa có quy chế còn hiệu lực</span>: Chi bộ Công an xã B'
        )


@override_settings(MEDIA_ROOT="/tmp/chibo-test-media")
class ZipBombUploadTests(ChiboTestCase):
    """Issue 10: a .docx that unpacks to far more than it weighs is refused at the field, in
    Vietnamese, before anything reads it; nothing is saved."""

    def post(self, content: bytes):
        self.login(self.secretary)
        data = {
            "cell": self.cell_a.pk,
            "number": "01-QC/CB",
            "title": "Quy chế làm việc",
            "issued_on": "02/08/2021",
            "file": SimpleUploadedFile("qc.docx", content),
        }
        return self.client.post(NEW, data)

    def test_a_zip_bomb_docx_is_refused(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("word/document.xml", b"<w:document/>" + bytes(60 * 1024 * 1024))
        self.assertLess(len(buffer.getvalue()), 200 * 1024)
        response = self.post(buffer.getvalue())
        self.assertContains(response, "có thể là “bom nén”", status_code=400)
        self.assertFalse(WorkingRegulation.objects.exists())

    def test_a_docx_declaring_2_gib_is_refused(self):
        from chibo.lib.tests_uploads import docx_parts, zip_of

        bomb = zip_of(docx_parts(), declare={"word/document.xml": 2 * 1024 * 1024 * 1024})
        response = self.post(bomb)
        self.assertContains(response, "Tệp giải nén ra 2.048 MB, quá mức cho phép", status_code=400)
        self.assertFalse(WorkingRegulation.objects.exists())
