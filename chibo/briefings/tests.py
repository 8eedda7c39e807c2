"""The reporting conference: the papers from the demo (figures, R-DOC-*), issued papers kept
as issued, tasks followed until closed, the role matrix and malformed input."""

import datetime as dt
import io
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase, TestCase
from django.urls import reverse
from docx import Document

from chibo.accounts.models import User
from chibo.briefings import operations as ops
from chibo.briefings.models import Assignment, Conference, IssuedPaper, Recommendation, RecStatus
from chibo.demo import briefings as demo_briefings
from chibo.demo import meetings as demo_meetings
from chibo.demo import people, structure, terms, users
from chibo.members import operations as members
from chibo.test import ChiboTestCase, add_member

D = dt.date


def paragraphs(content: bytes) -> tuple[Document, list[str]]:
    document = Document(io.BytesIO(content))
    return document, [p.text for p in document.paragraphs]


class LayerTests(SimpleTestCase):
    def test_papers_do_not_import_the_checks_that_import_briefings(self):
        """Conventions, layers: the checks read briefings, so briefings receives their
        findings (``use_findings``) instead of importing them; rules hands in the checks'
        own run, never served findings: an issued paper states what is found when issued."""
        import ast
        import inspect

        from chibo.briefings import annex, models, operations, papers, views

        for module in (papers, models, operations, views, annex):
            tree = ast.parse(inspect.getsource(module))
            imported = {
                node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
            } | {
                a.name
                for node in ast.walk(tree)
                if isinstance(node, ast.Import)
                for a in node.names
            }
            above = ("chibo.rules", "chibo.compliance", "chibo.reports")
            self.assertFalse({m for m in imported if m and m.startswith(above)}, module)
        from chibo.compliance import checks

        self.assertEqual(papers._findings_source, [checks.run])


class DemoPapersTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = tree = structure.build()
        people.build(tree)
        terms.build(tree)
        # The demo's meetings of 2023 up to the conference's month, as the demo records them
        # (its builder runs to "today"; the papers read nothing later than 24/5/2023).
        with mock.patch("django.utils.timezone.localdate", return_value=D(2023, 5, 31)):
            demo_meetings.build()
        demo_briefings.build(tree)
        users.build(tree)
        cls.conference = Conference.objects.get()
        cls.board = User.objects.get(username="bantochuc")

    def test_bao_cao_states_the_article_figures_in_the_party_format(self):
        self.client.force_login(self.board)
        paper = IssuedPaper.objects.get(kind="BC")
        response = self.client.get(reverse("briefings:paper", args=[paper.pk]))
        content = b"".join(response.streaming_content) if response.streaming else response.content
        document, body = paragraphs(content)
        left, right = document.tables[0].rows[0].cells
        self.assertEqual(
            [p.text for p in left.paragraphs],
            ["ĐẢNG BỘ TỈNH QUẢNG NAM", "HUYỆN ỦY HIỆP ĐỨC", "*", "Số 01-BC/HU"],
        )
        issuer = left.paragraphs[1].runs[0]
        self.assertEqual(
            (issuer.font.size.pt, issuer.bold, issuer.font.name), (14, True, "Times New Roman")
        )
        party = right.paragraphs[0].runs[0]
        self.assertEqual(
            (party.text, party.font.size.pt, party.bold), ("ĐẢNG CỘNG SẢN VIỆT NAM", 15, True)
        )
        date = right.paragraphs[2].runs[0]
        self.assertEqual(
            (date.text, date.italic, date.font.size.pt),
            ("Hiệp Đức, ngày 24 tháng 5 năm 2023", True, 14),
        )
        title = next(p for p in document.paragraphs if p.text == "BÁO CÁO")
        self.assertEqual((title.runs[0].font.size.pt, title.runs[0].bold), (16, True))
        figures = next(t for t in body if t.startswith("Thực hiện Điều lệ Đảng"))
        for text in (
            "11/11 chi bộ công an trực thuộc 11 đảng ủy xã, thị trấn",
            "55 đảng viên",
            "03 đảng viên dự bị",
            "07/11 chi bộ có Bí thư và Phó Bí thư",
            "04/11 chi bộ có Bí thư",
            "100% chi bộ",
            "Quy định số 192-QĐ/TW",
        ):
            self.assertIn(text, figures)
        signature = [p.text for p in document.tables[1].rows[0].cells[1].paragraphs]
        self.assertEqual(signature[:2], ["T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ"])
        self.assertEqual(signature[-1], "Lê Thị Thu Hà")
        recipients = document.tables[1].rows[0].cells[0].paragraphs
        self.assertTrue(recipients[0].runs[0].underline)
        self.assertEqual(recipients[1].runs[0].font.size.pt, 12)
        self.assertEqual(recipients[-1].text, "- Lưu Văn phòng Huyện ủy.")

    def test_thong_bao_names_each_group_once(self):
        """The tasks grouped under who carries them out, each group named once; no list of
        the 11 cells or the 11 committees (issue 14)."""
        paper = IssuedPaper.objects.get(kind="TB")
        document, body = paragraphs(bytes(paper.content))
        self.assertEqual(document.tables[0].rows[0].cells[0].paragraphs[3].text, "Số 01-TB/HU")
        self.assertIn("THÔNG BÁO", body)
        self.assertTrue(
            any(
                t.startswith("kết luận của Ban Thường vụ Huyện ủy tại hội nghị trực báo")
                for t in body
            )
        )
        self.assertEqual(
            [t for t in body if t[:3] in {"I- ", "II-"}],
            ["I- ĐÁNH GIÁ CHUNG", "II- NHIỆM VỤ THỜI GIAN TỚI"],
        )
        tasks = body[body.index("II- NHIỆM VỤ THỜI GIAN TỚI") + 1 :]
        self.assertEqual(tasks[0], "1. Các chi bộ Công an xã, thị trấn:")
        self.assertTrue(tasks[1].startswith("- Tiếp tục phát huy những kết quả đạt được"))
        self.assertTrue(tasks[1].endswith("Thời hạn: 31/12/2023."))  # R-TXT-01
        self.assertTrue(tasks[2].endswith("Thời hạn: 30/9/2023."))
        self.assertTrue(tasks[3].startswith("2. Đảng ủy các xã, thị trấn: Tiếp tục lãnh đạo"))
        self.assertTrue(tasks[4].startswith("3. Đảng ủy Công an huyện: Phối hợp xây dựng"))
        text = "\n".join(body)
        self.assertEqual(text.count("Các chi bộ Công an xã, thị trấn:"), 1)
        self.assertNotIn("Giao:", text)
        self.assertNotIn("Chi bộ Công an xã Bình Lâm", text)
        self.assertNotIn("Đảng ủy xã Bình Lâm", text)
        self.assertIn(
            "Ban Thường vụ Huyện ủy thông báo để các cấp ủy, tổ chức đảng liên quan biết, thực hiện.",
            body,
        )

    def test_bao_cao_states_the_shortcomings_the_data_shows(self):
        """Issue 14: the missed April meeting of Sông Trà (R-MTG-01), the 10 meetings without
        the superior (F-6), the cells without a deputy (R-ORG-04), the open findings under
        their regulation's name, the cells' difficulties; no rule code, no padded date."""
        _document, body = paragraphs(bytes(IssuedPaper.objects.get(kind="BC").content))
        self.assertEqual(
            [t for t in body if t[:3] in {"I- ", "II-", "III", "IV-"}],
            [
                "I- TÌNH HÌNH TỔ CHỨC",
                "II- KẾT QUẢ HOẠT ĐỘNG",
                "III- HẠN CHẾ, THIẾU SÓT",
                "IV- KHÓ KHĂN, VƯỚNG MẮC VÀ KIẾN NGHỊ, ĐỀ XUẤT",
            ],
        )
        # The demo draws who attends from its records' ids, which differ between databases
        # (PostgreSQL's sequences are not reset between tests): the figures are counted here.
        from chibo.meetings.models import Evaluation, Meeting, Side, Stage

        held = Meeting.objects.filter(date__gte=dt.date(2023, 1, 1), date__lte=dt.date(2023, 5, 23))
        held = held.exclude(stage=Stage.PLANNED)
        total, present = held.count(), held.filter(superior_present=True).count()
        self.assertEqual(total, 76)
        self.assertGreater(total, present)
        results = next(t for t in body if t.startswith("Từ ngày 1/1/2023 đến ngày 23/5/2023"))
        self.assertIn(f"cấp ủy cấp trên dự {present}/{total} buổi", results)
        finals = Evaluation.objects.filter(meeting__in=held, side=Side.FINAL)
        good = finals.filter(level="Tốt").count()
        self.assertIn(f"{good} buổi đạt loại Tốt", results)
        self.assertIn("- Chi bộ Công an xã Sông Trà: tháng 4/2023 không sinh hoạt thường kỳ.", body)
        superior = next(t for t in body if "không có đồng chí cấp ủy cấp trên dự" in t)
        self.assertTrue(superior.startswith(f"- {total - present}/{total} buổi sinh hoạt"))
        absent = held.filter(superior_present=False)
        first = absent.order_by("cell_id").first()
        name = first.cell.version_on(first.date).name
        self.assertIn(f"{name} ({absent.filter(cell=first.cell).count()} buổi)", superior)
        deputies = next(t for t in body if "chưa có Phó Bí thư" in t)
        self.assertEqual(
            deputies,
            "- 04/11 chi bộ chưa có Phó Bí thư: Chi bộ Công an xã Bình Sơn, Chi bộ Công an xã "
            "Hiệp Thuận, Chi bộ Công an xã Phước Trà, Chi bộ Công an xã Quế Thọ.",
        )
        # The open findings under Hướng dẫn 12 are counted from the engine, on the
        # conference's day, over its host's tree (which of them the draws produce differs
        # between databases); the paper groups them under the guide's name, never its code.
        from chibo.briefings.papers import SHOWN_APART, paper_text
        from chibo.compliance import checks
        from chibo.orgs.models import Organization

        on = self.conference.date
        scope = Organization.objects.subtree_ids(
            [self.conference.host_id], on, with_predecessors=True
        )
        by_source: dict[str, list] = {}
        for f in checks.run(scope_ids=scope, on=on):
            source = paper_text(f.regulation.split(";")[0])
            if f.rule_id not in SHOWN_APART and source.startswith("Hướng dẫn 12-HD/BTCTW"):
                by_source.setdefault(source, []).append(f)
        self.assertTrue(by_source)
        for source, found in by_source.items():
            line = next(t for t in body if t.startswith(f"- Theo {source}: "))
            self.assertIn(f": {len(found)} trường hợp tại ", line)
            self.assertIn(paper_text(found[0].message).rstrip(".")[1:], line)
        self.assertIn(
            "11/11 chi bộ báo cáo: chưa có hướng dẫn hoạt động riêng cho loại hình chi bộ này.",
            body,
        )
        self.assertIn(
            "- Chi bộ Công an xã Sông Trà đề nghị tổ chức tập huấn nghiệp vụ công tác đảng cho "
            "bí thư chi bộ.",
            body,
        )
        text = "\n".join(body)
        self.assertNotRegex(text, r"\b(R-[A-Z]+-\d+|F-\d+|BRIEF)\b")
        self.assertNotRegex(text, r"\b0\d/\d{1,2}/\d{4}|\b\d{1,2}/0\d/\d{4}")
        self.assertNotIn("Các chi bộ:", text)

    def test_bao_cao_lists_what_is_overdue_on_its_day(self):
        """A later conference of the same committee sees the recommendation of Phước Trà
        still unanswered past 31/8/2023 and the tasks not closed by their due dates."""
        later = ops.create_conference(
            host=self.conference.host,
            title="quý III năm 2023",
            date=D(2023, 10, 16),
            period_start=D(2023, 5, 24),
            period_end=D(2023, 10, 15),
            invited=ops.cells_of(self.conference.host, D(2023, 10, 16)),
            by=None,
        )
        from chibo.briefings import papers

        _document, body = paragraphs(papers.render(later, "BC"))
        self.assertIn(
            "- Kiến nghị của Chi bộ Công an xã Phước Trà gửi Đảng ủy xã Phước Trà chưa được trả "
            "lời (hạn 31/8/2023): Đề nghị bố trí phòng sinh hoạt chi bộ tại trụ sở Công an xã.",
            body,
        )
        open_tasks = Assignment.objects.filter(
            closed_on__isnull=True, conclusion__due_on__lt=D(2023, 10, 16)
        ).count()
        self.assertGreater(open_tasks, 0)
        overdue = [t for t in body if "chưa hoàn thành nhiệm vụ được giao (hạn 30/9/2023)" in t]
        self.assertEqual(len(overdue), open_tasks)
        # Before the due date nothing of it is overdue.
        _document, before = paragraphs(papers.render(self.conference, "BC"))
        self.assertFalse([t for t in before if "chưa được trả lời" in t or "chưa hoàn thành" in t])

    def test_r_doc_08_recipients_from_the_structure_in_force(self):
        """A conference of 11/2026 proposes no district body, abolished on 1/7/2025 (R-GEO-03,
        R-POL-06); in 2023 the district's own bodies."""
        from chibo.briefings import papers

        commune = self.tree.communes["Hiệp Đức (2025)"]
        self.assertEqual(
            papers.proposed_recipients(commune, D(2026, 11, 20)),
            [
                "- Ban Thường vụ Thành ủy (b/c),",
                "- Đảng ủy Công an thành phố Đà Nẵng,",
                "- Chi bộ Công an xã Hiệp Đức,",
                "- Lưu Văn phòng Đảng ủy.",
            ],
        )
        self.assertEqual(
            papers.proposed_recipients(self.tree.district, D(2023, 5, 24)),
            [
                "- Ban Thường vụ Tỉnh ủy (b/c),",
                "- Các đảng ủy xã, thị trấn,",
                "- Đảng ủy Công an huyện Hiệp Đức,",
                "- Các chi bộ Công an xã, thị trấn,",
                "- Lưu Văn phòng Huyện ủy.",
            ],
        )
        planned = ops.create_conference(
            host=commune,
            title="năm 2026",
            date=D(2026, 11, 20),
            period_start=D(2026, 1, 1),
            period_end=D(2026, 11, 19),
            invited=ops.cells_of(commune, D(2026, 11, 20)),
            by=None,
        )
        document, body = paragraphs(papers.render(planned, "TB"))
        block = document.tables[-1].rows[0].cells
        recipients = "\n".join(p.text for p in block[0].paragraphs)
        self.assertNotIn("huyện", recipients.casefold())
        self.assertNotIn("Tỉnh ủy", recipients)
        self.assertEqual(
            [p.text for p in document.tables[0].rows[0].cells[0].paragraphs][:2],
            ["ĐẢNG BỘ THÀNH PHỐ ĐÀ NẴNG", "ĐẢNG ỦY XÃ HIỆP ĐỨC"],
        )
        self.assertIn("Ban Thường vụ Đảng ủy thông báo", "\n".join(body))

    def test_r_doc_07_signer_title_from_the_chairs_post_on_the_day(self):
        """The chair is Phó Bí thư of the Huyện ủy on the day: PHÓ BÍ THƯ, whatever title was
        typed; made Bí thư later, a later paper says BÍ THƯ."""
        from chibo.briefings import papers
        from chibo.members.models import Position, Role

        Conference.objects.filter(pk=self.conference.pk).update(signer_title="BÍ THƯ")
        self.conference.refresh_from_db()
        document, _body = paragraphs(papers.render(self.conference, "TB"))
        signature = [p.text for p in document.tables[-1].rows[0].cells[1].paragraphs]
        self.assertEqual(signature[:2], ["T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ"])
        Position.objects.filter(person=self.conference.chair, role=Role.DEPUTY).update(
            valid_to=D(2024, 1, 1)
        )
        Position.objects.create(
            person=self.conference.chair,
            organization=self.conference.host,
            role=Role.SECRETARY,
            valid_from=D(2024, 1, 1),
        )
        self.assertEqual(papers._signature(self.conference).title_lines[1], "PHÓ BÍ THƯ")
        later = Conference.objects.get(pk=self.conference.pk)
        later.date = D(2024, 5, 24)
        self.assertEqual(papers._signature(later).title_lines[1], "BÍ THƯ")

    @pytest.mark.once
    def test_r_doc_08_every_paper_on_paper(self):
        """Every paper rendered to PDF by LibreOffice and read back with poppler: its page
        count, no number on page 1, "2" at the top of page 2, the signature block whole on
        one page with body text above it, no rule code (issue 14)."""
        from chibo.briefings import papers
        from chibo.lib.tests_partydoc import pdf_page_count, pdf_pages, to_pdf
        from chibo.meetings import minutes
        from chibo.meetings.models import Meeting

        meeting = Meeting.objects.filter(date__month=5).order_by("date", "pk").first()
        issued = {p.kind: bytes(p.content) for p in IssuedPaper.objects.all()}
        docx = {
            "bao-cao": issued["BC"],
            "thong-bao": issued["TB"],
            "du-thao-bao-cao": papers.render(self.conference, "BC"),
            "bien-ban": minutes.render(meeting),
        }
        # The BÁO CÁO runs to 3 pages since it reports the study of NQ 12-NQ/TW (issue 15).
        expected = {"bao-cao": 3, "thong-bao": 2, "du-thao-bao-cao": 3, "bien-ban": 2}
        signers = {name: "Lê Thị Thu Hà" for name in docx} | {"bien-ban": meeting.chair.full_name}
        pdfs = to_pdf(docx)
        for name, path in pdfs.items():
            with self.subTest(paper=name):
                pages = pdf_pages(path)
                self.assertEqual(pdf_page_count(path), expected[name])
                self.assertEqual(len(pages), expected[name])
                lines = [[ln.strip() for ln in page.splitlines() if ln.strip()] for page in pages]
                self.assertFalse([ln for ln in lines[0] if ln.isdigit()], "page 1 has no number")
                for number, page in enumerate(lines[1:], start=2):
                    self.assertEqual(page[0], str(number))
                document = Document(io.BytesIO(docx[name]))
                last_body = [p.text for p in document.paragraphs if p.text.strip()][-1]
                flat = [" ".join(page.split()) for page in pages]
                # The signature is the name's last appearance (the chair is named above too).
                page = next(page for page in reversed(flat) if signers[name] in page)
                self.assertTrue(page.rstrip().endswith(signers[name]))
                self.assertIn(" ".join(last_body.split()[-4:]), page)
                block = document.tables[-1].rows[0].cells
                for cell in block:
                    for paragraph in cell.paragraphs:
                        if paragraph.text.strip():
                            self.assertIn(" ".join(paragraph.text.split()), page)
                self.assertNotRegex(" ".join(flat), r"\b(R-[A-Z]+-\d+|F-\d+|BRIEF)\b")
        first_pages = {name: pdf_pages(path)[0] for name, path in pdfs.items()}
        self.assertIn("DỰ THẢO", first_pages["du-thao-bao-cao"])
        self.assertNotIn("DỰ THẢO", first_pages["bao-cao"])
        self.assertIn("Số 01-BC/HU", first_pages["bao-cao"])

    def test_issued_paper_is_kept_as_issued(self):
        paper = IssuedPaper.objects.get(kind="BC")
        before = bytes(paper.content)
        cell = ops.cells_of(self.conference.host, self.conference.date)[0]
        add_member(cell, "Lê Văn Thêm", ceremony=D(2022, 1, 1))
        self.client.force_login(self.board)
        again = self.client.get(reverse("briefings:paper", args=[paper.pk])).content
        self.assertEqual(again, before)
        self.assertEqual(IssuedPaper.digest(again), paper.sha256)
        draft = self.client.get(reverse("briefings:draft", args=[self.conference.pk, "BC"])).content
        self.assertIn("56 đảng viên", " ".join(paragraphs(draft)[1]))

    def test_closing_a_task_through_the_pages_updates_the_board(self):
        self.client.force_login(self.board)
        open_task = Assignment.objects.filter(closed_at__isnull=True).first()
        followup = self.client.get(reverse("briefings:followup"))
        self.assertIn(open_task.pk, [t.pk for t, _n, _o in followup.context["tasks"]])
        self.assertTrue(all(overdue for _t, _n, overdue in followup.context["tasks"]))
        response = self.client.post(reverse("briefings:close_task", args=[open_task.pk]))
        self.assertEqual(response.status_code, 302)
        followup = self.client.get(reverse("briefings:followup"))
        self.assertNotIn(open_task.pk, [t.pk for t, _n, _o in followup.context["tasks"]])
        overdue = [r for r, *_rest in followup.context["recs"] if r.is_overdue()]
        self.assertEqual(len(overdue), 1)  # the one overdue recommendation of the demo

    def test_annex_xlsx_is_attached_to_its_report_with_totals_and_warnings(self):
        """Issue 14, item 4: headed "Kèm theo Báo cáo số …", totals, the warnings column
        filled with the day's findings (the same as the overview's)."""
        import openpyxl

        from chibo.compliance import checks
        from chibo.lib.tests_xlsx import assert_laid_out

        self.client.force_login(self.board)
        response = self.client.get(reverse("briefings:annex", args=[self.conference.pk]))
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        paper = IssuedPaper.objects.get(kind="BC")
        self.assertEqual(
            rows[2][0],
            f"Kèm theo Báo cáo số {paper.number.code} ngày "
            f"{paper.issued_on.day}/{paper.issued_on.month}/{paper.issued_on.year} "
            "của Huyện ủy Hiệp Đức",
        )
        header, cells, totals = rows[3], rows[4:-1], rows[-1]
        self.assertEqual(len(cells), 11)
        assert_laid_out(self, sheet, header_row=4, columns=len(header), last_row=15)
        self.assertEqual(sum(r[2] for r in cells), 55)
        for index, name in enumerate(header):
            if name in {"Đảng viên", "Chính thức", "Dự bị", "Cán bộ chính quy"}:
                self.assertEqual(totals[index], sum(r[index] for r in cells), name)
        self.assertEqual(totals[0], "Tổng cộng")
        self.assertEqual(totals[2:5], (55, 52, 3))
        warnings = {r[1]: r[header.index("Cảnh báo")] for r in cells}
        found = checks.run(scope_ids=None, on=self.conference.date)
        by_name = {f.organization for f in found}
        self.assertTrue(by_name & set(warnings))  # the demo's 2023 cells have findings
        for name, text in warnings.items():
            expected = [f.message for f in found if f.organization == name]
            self.assertEqual(text.split("\n") if text else [], [f"- {m}" for m in expected])


class ConferenceTestCase(ChiboTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for cell in (cls.cell_a, cls.cell_b):
            add_member(cell, f"Lê Văn {cell.pk}")
        cls.chair = members.add_person(
            data=members.PersonData(ho="Hồ", ten_dem="Thị", ten="Chủ", gender="F"),
            registered_by=cls.district,
            by=None,
        )
        cls.conference = ops.create_conference(
            host=cls.district,
            title="các chi bộ Công an xã",
            date=D(2023, 5, 24),
            period_start=D(2023, 1, 1),
            period_end=D(2023, 5, 23),
            invited=[cls.cell_a, cls.cell_b],
            chair=cls.chair,
            by=None,
            chair_title="Phó Bí thư Thường trực Huyện ủy",
        )
        cls.rec = ops.raise_recommendation(
            conference=cls.conference,
            raised_by=cls.cell_a,
            addressed_to=cls.commune_a,
            category="facilities",
            text="Phòng họp",
            raised_on=D(2023, 5, 24),
            due_on=D(2023, 8, 1),
            by=None,
        )
        conclusion = ops.add_conclusion(
            conference=cls.conference,
            text="Làm tốt",
            group="Đảng ủy các xã",
            assignees=[cls.commune_a, cls.commune_b],
            due_on=D(2023, 12, 31),
            by=None,
        )
        cls.task_a = conclusion.assignments.get(organization=cls.commune_a)


class MatrixTests(ConferenceTestCase):
    def test_role_matrix(self):
        c = self.conference
        issued = ops.issue_paper(conference=c, kind="BC", by=None)
        readers = [
            self.admin,
            self.board,
            self.committee,
            self.secretary,
            self.viewer,
            self.outsider,
        ]
        for url in (
            reverse("briefings:detail", args=[c.pk]),
            reverse("briefings:paper", args=[issued.pk]),
        ):
            self.assert_statuses("get", url, {u: 200 for u in readers})
            self.assert_statuses("post", url, {self.board: 405})
        # The whole conference's figures are the host's: invited cells see only their own.
        for url in (
            reverse("briefings:draft", args=[c.pk, "TB"]),
            reverse("briefings:annex", args=[c.pk]),
        ):
            self.assert_statuses(
                "get",
                url,
                {
                    self.admin: 200,
                    self.board: 200,
                    self.viewer: 200,
                    self.committee: 404,
                    self.secretary: 404,
                    self.outsider: 404,
                },
            )
            self.assert_statuses("post", url, {self.board: 405})
        for url in (reverse("briefings:list"), reverse("briefings:followup")):
            self.assert_statuses("get", url, {u: 200 for u in readers})
            self.assert_statuses("post", url, {self.admin: 405})
        self.assert_statuses(
            "get", reverse("briefings:detail", args=[c.pk]), {self.police_viewer: 200}
        )
        manage = [
            reverse("briefings:conclusion_new", args=[c.pk]),
            reverse("briefings:issue", args=[c.pk, "TB"]),
        ]
        for url in manage:
            self.assert_statuses(
                "get",
                url,
                {
                    self.admin: 200,
                    self.board: 200,
                    self.committee: 403,
                    self.secretary: 403,
                    self.viewer: 403,
                },
            )
            self.assert_statuses("put", url, {self.board: 405})
        self.assert_statuses("get", reverse("briefings:new"), {self.board: 200, self.viewer: 403})
        report = reverse("briefings:report", args=[c.pk, self.cell_a.pk])
        self.assert_statuses(
            "get",
            report,
            {self.secretary: 200, self.committee: 200, self.viewer: 403, self.outsider: 404},
        )
        self.assert_statuses(
            "get",
            reverse("briefings:recommendation_new", args=[c.pk]),
            {self.secretary: 200, self.viewer: 403},
        )
        answer = reverse("briefings:answer", args=[self.rec.pk])
        self.assert_statuses(
            "get",
            answer,
            {self.committee: 200, self.secretary: 403, self.viewer: 403, self.outsider: 404},
        )
        # Commune A's task is the commune's: the cell under it does not read it (issue 10).
        progress = reverse("briefings:progress", args=[self.task_a.pk])
        self.assert_statuses(
            "get",
            progress,
            {
                self.committee: 200,
                self.board: 200,
                self.viewer: 403,
                self.secretary: 404,
                self.outsider: 404,
            },
        )
        close = reverse("briefings:close_task", args=[self.task_a.pk])
        self.assert_statuses(
            "get",
            close,
            {
                self.admin: 200,
                self.board: 200,
                self.committee: 403,
                self.secretary: 404,
                self.viewer: 403,
            },
        )
        self.assert_statuses("put", close, {self.board: 405})
        self.assert_statuses("get", reverse("briefings:detail", args=[99999]), {self.admin: 404})
        self.assert_statuses(
            "get", reverse("briefings:draft", args=[c.pk, "XX"]), {self.admin: 404}
        )

    def test_other_host_is_out_of_scope(self):
        from chibo.test import make_user

        stranger = make_user("stranger", "board", self.police)
        self.assert_statuses(
            "get", reverse("briefings:detail", args=[self.conference.pk]), {stranger: 200}
        )
        other = ops.create_conference(
            host=self.commune_b,
            title="xã B",
            date=D(2023, 6, 1),
            period_start=D(2023, 1, 1),
            period_end=D(2023, 5, 31),
            invited=[self.cell_b],
            by=None,
        )
        self.assert_statuses(
            "get",
            reverse("briefings:detail", args=[other.pk]),
            {self.committee: 404, self.secretary: 404, self.outsider: 200},
        )


class FlowTests(ConferenceTestCase):
    def test_secretary_reports_and_raises_committee_answers(self):
        self.login(self.secretary)
        url = reverse("briefings:report", args=[self.conference.pk, self.cell_a.pk])
        self.assertContains(self.client.get(url), "Số liệu tính từ dữ liệu đến ngày 23/05/2023")
        self.assertEqual(
            self.client.post(url, {"security": "Ổn định", "submit": "on"}).status_code, 302
        )
        report = self.conference.reports.get(cell=self.cell_a)
        self.assertEqual((report.stage, report.figures["members"]), ("submitted", 1))
        self.assertEqual(self.client.post(url, {"security": "Sửa"}).status_code, 400)
        rec_url = reverse("briefings:recommendation_new", args=[self.conference.pk])
        response = self.client.post(
            rec_url,
            {
                "raised_by": self.cell_a.pk,
                "addressed_to": self.district.pk,
                "category": "policy",
                "text": "Chế độ",
                "due_on": "01/01/2023",
            },
        )
        self.assertContains(response, "không thể trước ngày kiến nghị", status_code=400)
        response = self.client.post(
            rec_url,
            {
                "raised_by": self.cell_b.pk,
                "addressed_to": self.district.pk,
                "category": "policy",
                "text": "Chế độ",
            },
        )
        self.assertEqual(response.status_code, 400)  # not the secretary's cell
        self.login(self.committee)
        answer = reverse("briefings:answer", args=[self.rec.pk])
        self.assertContains(
            self.client.post(answer, {"status": "answered"}),
            "Hãy ghi nội dung trả lời",
            status_code=400,
        )
        self.assertEqual(
            self.client.post(answer, {"status": "answered", "answer": "Đã bố trí"}).status_code, 302
        )
        self.rec.refresh_from_db()
        self.assertEqual(
            (self.rec.status, self.rec.answered_by), (RecStatus.ANSWERED, self.committee)
        )

    def test_progress_then_close(self):
        self.login(self.committee)
        url = reverse("briefings:progress", args=[self.task_a.pk])
        self.assertContains(
            self.client.post(url, {"on": "01/01/2023", "text": "x"}),
            "trước ngày hội nghị",
            status_code=400,
        )
        self.assertEqual(
            self.client.post(url, {"on": "01/07/2023", "text": "Đã làm"}).status_code, 302
        )
        self.login(self.board)
        self.assertEqual(
            self.client.post(reverse("briefings:close_task", args=[self.task_a.pk])).status_code,
            302,
        )
        self.task_a.refresh_from_db()
        self.assertIsNotNone(self.task_a.closed_at)
        self.login(self.committee)
        self.assertEqual(
            self.client.post(url, {"on": "01/08/2023", "text": "Nữa"}).status_code, 400
        )

    def test_issue_once_with_an_edited_docx(self):
        self.login(self.board)
        url = reverse("briefings:issue", args=[self.conference.pk, "TB"])
        fake = SimpleUploadedFile("tb.docx", b"PK\x03\x04 broken")
        self.assertContains(
            self.client.post(url, {"edited": fake, "confirm": "on"}), "Word", status_code=400
        )
        self.assertFalse(IssuedPaper.objects.exists())
        draft = self.client.get(reverse("briefings:draft", args=[self.conference.pk, "TB"])).content
        edited = SimpleUploadedFile("tb.docx", draft)
        self.assertEqual(
            self.client.post(url, {"edited": edited, "confirm": "on"}).status_code, 302
        )
        paper = IssuedPaper.objects.get()
        self.assertTrue(paper.edited)
        # The allocated number is written into the user's edited draft.
        header = Document(io.BytesIO(bytes(paper.content))).tables[0].rows[0].cells[0].paragraphs
        self.assertEqual(header[3].text, "Số 01-TB/HU")
        no_number = Document(io.BytesIO(draft))
        no_number.tables[0].rows[0].cells[0].paragraphs[3].runs[0].text = "Không số"
        buffer = io.BytesIO()
        no_number.save(buffer)
        other = ops.create_conference(
            host=self.district,
            title="y",
            date=D(2023, 6, 1),
            period_start=D(2023, 1, 1),
            period_end=D(2023, 5, 31),
            invited=[self.cell_a],
            by=None,
        )
        refused = self.client.post(
            reverse("briefings:issue", args=[other.pk, "TB"]),
            {"edited": SimpleUploadedFile("tb.docx", buffer.getvalue()), "confirm": "on"},
        )
        self.assertContains(refused, "dòng “Số …”", status_code=400)
        # Already issued: a conflict with what was done before (409), nothing written.
        self.assertContains(
            self.client.post(url, {"confirm": "on"}), "đã được ban hành", status_code=409
        )
        self.assertEqual(IssuedPaper.objects.count(), 1)

    def test_create_conference_validation(self):
        with self.assertRaisesMessage(ValidationError, "trước ngày hội nghị"):
            ops.create_conference(
                host=self.district,
                title="x",
                date=D(2023, 5, 1),
                period_start=D(2023, 1, 1),
                period_end=D(2023, 6, 1),
                invited=[],
                by=None,
            )
        self.login(self.board)
        response = self.client.post(
            reverse("briefings:new") + "?as_of=2023-05-24",
            {
                "host": self.district.pk,
                "title": "Trực báo",
                "date": "24/05/2023",
                "period_start": "01/01/2023",
                "period_end": "23/05/2023",
            },
        )
        self.assertEqual(response.status_code, 302)
        created = Conference.objects.latest("pk")
        self.assertEqual(set(created.invited.all()), {self.cell_a, self.cell_b})

    def test_overdue_marks(self):
        self.assertTrue(self.rec.is_overdue(D(2023, 8, 2)))
        self.assertFalse(self.rec.is_overdue(D(2023, 8, 1)))
        self.assertTrue(self.task_a.is_overdue(D(2024, 1, 1)))
        Recommendation.objects.filter(pk=self.rec.pk).update(status=RecStatus.ANSWERED)
        self.rec.refresh_from_db()
        self.assertFalse(self.rec.is_overdue(D(2024, 1, 1)))


class ApiTests(ConferenceTestCase):
    def post(self, url, payload=None):
        import json

        return self.client.post(url, json.dumps(payload or {}), content_type="application/json")

    def test_api_matrix_and_writes(self):
        c = self.conference
        url = f"/api/v1/conferences/{c.pk}"
        self.assert_statuses("get", url, {self.viewer: 200, self.secretary: 200, self.board: 200})
        self.assert_statuses("get", "/api/v1/conferences", {self.viewer: 200})
        self.assert_statuses("delete", url, {self.admin: 405})
        self.login(self.board)
        body = self.client.get(url).json()
        self.assertEqual(
            [t["organization_name"] for t in body["tasks"]], ["Đảng ủy xã A", "Đảng ủy xã B"]
        )
        rec_url = f"{url}/recommendations"
        payload = {
            "raised_by": self.cell_a.pk,
            "addressed_to": self.district.pk,
            "category": "policy",
            "text": "Chế độ",
        }
        self.login(self.viewer)
        self.assertEqual(self.post(rec_url, payload).status_code, 403)
        self.login(self.secretary)
        self.assertEqual(self.post(rec_url, {**payload, "category": "xx"}).status_code, 400)
        self.assertEqual(self.post(rec_url, payload).status_code, 201)
        answer = f"/api/v1/recommendations/{self.rec.pk}/answer"
        self.assertEqual(self.post(answer, {"status": "answered", "answer": "x"}).status_code, 403)
        self.login(self.outsider)
        self.assertEqual(self.post(answer, {"status": "answered", "answer": "x"}).status_code, 404)
        self.login(self.committee)
        self.assertEqual(self.post(answer, {"status": "answered"}).status_code, 400)
        self.assertEqual(
            self.post(answer, {"status": "answered", "answer": "Đã bố trí"}).json()["status"],
            "answered",
        )
        task = f"/api/v1/tasks/{self.task_a.pk}"
        self.assertEqual(
            self.post(f"{task}/progress", {"on": "2023-07-01", "text": "Đã làm"}).status_code, 200
        )
        self.assertEqual(self.post(f"{task}/close").status_code, 403)
        self.login(self.board)
        self.assertTrue(self.post(f"{task}/close").json()["closed"])
        again = self.post(f"{task}/close")  # closed already: a conflict, said in Vietnamese
        self.assertEqual(
            (again.status_code, again.json()["detail"]), (409, "Nhiệm vụ đã được đóng trước đó.")
        )


class SecondReviewTests(ConferenceTestCase):
    def test_reopening_clears_the_answer_date(self):
        ops.answer(
            recommendation=self.rec, status="answered", text="Xong", by=None, on=D(2023, 6, 1)
        )
        ops.answer(recommendation=self.rec, status="in_progress", text="", by=None)
        self.rec.refresh_from_db()
        self.assertIsNone(self.rec.answered_on)
        self.assertTrue(self.rec.is_open_on(D(2023, 7, 1)))

    def test_a_task_with_a_due_date_needs_an_assignee(self):
        with self.assertRaisesMessage(ValidationError, "ít nhất một tổ chức"):
            ops.add_conclusion(
                conference=self.conference, text="Việc", due_on=D(2023, 12, 31), by=None
            )
        with self.assertRaisesMessage(ValidationError, "chưa đến"):
            ops.report_progress(assignment=self.task_a, on=D(2999, 1, 1), text="x", by=None)
