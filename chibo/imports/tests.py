"""The import engine (issue 13): the sample workbook end to end, matching and classifying,
re-import, round trip with the member export, and every kind of bad input."""

import csv
import datetime as dt
import io
import json
import tempfile
import unicodedata
import zipfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from chibo.audit.models import Entry
from chibo.imports import engine
from chibo.imports.models import Batch, PartyCard, Row
from chibo.imports.samples import make_sample
from chibo.members.models import Membership, PartyRecord, Person, PoliceService, RankHolding
from chibo.test import DAY, ChiboTestCase, add_member

DOMAIN = (Person, PartyRecord, Membership, PoliceService, RankHolding, PartyCard)


def workbook(rows, *, title="Danh sách", extra=None, hidden=None) -> bytes:
    """A one-sheet (or more) roster: ``rows`` under a header, as lists."""
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for name, sheet_rows, state in (extra or []) + (hidden or []):
        other = book.create_sheet(name)
        for row in sheet_rows:
            other.append(row)
        other.sheet_state = state
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


HEADER = [
    "STT",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Số CCCD",
    "Ngày vào Đảng",
    "Ngày chính thức",
]


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in DOMAIN}


class ImportCase(ChiboTestCase):
    def run_import(self, data: bytes, *, into=None, name="ds.xlsx", as_of=DAY, by=None):
        batch = engine.start(
            data=data,
            file_name=name,
            organization=into or self.cell_a,
            as_of=as_of,
            by=by or self.committee,
        )
        return engine.check(batch)

    def statuses(self, batch: Batch) -> dict[int, str]:
        return dict(batch.rows.values_list("number", "status"))


class SampleWorkbookTests(ImportCase):
    def test_sample_is_read_converted_and_previewed_without_writing(self):
        """Title rows, merged two-row header, TCVN3 and VNI columns (R-TXT-06), text and Excel
        dates (R-TXT-01), a CCCD turned into a number, a "Tổng cộng" row."""
        before = counts()
        batch = self.run_import(make_sample.build())
        self.assertEqual(counts(), before)  # a preview writes nothing of the domain
        self.assertEqual(batch.header_row, 7)
        self.assertEqual(batch.total, 8)  # the total row is not a person
        self.assertEqual(batch.encodings, {"5": "tcvn3", "9": "vni"})
        self.assertEqual(engine.counts(batch)["new"], 8)
        rows = {r.number: r for r in batch.rows.all()}
        first = rows[8].values
        self.assertEqual((first["ho"], first["ten_dem"], first["ten"]), ("Nguyễn", "Văn", "Thành"))
        self.assertEqual(first["home_town"], "Hiệp Đức, Quảng Nam")
        self.assertEqual(first["position"], "chief")
        self.assertEqual(first["decision_date"], "2010-03-15")  # an Excel date
        self.assertEqual(rows[9].values["decision_date"], "2015-03-05")  # "ngày 5 tháng 3 năm 2015"
        self.assertEqual(rows[9].values["rank"], 9)  # "Đại uý", old tone placement (R-TXT-05)
        self.assertEqual(rows[9].values["position"], "deputy")
        self.assertEqual(rows[10].values["birth_date"], "1994-07-03")  # "3/7/94"
        self.assertEqual(rows[10].values["cccd"], "049094003456")  # the leading zero put back
        self.assertIn("mất số 0", rows[10].messages[0]["message"])
        self.assertEqual(rows[12].values["home_town"], "Sông Trà, Quảng Nam")

    def test_confirm_writes_one_audited_operation_and_again_changes_nothing(self):
        batch = self.run_import(make_sample.build())
        engine.confirm(batch=batch, by=self.committee)
        person = Person.objects.get(cccd="049090005678")
        self.assertEqual(person.full_name, "Võ Đình Khoa")
        self.assertEqual(person.party.decision_date, dt.date(2012, 12, 20))
        self.assertEqual(person.party.official_date, dt.date(2013, 12, 20))  # R-MEM-06
        self.assertEqual(person.memberships.get().cell, self.cell_a)
        self.assertEqual(person.police_service.get().position, "deputy")
        self.assertEqual(person.ranks.get().rank, 9)
        probationer = Person.objects.get(cccd="049098006789")
        self.assertIsNone(probationer.party.official_date)
        self.assertEqual(Person.objects.count(), 8)
        # One operation: every entry the confirmation wrote shares its group.
        entries = Entry.objects.filter(operation="imports.confirm")
        self.assertEqual(entries.values("group").distinct().count(), 1)
        self.assertTrue(entries.filter(object_type="members.person").count() == 8)
        self.assertEqual(entries.first().interface, "system")
        written = counts()
        audit_rows = Entry.objects.exclude(object_type="imports.batch").count()
        again = self.run_import(make_sample.build())
        self.assertEqual(engine.counts(again)["unchanged"], 8)
        engine.confirm(batch=again, by=self.committee)
        self.assertEqual(counts(), written)
        self.assertEqual(Entry.objects.exclude(object_type="imports.batch").count(), audit_rows)

    def test_a_record_written_after_the_preview_is_seen_by_the_confirmation(self):
        batch = self.run_import(make_sample.build())
        from chibo.members import operations as ops

        data = ops.PersonData(
            ho="Nguyễn", ten_dem="Văn", ten="Thành", gender="M",
            birth_date=dt.date(1985, 4, 12), cccd="049085001234",
        )  # fmt: skip
        person = ops.add_person(data=data, registered_by=self.cell_a, by=self.secretary)
        engine.confirm(batch=batch, by=self.committee)
        self.assertEqual(Person.objects.count(), 8)  # matched, not a second person
        self.assertEqual(batch.rows.get(number=8).status, "update")
        self.assertEqual(PartyRecord.objects.get(person=person).decision_date, dt.date(2010, 3, 15))

    def test_the_member_export_reimports_as_all_unchanged(self):
        """Round trip (issue 13, item 6): the list exported from chibo matches itself."""
        engine.confirm(batch=self.run_import(make_sample.build()), by=self.committee)
        add_member(self.cell_a, "Lê Văn An")
        self.login(self.committee)
        exported = self.client.get(reverse("members:export"), {"as_of": DAY.isoformat()})
        self.assertEqual(exported.status_code, 200)
        batch = self.run_import(
            b"".join(exported.streaming_content) if exported.streaming else exported.content
        )
        self.assertEqual(
            engine.counts(batch), {"new": 0, "update": 0, "unchanged": 9, "conflict": 0, "error": 0}
        )


class MatchingTests(ImportCase):
    def roster(self, *rows, header=HEADER):
        return workbook([header, *rows])

    def test_match_by_cccd_updates_the_name_spelling(self):
        self.run_and_confirm(
            self.roster(
                [1, "Trần Thị Hòa", "20/08/1992", "Nữ", "049192002345", "05/03/2015", "05/03/2016"]
            )
        )
        batch = self.run_import(
            self.roster(
                [1, "Trần Thị Hoà", "20/08/1992", "Nữ", "049192002345", "05/03/2015", "05/03/2016"]
            )
        )
        row = batch.rows.get()
        self.assertEqual(row.status, "update")
        self.assertIn("name", row.changes)
        engine.confirm(batch=batch, by=self.committee)
        self.assertEqual(Person.objects.get().ten, "Hoà")

    def run_and_confirm(self, data):
        return engine.confirm(batch=self.run_import(data), by=self.committee)

    def test_match_by_card_number_then_by_name_and_birth_date(self):
        header = [*HEADER, "Số thẻ đảng viên"]
        self.run_and_confirm(
            self.roster(
                [
                    1,
                    "Lê Văn Bình",
                    "01/01/1990",
                    "Nam",
                    "",
                    "01/02/2015",
                    "01/02/2016",
                    "79.001234",
                ],
                header=header,
            )
        )
        self.assertEqual(PartyCard.objects.get().number, "79.001234")
        by_card = self.run_import(
            self.roster(
                [
                    1,
                    "Lê Văn Bính",
                    "01/01/1990",
                    "Nam",
                    "",
                    "01/02/2015",
                    "01/02/2016",
                    "79.001234",
                ],
                header=header,
            )
        )
        self.assertEqual(by_card.rows.get().status, "update")
        by_name = self.run_import(
            self.roster([1, "LÊ VĂN BÌNH", "01/01/1990", "Nam", "", "01/02/2015", "01/02/2016"])
        )
        self.assertEqual(by_name.rows.get().status, "unchanged")  # capitals alone: no change
        with_cccd = self.run_import(
            self.roster(
                [1, "Lê Văn Bình", "01/01/1990", "Nam", "049090001111", "01/02/2015", "01/02/2016"]
            )
        )
        row = with_cccd.rows.get()
        self.assertEqual(row.status, "update")
        self.assertIn("cccd", row.changes)

    def test_conflicts_two_candidates_a_recorded_fact_and_twins_in_the_file(self):
        add_member(self.cell_a, "Lê Văn An", born=dt.date(1990, 1, 1))
        add_member(self.cell_a, "Lê Văn An", born=dt.date(1990, 1, 1))
        add_member(self.cell_a, "Phan Thị Cúc", gender="F", born=dt.date(1991, 2, 2))
        batch = self.run_import(
            self.roster(
                [1, "Lê Văn An", "01/01/1990", "Nam", "", "10/02/2015", "10/02/2016"],
                [2, "Phan Thị Cúc", "02/02/1991", "Nam", "", "10/02/2015", "10/02/2016"],
                [3, "Hồ Văn Mới", "03/03/1993", "Nam", "049093001234", "10/02/2015", "10/02/2016"],
                [4, "Hồ Văn Mới", "03/03/1993", "Nam", "049093001234", "10/02/2015", "10/02/2016"],
            )
        )
        statuses = self.statuses(batch)
        self.assertEqual(statuses, {2: "conflict", 3: "conflict", 4: "new", 5: "conflict"})
        messages = {r.number: [m["message"] for m in r.messages] for r in batch.rows.all()}
        self.assertIn("2 người cùng họ tên", messages[2][-1])
        self.assertIn("Giới tính khác", " ".join(messages[3]))
        self.assertIn("dòng 4", messages[5][-1])

    def test_errors_at_the_field_and_party_rule_warnings(self):
        """Bad dates and CCCD numbers are errors at their field; R-MEM-01 age and R-MEM-05
        overdue recognition and the CCCD checks are warnings."""
        batch = self.run_import(
            self.roster(
                [1, "Ngô Văn Sai", "31/02/1990", "Nam", "12345", "01/01/2015", ""],
                [2, "Ngô Văn Trẻ", "01/01/2000", "Nam", "049100001234", "01/01/2015", ""],
                [3, "", "01/01/1990", "Nam", "", "01/01/2015", ""],
            )
        )
        rows = {r.number: r for r in batch.rows.all()}
        self.assertEqual(rows[2].status, "error")
        fields = {m["field"] for m in rows[2].messages if m["level"] == "error"}
        self.assertEqual(fields, {"birth_date", "cccd"})
        self.assertEqual(rows[3].status, "new")
        warnings = " ".join(m["message"] for m in rows[3].messages)
        self.assertIn("R-MEM-01", warnings)
        self.assertIn("R-MEM-05", warnings)
        self.assertIn("Năm sinh ghi trong số CCCD", warnings)
        self.assertEqual(rows[4].status, "error")

    def test_outside_the_target_is_a_conflict_without_details(self):
        other = add_member(self.cell_b, "Tạ Văn Xa", born=dt.date(1985, 5, 5))
        other.cccd = "049085009999"
        other.save()
        batch = self.run_import(
            self.roster([1, "Tạ Văn Xa", "05/05/1985", "Nam", "049085009999", "10/02/2015", ""])
        )
        row = batch.rows.get()
        self.assertEqual(row.status, "conflict")
        self.assertIsNone(row.person)
        self.assertNotIn("Công an xã B", json.dumps(row.messages, ensure_ascii=False))

    def test_a_committee_import_places_rows_by_the_cell_column(self):
        header = [*HEADER, "Chi bộ"]
        batch = self.run_import(
            self.roster(
                [
                    1,
                    "Mai Văn Một",
                    "01/01/1990",
                    "Nam",
                    "",
                    "01/01/2015",
                    "01/01/2016",
                    "Chi bộ Công an xã A",
                ],
                [
                    2,
                    "Mai Văn Hai",
                    "01/01/1991",
                    "Nam",
                    "",
                    "01/01/2015",
                    "01/01/2016",
                    "Chi bộ Công an xã Z",
                ],
                header=header,
            ),
            into=self.commune_a,
        )
        rows = {r.number: r for r in batch.rows.all()}
        self.assertEqual(rows[2].values["cell"], self.cell_a.pk)
        self.assertEqual(rows[3].status, "error")

    def test_remap_and_saved_mapping(self):
        data = workbook(
            [
                ["Tên đầy đủ", "Sinh", "Phái", "Kết nạp"],
                ["Đỗ Văn Lâm", "01/01/1990", "Nam", "01/01/2015"],
            ]
        )
        with self.assertRaises(ValidationError):
            self.run_import(data)  # no header recognised: "Tên đầy đủ" is not a known name
        data = workbook(
            [
                ["Họ tên", "Sinh", "Phái", "Kết nạp"],
                ["Đỗ Văn Lâm", "01/01/1990", "Nam", "01/01/2015"],
            ]
        )
        batch = self.run_import(data)
        self.assertEqual(batch.mapping, {"full_name": 0, "gender": 2, "decision_date": 3})
        engine.remap(
            batch,
            {"full_name": 0, "birth_date": 1, "gender": 2, "decision_date": 3},
            save_for_org=True,
        )
        batch = engine.check(batch)
        self.assertEqual(batch.rows.get().values["birth_date"], "1990-01-01")
        again = self.run_import(data)
        self.assertEqual(again.mapping["birth_date"], 1)  # the organization's saved mapping


class BadInputTests(ImportCase):
    def refused(self, data: bytes, code: str, name="ds.xlsx") -> str:
        before = (counts(), Batch.objects.count(), Row.objects.count())
        with self.assertRaises(ValidationError) as caught:
            self.run_import(data, name=name)
        self.assertEqual(caught.exception.code, code, caught.exception.messages)
        self.assertEqual((counts(), Batch.objects.count(), Row.objects.count()), before)
        return " ".join(caught.exception.messages)

    def test_not_a_spreadsheet(self):
        message = self.refused(
            b"%PDF-1.7 not a roster at all \x00\x01\x02", "not_spreadsheet", "ds.pdf"
        )
        self.assertIn("không phải bảng tính", message)
        self.refused(b"PK\x03\x04 broken zip", "bad_zip")

    def test_password_protected(self):
        # An encrypted .xlsx is an OLE container with an "EncryptedPackage" stream.
        fake = (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
            + b"\x00" * 500
            + "EncryptedPackage".encode("utf-16-le")
        )
        self.assertIn("mật khẩu", self.refused(fake, "password"))

    def test_zip_bomb(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/workbook.xml", b"<workbook/>")
            archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (50 * 1024 * 1024))
        self.assertIn("bom nén", self.refused(buffer.getvalue(), "ratio"))

    def test_100000_rows(self):
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(HEADER)
        for i in range(100_000):
            writer.writerow([i + 1, f"Người Số {i}", "01/01/1990", "Nam", "", "01/01/2015", ""])
        message = self.refused(text.getvalue().encode(), "too_many_rows", "ds.csv")
        self.assertIn("100.000 dòng", message)

    def test_formulas(self):
        data = workbook(
            [HEADER, [1, "Lý Văn Tính", "01/01/1990", "Nam", "", "01/01/2015", "=F2+365"]]
        )
        self.assertIn("công thức", self.refused(data, "formulas"))

    def test_a_formula_in_the_total_row_is_no_obstacle(self):
        data = workbook(
            [
                HEADER,
                [1, "Lý Văn Tính", "01/01/1990", "Nam", "", "01/01/2015", ""],
                ["Tổng cộng", "=COUNTA(B2:B2)"],
            ]
        )
        self.assertEqual(self.run_import(data).total, 1)

    def test_hidden_roster_sheet(self):
        data = workbook(
            [["Ghi chú"]],
            hidden=[
                (
                    "Ẩn",
                    [HEADER, [1, "Ẩn Văn Danh", "01/01/1990", "Nam", "", "01/01/2015", ""]],
                    "hidden",
                )
            ],
        )
        self.assertIn("trang tính ẩn", self.refused(data, "hidden_sheet"))

    def test_two_roster_sheets(self):
        row = [1, "Kha Văn Hai", "01/01/1990", "Nam", "", "01/01/2015", ""]
        data = workbook([HEADER, row], extra=[("Bản sao", [HEADER, row], "visible")])
        self.assertIn("2 trang tính", self.refused(data, "two_rosters"))


def cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows writes it: letters with their own code (â, ư, đ…)
    precomposed, tone marks as combining characters after them."""
    out = b""
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            tones = "".join(c for c in parts if c in "\u0300\u0301\u0303\u0309\u0323")
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
            out += (base + tones).encode("cp1258")
    return out


class CsvEncodingTests(ImportCase):
    def test_utf8_utf16_and_windows_1258(self):
        text = "STT;Họ và tên;Ngày sinh;Giới tính;Ngày vào Đảng\n1;Nguyễn Thị Ánh;01/01/1990;Nữ;01/01/2015\n"
        for encoding in ("utf-8", "utf-8-sig", "utf-16", "cp1258"):
            with self.subTest(encoding=encoding):
                data = cp1258(text) if encoding == "cp1258" else text.encode(encoding)
                batch = self.run_import(data, name="ds.csv")
                values = batch.rows.get().values
                self.assertEqual(
                    (values["ho"], values["ten_dem"], values["ten"]), ("Nguyễn", "Thị", "Ánh")
                )
                self.assertEqual(values["gender"], "F")


class CommandTests(ImportCase):
    def setUp(self):

        folder = Path(tempfile.mkdtemp(prefix="chibo-import-"))
        self.path = folder / "mau.xlsx"
        self.path.write_bytes(make_sample.build())

    def call(self, *extra):
        out, err = io.StringIO(), io.StringIO()
        call_command(
            "import",
            "members",
            str(self.path),
            "--into",
            str(self.cell_a.pk),
            "--as-of",
            "24/05/2023",
            *extra,
            stdout=out,
            stderr=err,
        )
        return out.getvalue(), err.getvalue()

    def test_dry_run_json_shape_writes_nothing(self):
        out, err = self.call("--dry-run", "--json")
        result = json.loads(out)
        self.assertEqual(
            result["summary"], {"new": 8, "update": 0, "unchanged": 0, "conflict": 0, "error": 0}
        )
        first = result["rows"][0]
        self.assertEqual(first["row"], 8)
        self.assertEqual(first["status"], "new")
        self.assertEqual(
            set(first["person"]), {"ho", "ten_dem", "ten", "birth_date", "gender", "cccd"}
        )
        self.assertEqual(first["person"]["birth_date"], "1985-04-12")
        self.assertIn("Đã đối chiếu 8/8 dòng", err)
        self.assertEqual(Person.objects.count(), 0)
        self.assertEqual(Batch.objects.count(), 0)

    def test_import_then_again(self):
        out, _err = self.call()
        self.assertIn("8 mới", out)
        self.assertEqual(
            Entry.objects.filter(operation="imports.confirm").first().interface, "import"
        )
        out, _err = self.call()
        self.assertIn("8 không đổi", out)

    def test_bad_file_is_a_clear_error(self):
        self.path.write_bytes(b"hello")
        with self.assertRaisesMessage(CommandError, "không phải bảng tính"):
            self.call()


def ods(rows) -> bytes:
    """A minimal OpenDocument spreadsheet of text cells (what LibreOffice Calc saves)."""
    from xml.sax.saxutils import escape

    body = "".join(
        "<table:table-row>"
        + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{escape(str(v))}</text:p>'
            "</table:table-cell>"
            for v in row
        )
        + "</table:table-row>"
        for row in rows
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="DS">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED
        )
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


class OdsTests(ImportCase):
    def test_an_ods_roster_with_a_tcvn3_column(self):
        data = ods(
            [
                ["DANH SÁCH"],
                [*HEADER, "Quê quán"],
                [
                    1,
                    "Nguyễn Văn Thành",
                    "12/04/1985",
                    "Nam",
                    "049085001234",
                    "15/03/2010",
                    "15/03/2011",
                    "HiÖp §øc",
                ],
                [
                    2,
                    "Trần Thị Hòa",
                    "20/08/1992",
                    "Nữ",
                    "049192002345",
                    "05/03/2015",
                    "",
                    "Qu¶ng Nam",
                ],
            ]
        )
        batch = self.run_import(data, name="ds.ods")
        self.assertEqual(engine.counts(batch)["new"], 2)
        self.assertEqual(batch.rows.get(number=3).values["home_town"], "Hiệp Đức")


class ReviewFixTests(ImportCase):
    """Found in review: an import dated in the past must not write on someone who has since
    left the target, and two rows with one party card number are a conflict, not a 409."""

    def test_a_person_who_has_since_moved_out_is_a_conflict_even_in_a_past_import(self):
        from chibo.members.models import Membership

        person = add_member(self.cell_a, "Phạm Văn Dời")
        person.cccd = "049090000777"
        person.save()
        moved = dt.date(2022, 1, 1)
        old = Membership.objects.get(person=person)
        Membership.objects.filter(pk=old.pk).update(valid_to=moved, reason_out="transfer")
        Membership.objects.create(
            person=person, cell=self.cell_b, kind=old.kind, reason_in="transfer", valid_from=moved
        )
        batch = self.run_import(
            workbook(
                [
                    [*HEADER, "Quê quán"],
                    [
                        1,
                        "Phạm Văn Dờy",
                        "01/01/1990",
                        "Nam",
                        "049090000777",
                        "09/02/2015",
                        "",
                        "Huế",
                    ],
                ]
            ),
            as_of=dt.date(2021, 6, 1),
        )
        row = batch.rows.get()
        self.assertEqual(row.status, "conflict")
        self.assertIsNone(row.person)
        engine.confirm(batch=batch, by=self.committee)
        person.refresh_from_db()
        self.assertEqual((person.ten, person.home_town), ("Dời", ""))

    def test_two_rows_with_one_party_card_number_are_a_conflict_at_the_second(self):
        header = [*HEADER, "Số thẻ đảng viên"]
        batch = self.run_import(
            workbook(
                [
                    header,
                    [
                        1,
                        "Lê Văn Một",
                        "01/01/1990",
                        "Nam",
                        "",
                        "01/02/2015",
                        "01/02/2016",
                        "123456",
                    ],
                    [
                        2,
                        "Lê Văn Hai",
                        "02/02/1991",
                        "Nam",
                        "",
                        "01/02/2015",
                        "01/02/2016",
                        "123456",
                    ],
                ]
            )
        )
        self.assertEqual(self.statuses(batch), {2: "new", 3: "conflict"} | {})
        second = batch.rows.get(status="conflict")
        self.assertIn("Trùng số thẻ đảng viên với dòng", str(second.messages))
        engine.confirm(batch=batch, by=self.committee)
        self.assertEqual(PartyCard.objects.get().number, "123456")

    def test_the_import_date_cannot_be_in_the_future(self):
        from chibo.imports.forms import UploadForm

        form = UploadForm(
            {"organization": self.cell_a.pk, "as_of": "01/01/2099"},
            {"file": SimpleUploadedFile("ds.xlsx", workbook([HEADER]))},
            targets=[],
        )
        self.assertFalse(form.is_valid())
        self.assertIn("Ngày áp dụng chưa đến", str(form.errors["as_of"]))
