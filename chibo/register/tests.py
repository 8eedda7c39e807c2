"""The documents register (R-DOC-03/04), advice on security and order (F-8) and dissemination
of higher documents (F-9): operations, figures as of a date, checks, pages and API per role."""

import datetime as dt
import io

import docx
import openpyxl
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse

from chibo.accounts.models import ApiToken
from chibo.compliance import checks
from chibo.compliance.register import check_dissemination, check_security_resolution
from chibo.meetings.models import Meeting
from chibo.register import operations as ops
from chibo.register import progress
from chibo.register.models import Advice, Dissemination, Document, Outcome, Participation
from chibo.test import ChiboTestCase, add_member
from chibo.tests_csrf import fill

D = dt.date
NQ12_TITLE = (
    "tiếp tục đẩy mạnh xây dựng lực lượng Công an nhân dân thật sự trong sạch, vững mạnh, "
    "chính quy, tinh nhuệ, hiện đại"
)


class RegisterData(ChiboTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.an = add_member(cls.cell_a, "Lê Văn An")
        cls.binh = add_member(cls.cell_a, "Trần Thị Bình", gender="F")
        cls.cuong = add_member(cls.cell_a, "Phạm Văn Cường")
        cls.dung = add_member(cls.cell_b, "Hồ Văn Dũng")
        cls.meeting = Meeting.objects.create(
            cell=cls.cell_a,
            kind="regular",
            stage="held",
            planned_date=D(2023, 3, 6),
            date=D(2023, 3, 6),
        )
        cls.nq12 = ops.receive(
            organization=cls.district,
            doc_type="NQ",
            number="12-NQ/TW",
            issuer_name="Bộ Chính trị",
            title=NQ12_TITLE,
            issued_on=D(2022, 3, 16),
            by=None,
        )
        cls.plan_a = ops.plan(
            document=cls.nq12,
            cell=cls.cell_a,
            method="meeting",
            meeting=cls.meeting,
            session_on=D(2023, 3, 6),
            due_on=D(2023, 4, 30),
            by=None,
        )
        ops.record(
            dissemination=cls.plan_a, person=cls.an, presence="present", on=D(2023, 3, 6), by=None
        )
        ops.record(
            dissemination=cls.plan_a, person=cls.binh, presence="present", on=D(2023, 3, 6), by=None
        )
        ops.record(
            dissemination=cls.plan_a,
            person=cls.cuong,
            presence="absent",
            on=D(2023, 3, 6),
            reason="Trực chiến",
            by=None,
        )
        cls.plan_b = ops.plan(
            document=cls.nq12,
            cell=cls.cell_b,
            method="session",
            session_on=D(2023, 3, 10),
            due_on=D(2023, 3, 31),
            by=None,
        )


class NumberingTests(RegisterData):
    def test_r_doc_03_numbers_run_per_type_and_term_with_a_leading_zero(self):
        first = ops.issue(
            cell=self.cell_a,
            doc_type="NQ",
            title="Nghị quyết tháng 3",
            issued_on=D(2023, 3, 6),
            meeting=self.meeting,
            by=None,
        )
        second = ops.issue(
            cell=self.cell_a,
            doc_type="NQ",
            title="Nghị quyết quý II",
            issued_on=D(2024, 4, 2),
            by=None,
        )
        report = ops.issue(
            cell=self.cell_a,
            doc_type="BC",
            title="Báo cáo",
            issued_on=D(2024, 4, 3),
            implements=self.nq12,
            by=None,
        )
        other = ops.issue(
            cell=self.cell_b, doc_type="NQ", title="Nghị quyết", issued_on=D(2023, 3, 6), by=None
        )
        # Not reset in 2024 (R-DOC-03); each type its own sequence (R-DOC-04); each issuer too.
        self.assertEqual(
            [first.number, second.number, report.number, other.number],
            ["01-NQ/CB", "02-NQ/CB", "01-BC/CB", "01-NQ/CB"],
        )
        self.assertEqual(first.meeting, self.meeting)
        self.assertEqual(list(self.nq12.implemented_by.all()), [report])

    def test_a_resolution_adopted_at_a_meeting_bears_its_date_and_cell(self):
        from django.core.exceptions import ValidationError

        with self.assertRaises(ValidationError) as refused:
            ops.issue(
                cell=self.cell_a,
                doc_type="NQ",
                title="NQ",
                issued_on=D(2023, 3, 7),
                meeting=self.meeting,
                by=None,
            )
        self.assertIn("06/03/2023", str(refused.exception))
        with self.assertRaises(ValidationError):
            ops.issue(
                cell=self.cell_b,
                doc_type="NQ",
                title="NQ",
                issued_on=D(2023, 3, 6),
                meeting=self.meeting,
                by=None,
            )
        self.assertFalse(Document.objects.filter(direction="own").exists())

    def test_an_incoming_document_is_recorded_once(self):
        from django.core.exceptions import ValidationError

        with self.assertRaises(ValidationError):
            ops.receive(
                organization=self.district,
                doc_type="NQ",
                number="Số 12-NQ/TW",
                issuer_name="Bộ Chính trị",
                title="x",
                issued_on=D(2022, 3, 16),
                by=None,
            )

    def test_the_paper_follows_the_party_format(self):
        document = ops.issue(
            cell=self.cell_a,
            doc_type="NQ",
            title="lãnh đạo công tác tháng 3",
            summary="Chi bộ thống nhất.\nGiao chi ủy thực hiện.",
            issued_on=D(2023, 3, 6),
            meeting=self.meeting,
            by=None,
        )
        self.login(self.secretary)
        response = self.client.get(reverse("register:paper", args=[document.pk]))
        self.assertEqual(response.status_code, 200)
        text = "\n".join(p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs)
        tables = "\n".join(
            c.text
            for t in docx.Document(io.BytesIO(response.content)).tables
            for row in t.rows
            for c in row.cells
        )
        self.assertIn("Số 01-NQ/CB", tables)  # R-DOC-03: a space, no colon
        self.assertIn("NGHỊ QUYẾT", text)
        self.assertIn("Giao chi ủy thực hiện.", text)
        self.assertIn("T/M CHI BỘ", tables)
        self.login(self.outsider)
        self.assertEqual(
            self.client.get(reverse("register:paper", args=[document.pk])).status_code, 404
        )


class DisseminationTests(RegisterData):
    def test_f_9_completion_as_of_any_date_counts_the_make_up_session(self):
        def row(on):
            return progress.completions([self.plan_a], on)[0]

        self.assertEqual((row(D(2023, 3, 5)).reached, row(D(2023, 3, 5)).to_reach), (0, 3))
        before = row(D(2023, 3, 20))
        self.assertEqual(
            (before.reached, before.to_reach, before.percent, before.absent), (2, 3, 66, 1)
        )
        ops.record(
            dissemination=self.plan_a,
            person=self.cuong,
            presence="makeup",
            on=D(2023, 3, 25),
            by=None,
        )
        self.assertEqual(row(D(2023, 3, 24)).percent, 66)  # the make-up is not yet held
        after = row(D(2023, 3, 25))
        self.assertEqual(
            (after.reached, after.percent, after.makeup, after.complete), (3, 100, 1, True)
        )
        # The absence keeps its reason beside the make-up session.
        self.assertEqual(Participation.objects.get(person=self.cuong).reason, "Trực chiến")

    def test_an_absence_cannot_overwrite_a_study(self):
        from django.core.exceptions import ValidationError

        with self.assertRaises(ValidationError):
            ops.record(
                dissemination=self.plan_a,
                person=self.an,
                presence="absent",
                on=D(2023, 3, 7),
                reason="x",
                by=None,
            )

    def test_only_members_of_the_cell_are_recorded(self):
        from django.core.exceptions import ValidationError

        with self.assertRaises(ValidationError):
            ops.record(
                dissemination=self.plan_a,
                person=self.dung,
                presence="makeup",
                on=D(2023, 3, 7),
                by=None,
            )

    def test_acknowledge_counts_and_studies_for_lists_with_status(self):
        studies = progress.studies_for(self.cuong, D(2023, 3, 20))
        self.assertEqual(
            [(s.dissemination, s.status, s.done) for s in studies], [(self.plan_a, "absent", False)]
        )
        mark = ops.acknowledge(self.cuong, self.plan_a, D(2023, 3, 22), None)
        self.assertEqual(mark.presence, "self")
        self.assertTrue(progress.studies_for(self.cuong, D(2023, 3, 22))[0].done)
        self.assertFalse(progress.studies_for(self.cuong, D(2023, 3, 21))[0].done)
        self.assertEqual(progress.completions([self.plan_a], D(2023, 3, 22))[0].reached, 3)
        # Acknowledging again keeps the first record.
        self.assertEqual(ops.acknowledge(self.cuong, self.plan_a, D(2023, 4, 1), None).pk, mark.pk)
        self.assertEqual(progress.studies_for(self.an, D(2023, 3, 6))[0].status_label, "Có mặt")

    def test_f_9_overdue_dissemination_is_a_finding(self):
        findings = checks.run(scope_ids=None, on=D(2023, 4, 1))
        overdue = [f for f in findings if f.rule_id == "F-9"]
        # Cell B's deadline passed with its member not reached; cell A's is still ahead.
        self.assertEqual([f.organization_id for f in overdue], [self.cell_b.pk])
        self.assertIn("12-NQ/TW", overdue[0].message)
        self.assertIn("0/1", overdue[0].message)
        self.assertIn("Nghị quyết 12-NQ/TW", overdue[0].regulation)
        self.assertEqual(
            [
                f.organization_id
                for f in checks.run(scope_ids=None, on=D(2023, 5, 2))
                if f.rule_id == "F-9"
            ],
            [self.cell_a.pk, self.cell_b.pk],
        )
        ops.record(
            dissemination=self.plan_b,
            person=self.dung,
            presence="makeup",
            on=D(2023, 5, 3),
            by=None,
        )
        self.assertFalse(
            [
                f
                for f in checks.run(scope_ids=None, on=D(2023, 5, 3))
                if f.rule_id == "F-9" and f.organization_id == self.cell_b.pk
            ]
        )

    def test_f_9_report_paragraph_states_the_figures(self):
        text = progress.report_paragraph(
            [self.cell_a.pk, self.cell_b.pk], D(2023, 1, 1), D(2023, 5, 23)
        )
        self.assertIn("Nghị quyết số 12-NQ/TW ngày 16/03/2022 của Bộ Chính trị", text)
        self.assertIn("2/4 đảng viên đã học (đạt 50%)", text)
        self.assertIn("0/2 chi bộ hoàn thành", text)
        self.assertIsNone(
            progress.report_paragraph([self.cell_a.pk], D(2023, 4, 1), D(2023, 5, 23))
        )


class AdviceTests(RegisterData):
    def test_f_8_advice_adopted_as_the_committees_resolution(self):
        advice = ops.submit_advice(
            cell=self.cell_a,
            doc_type="NQ",
            title="Dự thảo nghị quyết ANTT",
            submitted_on=D(2023, 1, 10),
            by=None,
        )
        self.assertEqual(advice.committee, self.commune_a)
        resolution = ops.receive(
            organization=self.commune_a,
            doc_type="NQ",
            number="05-NQ/ĐU",
            issuer_name="Đảng ủy xã A",
            title="lãnh đạo bảo đảm an ninh, trật tự",
            issued_on=D(2023, 2, 1),
            security=True,
            by=None,
        )
        ops.decide_advice(
            advice=advice,
            outcome=Outcome.ADOPTED,
            decided_on=D(2023, 2, 1),
            resolution=resolution,
            by=None,
        )
        advice.refresh_from_db()
        self.assertEqual(advice.outcome_on(D(2023, 1, 31)), Outcome.PENDING)
        self.assertEqual(advice.outcome_on(D(2023, 2, 1)), Outcome.ADOPTED)

    def test_f_8_a_resolution_of_another_committee_is_refused(self):
        from django.core.exceptions import ValidationError

        advice = ops.submit_advice(
            cell=self.cell_a, doc_type="KH", title="Kế hoạch", submitted_on=D(2023, 1, 10), by=None
        )
        other = ops.receive(
            organization=self.commune_b,
            doc_type="NQ",
            number="01-NQ/ĐU",
            issuer_name="Đảng ủy xã B",
            title="x",
            issued_on=D(2023, 2, 1),
            by=None,
        )
        with self.assertRaises(ValidationError):
            ops.decide_advice(
                advice=advice,
                outcome=Outcome.ADOPTED,
                decided_on=D(2023, 2, 1),
                resolution=other,
                by=None,
            )
        self.assertEqual(Advice.objects.get().outcome, Outcome.PENDING)

    @override_settings(CHIBO_SECURITY_RESOLUTION_BY="06-30")
    def test_f_8_a_committee_without_its_security_resolution_by_the_configured_day(self):
        def flagged(on):
            return sorted(
                f.organization_id for f in checks.run(scope_ids=None, on=on) if f.rule_id == "F-8"
            )

        self.assertEqual(flagged(D(2023, 6, 30)), [])  # the day itself is still in time
        self.assertEqual(flagged(D(2023, 7, 1)), [self.commune_a.pk, self.commune_b.pk])
        ops.receive(
            organization=self.commune_a,
            doc_type="NQ",
            number="05-NQ/ĐU",
            issuer_name="Đảng ủy xã A",
            title="an ninh, trật tự",
            issued_on=D(2023, 7, 2),
            security=True,
            by=None,
        )
        self.assertEqual(flagged(D(2023, 7, 2)), [self.commune_b.pk])
        # A resolution of 2023 does not cover 2024.
        self.assertEqual(flagged(D(2024, 7, 1)), [self.commune_a.pk, self.commune_b.pk])

    def test_the_checks_are_in_the_engine(self):
        self.assertIn(check_dissemination, checks.CHECKS)
        self.assertIn(check_security_resolution, checks.CHECKS)


class PageTests(RegisterData):
    def test_list_per_role_and_scope(self):
        own_b = ops.issue(
            cell=self.cell_b,
            doc_type="NQ",
            title="Riêng chi bộ B",
            issued_on=D(2023, 3, 6),
            by=None,
        )
        url = reverse("register:documents") + "?as_of=2023-05-24"
        for user in (
            self.admin,
            self.board,
            self.committee,
            self.secretary,
            self.viewer,
            self.outsider,
            self.superuser,
        ):
            with self.subTest(user=user.username):
                self.login(user)
                response = self.client.get(url)
                self.assertContains(response, "12-NQ/TW")  # the district's record, read below it
                seen_b = "Riêng chi bộ B" in response.content.decode()
                self.assertEqual(seen_b, user not in (self.committee, self.secretary))
        self.login(self.secretary)
        self.assertEqual(
            self.client.get(reverse("register:document", args=[own_b.pk])).status_code, 404
        )
        self.assertEqual(self.client.post(url).status_code, 405)
        self.login(self.police_viewer)
        # The police committee is no territorial superior of the district's record.
        self.assertNotContains(self.client.get(url), "12-NQ/TW")

    def test_as_of_search_and_sort(self):
        ops.receive(
            organization=self.district,
            doc_type="CT",
            number="05-CT/TW",
            issuer_name="Ban Bí thư",
            title="tăng cường công tác bảo vệ",
            issued_on=D(2023, 5, 1),
            by=None,
        )
        self.login(self.viewer)
        page = self.client.get(reverse("register:documents"), {"as_of": "30/04/2023"})
        self.assertNotContains(page, "05-CT/TW")  # not issued yet on that day
        found = self.client.get(
            reverse("register:documents"), {"as_of": "2023-05-24", "q": "tang cuong BAO VE"}
        )
        self.assertContains(found, "05-CT/TW")
        self.assertNotContains(found, "12-NQ/TW")
        ordered = self.client.get(
            reverse("register:documents"), {"as_of": "2023-05-24", "sort": "date"}
        )
        body = ordered.content.decode()
        self.assertLess(body.index("12-NQ/TW"), body.index("05-CT/TW"))
        self.assertEqual(
            self.client.get(reverse("register:documents"), {"sort": "x"}).status_code, 400
        )

    def test_export_opens_with_the_rows(self):
        self.login(self.viewer)
        response = self.client.get(reverse("register:export"), {"as_of": "2023-05-24"})
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        values = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
        self.assertIn("12-NQ/TW", values)
        self.assertIn("Bộ Chính trị", values)

    def test_write_pages_per_role(self):
        for name in ("own_new", "incoming_new", "advice_new", "dissemination_new"):
            url = reverse(f"register:{name}") + "?as_of=2023-05-24"
            self.assert_statuses(
                "GET", url, {self.secretary: 200, self.board: 200, self.viewer: 403}
            )
            self.assert_statuses("PUT", url, {self.secretary: 405})
        record = reverse("register:participation_new", args=[self.plan_a.pk]) + "?as_of=2023-05-24"
        self.assert_statuses(
            "GET", record, {self.secretary: 200, self.viewer: 403, self.outsider: 404}
        )

    def test_issue_own_document_on_the_page(self):
        self.login(self.secretary)
        url = reverse("register:own_new") + "?as_of=2023-03-06"
        response = self.client.post(
            url,
            {
                "cell": self.cell_a.pk,
                "doc_type": "NQ",
                "title": "Nghị quyết tháng 3",
                "issued_on": "06/03/2023",
                "meeting": self.meeting.pk,
            },
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Document.objects.get(direction="own").number, "01-NQ/CB")
        self.login(self.outsider)
        refused = self.client.post(
            url, {"cell": self.cell_a.pk, "doc_type": "NQ", "title": "x", "issued_on": "06/03/2023"}
        )
        self.assertEqual(refused.status_code, 400)
        self.assertEqual(Document.objects.filter(direction="own").count(), 1)

    def test_dissemination_pages(self):
        self.login(self.committee)
        listing = self.client.get(reverse("register:disseminations"), {"as_of": "2023-03-20"})
        self.assertContains(listing, "2/3 đảng viên đã học (66%)")
        detail = self.client.get(
            reverse("register:dissemination", args=[self.plan_a.pk]), {"as_of": "2023-03-20"}
        )
        self.assertContains(detail, "Trực chiến")
        self.login(self.outsider)
        self.assertEqual(
            self.client.get(reverse("register:dissemination", args=[self.plan_a.pk])).status_code,
            404,
        )

    def test_record_participation_on_the_page(self):
        self.login(self.secretary)
        url = reverse("register:participation_new", args=[self.plan_a.pk]) + "?as_of=2023-03-25"
        response = self.client.post(
            url, {"person": self.cuong.pk, "presence": "makeup", "on": "25/03/2023"}
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Participation.objects.get(person=self.cuong).presence, "makeup")

    def test_advice_pages(self):
        advice = ops.submit_advice(
            cell=self.cell_a,
            doc_type="NQ",
            title="Dự thảo ANTT",
            submitted_on=D(2023, 1, 10),
            by=None,
        )
        url = reverse("register:advice_decide", args=[advice.pk]) + "?as_of=2023-02-01"
        self.assert_statuses(
            "GET", url, {self.secretary: 200, self.viewer: 403, self.outsider: 404}
        )
        self.login(self.committee)
        self.assertEqual(
            self.client.post(url, {"outcome": "returned", "decided_on": "01/02/2023"}).status_code,
            302,
        )
        self.assertContains(
            self.client.get(reverse("register:advice"), {"as_of": "2023-02-01"}), "Trả lại"
        )
        self.assertContains(
            self.client.get(reverse("register:advice"), {"as_of": "2023-01-31"}), "Đang chờ"
        )

    def test_csrf_enforced_page_post(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.secretary)
        action, sent = fill(
            client,
            reverse("register:incoming_new") + "?as_of=2023-05-24",
            {
                "organization": self.cell_a.pk,
                "doc_type": "CT",
                "number": "01-CT/ĐU",
                "issuer_name": "Đảng ủy xã A",
                "title": "Chỉ thị",
                "issued_on": "02/05/2023",
            },
            "number",
        )
        bare = {k: v for k, v in sent.items() if k != "csrfmiddlewaretoken"}
        self.assertEqual(client.post(action, bare).status_code, 403)
        self.assertFalse(Document.objects.filter(number="01-CT/ĐU").exists())
        self.assertEqual(client.post(action, sent).status_code, 302)
        self.assertTrue(Document.objects.filter(number="01-CT/ĐU").exists())


class ApiTests(RegisterData):
    def test_documents_per_role(self):
        url = "/api/v1/documents?as_of=2023-05-24&kind=incoming"
        self.assert_statuses(
            "GET", url, {self.secretary: 200, self.viewer: 200, self.outsider: 200}
        )
        self.login(self.secretary)
        rows = self.client.get(url).json()
        self.assertEqual([r["number"] for r in rows], ["12-NQ/TW"])
        self.assertEqual(self.client.get("/api/v1/documents?kind=x").status_code, 400)
        self.assertEqual(self.client.delete("/api/v1/documents").status_code, 405)

    def test_issue_per_role(self):
        body = {
            "cell": self.cell_a.pk,
            "doc_type": "NQ",
            "title": "NQ qua API",
            "issued_on": "2023-03-06",
            "meeting": self.meeting.pk,
        }
        self.login(self.viewer)
        self.assertEqual(
            self.client.post(
                "/api/v1/documents/own", body, content_type="application/json"
            ).status_code,
            403,
        )
        self.login(self.outsider)
        self.assertEqual(
            self.client.post(
                "/api/v1/documents/own", body, content_type="application/json"
            ).status_code,
            400,
        )
        self.login(self.secretary)
        created = self.client.post("/api/v1/documents/own", body, content_type="application/json")
        self.assertEqual(created.status_code, 201, created.content)
        self.assertEqual(
            (created.json()["number"], created.json()["meeting"]), ("01-NQ/CB", self.meeting.pk)
        )
        self.login(self.outsider)
        self.assertEqual(
            self.client.get(f"/api/v1/documents/{created.json()['id']}").status_code, 404
        )

    def test_disseminations_per_cell(self):
        self.login(self.board)
        rows = self.client.get(
            f"/api/v1/disseminations?as_of=2023-03-20&document={self.nq12.pk}"
        ).json()
        self.assertEqual(
            [(r["cell"], r["to_reach"], r["reached"], r["percent"]) for r in rows],
            [(self.cell_a.pk, 3, 2, 66), (self.cell_b.pk, 1, 0, 0)],
        )
        self.login(self.outsider)
        rows = self.client.get("/api/v1/disseminations?as_of=2023-03-20").json()
        self.assertEqual([r["cell"] for r in rows], [self.cell_b.pk])

    def test_plan_and_record_through_the_api(self):
        self.plan_b.delete()
        self.login(self.outsider)
        body = {
            "document": self.nq12.pk,
            "cell": self.cell_b.pk,
            "method": "session",
            "session_on": "2023-04-02",
            "due_on": "2023-04-30",
        }
        created = self.client.post("/api/v1/disseminations", body, content_type="application/json")
        self.assertEqual(created.status_code, 201, created.content)
        plan = Dissemination.objects.get(cell=self.cell_b)
        mark = {"person": self.dung.pk, "presence": "present", "on": "2023-04-02"}
        url = f"/api/v1/disseminations/{plan.pk}/participations"
        self.login(self.viewer)
        self.assertEqual(
            self.client.post(url, mark, content_type="application/json").status_code, 403
        )
        self.login(self.secretary)
        self.assertEqual(
            self.client.post(url, mark, content_type="application/json").status_code, 404
        )
        self.login(self.outsider)
        self.assertEqual(
            self.client.post(url, mark, content_type="application/json").status_code, 201
        )

    def test_advice_through_the_api_with_a_token_and_csrf_enforced(self):
        _token, key = ApiToken.issue(user=self.secretary, name="thử")
        client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {key}"})
        body = {
            "cell": self.cell_a.pk,
            "doc_type": "NQ",
            "title": "Dự thảo ANTT",
            "submitted_on": "2023-01-10",
        }
        created = client.post("/api/v1/advice", body, content_type="application/json")
        self.assertEqual(created.status_code, 201, created.content)
        self.assertEqual(created.json()["committee"], self.commune_a.pk)
        resolution = ops.receive(
            organization=self.commune_a,
            doc_type="NQ",
            number="05-NQ/ĐU",
            issuer_name="Đảng ủy xã A",
            title="ANTT",
            issued_on=D(2023, 2, 1),
            security=True,
            by=None,
        )
        decided = client.post(
            f"/api/v1/advice/{created.json()['id']}/decision",
            {"outcome": "adopted", "decided_on": "2023-02-01", "resolution": resolution.pk},
            content_type="application/json",
        )
        self.assertEqual(decided.status_code, 200, decided.content)
        self.assertEqual(decided.json()["resolution_number"], "05-NQ/ĐU")
        listed = client.get("/api/v1/advice?as_of=2023-01-31").json()
        self.assertEqual(listed[0]["outcome"], "pending")
        self.login(self.secretary)
        session = Client(enforce_csrf_checks=True)
        session.force_login(self.secretary)
        self.assertEqual(
            session.post("/api/v1/advice", body, content_type="application/json").status_code, 403
        )


class QueryCountTests(RegisterData):
    def test_the_dissemination_list_costs_the_same_for_more_plans(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.login(self.board)

        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                response = self.client.get("/api/v1/disseminations?as_of=2023-03-20")
            self.assertEqual(response.status_code, 200)
            return len(captured)

        before = queries()
        other = ops.receive(
            organization=self.district,
            doc_type="CT",
            number="05-CT/TW",
            issuer_name="Ban Bí thư",
            title="x",
            issued_on=D(2023, 1, 2),
            by=None,
        )
        for cell in (self.cell_a, self.cell_b):
            ops.plan(
                document=other,
                cell=cell,
                method="session",
                session_on=D(2023, 3, 1),
                due_on=D(2023, 3, 30),
                by=None,
            )
        self.assertEqual(queries(), before)


class ReviewFixTests(RegisterData):
    """Found in review of the merged issue 15."""

    def test_f_9_a_plan_at_a_meeting_before_the_document_is_refused_at_the_meeting(self):
        later = ops.receive(
            organization=self.district,
            doc_type="CT",
            number="05-CT/TW",
            issuer_name="Ban Bí thư",
            title="về một việc",
            issued_on=D(2023, 5, 10),
            by=None,
        )
        # The session day the form checked is after the document; the meeting chosen is not.
        with self.assertRaises(ValidationError) as refused:
            ops.plan(
                document=later,
                cell=self.cell_a,
                method="meeting",
                meeting=self.meeting,  # 6/3/2023
                session_on=D(2023, 5, 15),
                due_on=D(2023, 6, 30),
                by=None,
            )
        self.assertIn("meeting", refused.exception.message_dict)
        self.assertFalse(Dissemination.objects.filter(document=later).exists())

    def test_the_history_link_shows_only_where_the_history_opens(self):
        self.login(self.secretary)
        page = self.client.get(reverse("register:document", args=[self.nq12.pk]))
        self.assertEqual(page.status_code, 200)
        # NQ 12 is the district's record: the cell reads it, not the district's history.
        history = reverse("audit:history", args=["organization", self.district.pk])
        self.assertNotContains(page, history)
        self.login(self.board)
        self.assertContains(
            self.client.get(reverse("register:document", args=[self.nq12.pk])), history
        )
