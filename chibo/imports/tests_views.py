"""The "Nhập dữ liệu" page and ``/api/v1/imports`` (issue 13): role matrix, the page flow
upload → progress → preview → confirmation step → result, the error report opened as a
workbook, the sample download, CSRF enforced, and the API's preview and confirm."""

import io
from unittest import mock

import python_calamine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from chibo.imports import engine
from chibo.imports.models import Batch
from chibo.imports.samples import make_sample
from chibo.imports.tests import HEADER, workbook
from chibo.members.models import Person
from chibo.test import DAY, ChiboTestCase

AS_OF = DAY.strftime("%d/%m/%Y")


def sample_file(content: bytes | None = None, name: str = "mau.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content or make_sample.build())


class PageTests(ChiboTestCase):
    def upload(self, org=None, content=None, name="mau.xlsx"):
        return self.client.post(
            reverse("imports:start"),
            {
                "organization": (org or self.cell_a).pk,
                "as_of": AS_OF,
                "file": sample_file(content, name),
            },
        )

    def batch_for(self, user=None) -> Batch:
        return engine.start(
            data=make_sample.build(),
            file_name="mau.xlsx",
            organization=self.cell_a,
            as_of=DAY,
            by=user or self.committee,
        )

    def test_role_matrix_of_the_start_page_and_the_sample(self):
        for url in (reverse("imports:start"), reverse("imports:sample")):
            self.assert_statuses(
                "get",
                url,
                {
                    self.committee: 200,
                    self.board: 200,
                    self.admin: 200,
                    self.superuser: 200,
                    self.secretary: 403,
                    self.viewer: 403,
                    self.police_viewer: 403,
                },
            )
        self.assert_statuses("put", reverse("imports:start"), {self.committee: 405})
        self.assert_statuses("post", reverse("imports:sample"), {self.committee: 405})

    def test_role_matrix_of_a_batch(self):
        batch = self.batch_for()
        pages = [
            ("get", reverse("imports:batch", args=[batch.pk])),
            ("get", reverse("imports:progress", args=[batch.pk])),
            ("get", reverse("imports:errors", args=[batch.pk])),
            ("post", reverse("imports:mapping", args=[batch.pk])),
        ]
        for method, url in pages:
            expected = {
                self.outsider: 404,  # xã B's committee: cell A is outside its scope
                self.viewer: 403,
                self.secretary: 403,
            }
            self.assert_statuses(method, url, expected)
        self.assert_statuses("get", reverse("imports:batch", args=[batch.pk]), {self.board: 200})
        self.assert_statuses("post", reverse("imports:batch", args=[batch.pk]), {self.board: 405})
        self.assert_statuses("get", reverse("imports:mapping", args=[batch.pk]), {self.board: 405})
        self.assert_statuses(
            "delete", reverse("imports:confirm", args=[batch.pk]), {self.board: 405}
        )
        self.assertFalse(Person.objects.exists())

    def test_outsider_cannot_import_into_another_commune(self):
        self.login(self.outsider)
        response = self.upload(self.cell_a)
        self.assertEqual(response.status_code, 400)  # not among its choices, at the field
        self.assertFalse(Batch.objects.exists())

    def test_upload_progress_preview_confirm_result(self):
        self.login(self.committee)
        response = self.upload()
        self.assertEqual(response.status_code, 302, response.content[:1000])
        batch = Batch.objects.get()
        page = self.client.get(response["Location"])
        self.assertContains(page, 'data-testid="progress"')
        self.assertContains(page, "<progress")
        # htmx polls: each poll checks a chunk; the last sends the browser to the preview.
        poll = self.client.get(
            reverse("imports:progress", args=[batch.pk]), headers={"HX-Request": "true"}
        )
        self.assertEqual(poll["HX-Redirect"], reverse("imports:batch", args=[batch.pk]))
        preview = self.client.get(reverse("imports:batch", args=[batch.pk]))
        self.assertContains(preview, "Mới: 8")
        self.assertContains(preview, "Hiệp Đức")  # not shown? the reasons column shows messages
        self.assertNotContains(preview, "None")
        filtered = self.client.get(reverse("imports:batch", args=[batch.pk]), {"status": "new"})
        self.assertContains(filtered, 'data-status="new"', count=8)
        self.assertFalse(Person.objects.exists())  # nothing written before the confirmation
        step = self.client.get(reverse("imports:confirm", args=[batch.pk]))
        self.assertContains(step, "8 đảng viên mới sẽ được ghi")
        done = self.client.post(reverse("imports:confirm", args=[batch.pk]))
        self.assertEqual(done.status_code, 302)
        self.assertEqual(Person.objects.count(), 8)
        result = self.client.get(done["Location"])
        self.assertContains(result, 'data-testid="result"')
        again = self.client.post(reverse("imports:confirm", args=[batch.pk]))
        self.assertEqual(again.status_code, 302)
        self.assertEqual(Person.objects.count(), 8)

    def test_bad_file_is_a_message_at_the_form(self):
        self.login(self.committee)
        response = self.upload(content=b"not a spreadsheet", name="ds.xlsx")
        self.assertContains(response, "không phải bảng tính", status_code=400)
        row = [1, "Hai Văn Bản", "01/01/1990", "Nam", "", "01/01/2015", ""]
        twice = workbook([HEADER, row], extra=[("Sao", [HEADER, row], "visible")])
        response = self.upload(content=twice)
        self.assertContains(response, "2 trang tính", status_code=400)
        self.assertFalse(Batch.objects.exists())

    def test_error_report_opens_with_original_rows_and_reasons(self):
        rows = [
            [1, "Đúng Văn Một", "01/01/1990", "Nam", "", "01/01/2015", "01/01/2016"],
            [2, "Sai Văn Hai", "32/01/1990", "Nam", "", "01/01/2015", ""],
        ]
        batch = engine.check(
            engine.start(
                data=workbook([HEADER, *rows]),
                file_name="x.xlsx",
                organization=self.cell_a,
                as_of=DAY,
                by=None,
            )
        )
        self.login(self.committee)
        response = self.client.get(reverse("imports:errors", args=[batch.pk]))
        self.assertEqual(response.status_code, 200)
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        cells = book.get_sheet_by_index(0).to_python()
        header = cells[2]
        self.assertEqual(header[:3], ["Dòng", "STT", "Họ và tên"])
        self.assertEqual(header[-1], "Lý do")
        self.assertEqual(len(cells), 4)  # title, date, header, the one bad row
        self.assertEqual(cells[3][2], "Sai Văn Hai")
        self.assertEqual(cells[3][3], "32/01/1990")
        self.assertIn("không có trong lịch", cells[3][-1])

    def test_mapping_is_changed_and_saved(self):
        batch = engine.check(self.batch_for())
        self.login(self.committee)
        mapping = {name: index for name, index in batch.mapping.items() if name != "home_town"}
        response = self.client.post(
            reverse("imports:mapping", args=[batch.pk]), {**mapping, "save": "on"}
        )
        self.assertEqual(response.status_code, 302)
        batch.refresh_from_db()
        self.assertNotIn("home_town", batch.mapping)
        self.assertEqual(batch.state, Batch.State.CHECKING)


class CsrfTests(ChiboTestCase):
    def test_upload_and_confirm_with_csrf_enforced(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.committee)
        page = client.get(reverse("imports:start"))
        token = page.cookies["csrftoken"].value if "csrftoken" in page.cookies else None
        self.assertIsNotNone(token)
        data = {"organization": self.cell_a.pk, "as_of": AS_OF, "file": sample_file()}
        self.assertEqual(client.post(reverse("imports:start"), data).status_code, 403)
        self.assertFalse(Batch.objects.exists())
        data["file"] = sample_file()
        response = client.post(reverse("imports:start"), {**data, "csrfmiddlewaretoken": token})
        self.assertEqual(response.status_code, 302, response.content[:500])
        batch = engine.check(Batch.objects.get())
        url = reverse("imports:confirm", args=[batch.pk])
        self.assertEqual(client.post(url).status_code, 403)
        self.assertFalse(Person.objects.exists())
        self.assertEqual(client.post(url, {"csrfmiddlewaretoken": token}).status_code, 302)
        self.assertEqual(Person.objects.count(), 8)


class ApiTests(ChiboTestCase):
    URL = "/api/v1/imports"

    def upload(self, org=None, content=None):
        return self.client.post(
            self.URL,
            {
                "organization": (org or self.cell_a).pk,
                "as_of": DAY.isoformat(),
                "file": sample_file(content),
            },
        )

    def test_upload_preview_get_and_confirm(self):
        self.login(self.board)
        made = self.upload()
        self.assertEqual(made.status_code, 201, made.content[:800])
        body = made.json()
        self.assertEqual(body["state"], "ready")
        self.assertEqual(body["summary"]["new"], 8)
        self.assertEqual(body["rows"][0]["person"]["ten"], "Thành")
        self.assertFalse(Person.objects.exists())
        url = f"{self.URL}/{body['id']}"
        self.assertEqual(self.client.get(url).json()["id"], body["id"])
        confirmed = self.client.post(f"{url}/confirm")
        self.assertEqual(confirmed.status_code, 200, confirmed.content[:500])
        self.assertEqual(confirmed.json()["state"], "confirmed")
        self.assertEqual(Person.objects.count(), 8)
        twice = self.client.post(f"{url}/confirm")
        self.assertEqual(twice.status_code, 409)
        self.assertIn("đã được xác nhận", twice.json()["detail"])

    def test_a_refused_row_is_a_400_and_its_mark_stays_under_an_idempotency_key(self):
        """A row an operation refuses at confirmation is marked in the preview, so "confirm"
        again writes the rest; a 409 would be rolled back by the Idempotency-Key wrapper."""
        from django.core.exceptions import ValidationError

        self.login(self.board)
        body = self.upload().json()
        url = f"{self.URL}/{body['id']}/confirm"
        refuse = mock.patch.object(
            engine, "_apply", side_effect=ValidationError("Hồ sơ vừa thay đổi.")
        )
        with mock.patch.object(engine, "_bulk_new", return_value=set()), refuse:
            response = self.client.post(url, HTTP_IDEMPOTENCY_KEY="k-refused-1")
        self.assertEqual(response.status_code, 400, response.content[:300])
        self.assertIn("Hồ sơ vừa thay đổi", str(response.json()))
        self.assertFalse(Person.objects.exists())
        batch = Batch.objects.get(pk=body["id"])
        self.assertEqual(batch.state, Batch.State.READY)
        self.assertEqual(batch.rows.filter(status="error").count(), 1)
        again = self.client.post(url, HTTP_IDEMPOTENCY_KEY="k-refused-2")
        self.assertEqual(again.status_code, 200, again.content[:300])
        self.assertEqual(Person.objects.count(), body["summary"]["new"] - 1)

    def test_role_matrix(self):
        for user, status in ((self.viewer, 403), (self.secretary, 403), (self.police_viewer, 403)):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.upload().status_code, status)
        self.login(self.board)
        made = self.upload().json()
        url = f"{self.URL}/{made['id']}"
        self.login(self.outsider)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.post(f"{url}/confirm").status_code, 404)
        self.login(self.viewer)
        self.assertEqual(self.client.get(url).status_code, 403)
        self.login(self.board)
        self.assertEqual(self.client.delete(url).status_code, 405)
        self.assertEqual(self.client.get(f"{url}/confirm").status_code, 405)
        self.assertFalse(Person.objects.exists())

    def test_bad_file_is_400_in_vietnamese(self):
        self.login(self.board)
        response = self.upload(content=b"\x00\x01 not a sheet")
        self.assertEqual(response.status_code, 400)
        self.assertIn("không phải bảng tính", str(response.json()))
        self.assertFalse(Batch.objects.exists())
