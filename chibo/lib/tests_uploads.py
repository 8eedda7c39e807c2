"""Uploads (issue 10, item 5): zip checks before parsing, one body limit answered 413 early."""

import io
import random
import socket
import struct
import time
import zipfile
from unittest import mock

import docx
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import LiveServerTestCase, SimpleTestCase, override_settings

from chibo.lib import uploads

MiB = 1024 * 1024


def real_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("Quy chế làm việc của Chi bộ Công an xã A. " * 50)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def zip_of(parts: dict[str, bytes], declare: dict[str, int] | None = None) -> bytes:
    """A deflated zip of ``parts``; ``declare`` overwrites the unpacked size a part claims in
    its local header and in the central directory, as a hand-made zip bomb would."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    content = bytearray(buffer.getvalue())
    with zipfile.ZipFile(io.BytesIO(bytes(content))) as archive:
        infos = archive.infolist()
        at = archive.start_dir
    for info in infos:
        size = (declare or {}).get(info.filename)
        if size is None:
            continue
        struct.pack_into("<I", content, info.header_offset + 22, size)
    for info in infos:
        assert content[at : at + 4] == b"PK\x01\x02"
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", content, at + 28)
        size = (declare or {}).get(info.filename)
        if size is not None:
            struct.pack_into("<I", content, at + 24, size)
        at += 46 + name_len + extra_len + comment_len
    return bytes(content)


def upload(content: bytes, name: str = "qc.docx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def docx_parts(**extra: bytes) -> dict[str, bytes]:
    return {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>", **extra}


class CheckZipTests(SimpleTestCase):
    def refused(self, content: bytes, code: str, **limits) -> str:
        with self.assertRaises(ValidationError) as caught:
            uploads.check_zip(upload(content), required=["word/document.xml"], **limits)
        self.assertEqual(caught.exception.code, code)
        return caught.exception.messages[0]

    def test_a_real_docx_passes_and_is_left_at_its_start(self):
        file = upload(real_docx())
        file.read(10)
        uploads.check_zip(file, required=["word/document.xml"])
        self.assertEqual(file.tell(), 0)
        self.assertEqual(file.read(4), b"PK\x03\x04")

    def test_declared_2_gib_is_refused_before_anything_is_unpacked(self):
        bomb = zip_of(docx_parts(), declare={"word/document.xml": 2 * 1024 * MiB})
        self.assertLess(len(bomb), 1024)
        with mock.patch.object(zipfile.ZipFile, "open", side_effect=AssertionError("unpacked")):
            message = self.refused(bomb, "too_large_unzipped")
        self.assertEqual(message, "Tệp giải nén ra 2.048 MB, quá mức cho phép (100 MB).")

    def test_a_real_zip_bomb_is_refused_by_its_ratio_before_anything_is_unpacked(self):
        bomb = zip_of(docx_parts(**{"word/media/a.bin": bytes(50 * MiB)}))
        self.assertLess(len(bomb), 100 * 1024)
        with mock.patch.object(zipfile.ZipFile, "open", side_effect=AssertionError("unpacked")):
            message = self.refused(bomb, "ratio")
        self.assertIn("có thể là “bom nén”", message)
        self.assertIn("tối đa 100 lần", message)

    def test_one_part_far_more_compressed_than_the_rest_is_refused(self):
        """The whole file looks ordinary (a large picture that does not compress), one part of
        it does not: 5 MiB of zeros."""
        noise = random.Random(10).randbytes(3 * MiB)
        content = zip_of(docx_parts(**{"word/media/a.png": noise, "word/b.xml": bytes(5 * MiB)}))
        self.assertLess(5 * MiB + 3 * MiB, 100 * len(content))  # the file's ratio is small
        self.refused(content, "ratio")

    def test_a_part_that_unpacks_to_more_than_it_declares_is_refused(self):
        bomb = zip_of(docx_parts(**{"word/a.xml": bytes(20 * MiB)}), declare={"word/a.xml": 1000})
        self.refused(bomb, "bad_zip")

    def test_the_budget_stops_reading(self):
        content = zip_of(docx_parts(**{"word/a.xml": b"x" * (2 * MiB)}))
        message = self.refused(content, "too_large_unzipped", max_unzipped=MiB, max_ratio=10**6)
        self.assertIn("quá mức cho phép (1 MB)", message)

    def test_too_many_parts(self):
        parts = docx_parts(**{f"word/p{i}.xml": b"<p/>" for i in range(1000)})
        message = self.refused(zip_of(parts), "too_many_parts")
        self.assertEqual(message, "Tệp nén có 1002 thành phần, quá mức cho phép (1000).")

    def test_broken_encrypted_and_incomplete(self):
        self.refused(b"PK\x03\x04 broken", "bad_zip")
        good = zip_of(docx_parts())
        self.refused(good[: len(good) // 2], "bad_zip")
        encrypted = bytearray(good)
        struct.pack_into("<H", encrypted, 6, 1)  # the "encrypted" flag, local header
        at = zipfile.ZipFile(io.BytesIO(good)).start_dir
        struct.pack_into("<H", encrypted, at + 8, 1)  # and central directory
        self.refused(bytes(encrypted), "bad_zip")
        self.refused(zip_of({"xl/workbook.xml": b"<w/>"}), "missing_part")

    @override_settings(CHIBO_MAX_UPLOAD_MB=50)
    def test_the_unpacked_limit_follows_the_upload_limit(self):
        self.assertEqual(uploads.max_unzipped_bytes(), 500 * MiB)
        with override_settings(CHIBO_MAX_UPLOAD_MB=2):
            self.assertEqual(uploads.max_unzipped_bytes(), 100 * MiB)

    def test_check_size(self):
        uploads.check_size(upload(bytes(10 * MiB)))
        with self.assertRaisesMessage(ValidationError, "Tệp tải lên quá lớn: tối đa 10 MB."):
            uploads.check_size(upload(bytes(10 * MiB + 1)))


@override_settings(CHIBO_MAX_UPLOAD_MB=1)
class BodyLimitTests(SimpleTestCase):
    def test_a_page_answers_413_in_vietnamese_before_reading(self):
        body = bytes(MiB + 1)
        response = self.client.post(
            "/documents/regulations/new/", body, content_type="application/octet-stream"
        )
        self.assertContains(response, "Tệp tải lên quá lớn: tối đa 1 MB.", status_code=413)
        self.assertContains(response, '<html lang="vi">', status_code=413)

    def test_the_api_answers_413_as_json(self):
        response = self.client.post("/api/v1/meetings", bytes(MiB + 1), content_type="text/plain")
        self.assertEqual(response.status_code, 413)
        self.assertEqual(response.json(), {"detail": "Tệp tải lên quá lớn: tối đa 1 MB."})

    def test_the_limit_itself_passes(self):
        # Anonymous: the request goes on to the login redirect, so it was not refused for size.
        response = self.client.post(
            "/documents/regulations/new/", bytes(MiB), content_type="application/octet-stream"
        )
        self.assertEqual(response.status_code, 302)


class LiveBodyLimitTests(LiveServerTestCase):
    def test_a_1_gib_upload_is_refused_before_it_is_sent(self):
        """Over a real socket: the client declares 1 GiB and sends 64 KiB; the 413 comes back
        at once, so the server never waited for (or stored) the rest."""
        host, port = self.live_server_url.removeprefix("http://").split(":")
        head = (
            "POST /documents/regulations/new/ HTTP/1.1\r\n"
            f"Host: {host}\r\n"
            "Content-Type: multipart/form-data; boundary=xyz\r\n"
            f"Content-Length: {1024 * MiB}\r\n\r\n"
        ).encode()
        started = time.monotonic()
        with socket.create_connection((host, int(port)), timeout=20) as conn:
            conn.sendall(head + b"--xyz\r\n" + bytes(64 * 1024))
            reply = b""
            while b"\r\n\r\n" not in reply:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                reply += chunk
        self.assertTrue(reply.startswith(b"HTTP/1.1 413"), reply[:200])
        self.assertLess(time.monotonic() - started, 15)
