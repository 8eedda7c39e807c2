"""The Party paper's layout (R-DOC-01..08, R-TXT-01): page numbers from page 2, the signature
block that cannot split, "Nơi nhận:" as HD 36 sets it, document properties, the draft mark,
one heading numbering. ``to_pdf`` renders papers with LibreOffice for the PDF suites."""

import datetime as dt
import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.test import SimpleTestCase
from docx import Document
from docx.oxml.ns import qn

from chibo.lib import partydoc

D = dt.date


def to_pdf(papers: dict[str, bytes]) -> dict[str, Path]:
    """Each .docx converted by LibreOffice in one run, with a profile of its own so parallel
    runs do not share (and lock) one; the PDFs stay in a temporary folder until exit."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise FileNotFoundError("LibreOffice (soffice) chưa được cài (.ci/run cài gói này).")
    folder = Path(tempfile.mkdtemp(prefix="chibo-pdf-"))
    sources = []
    for name, content in papers.items():
        path = folder / f"{name}.docx"
        path.write_bytes(content)
        sources.append(str(path))
    profile = f"-env:UserInstallation={(folder / 'profile').as_uri()}"
    subprocess.run(
        [soffice, profile, "--headless", "--convert-to", "pdf", "--outdir", str(folder), *sources],
        check=True,
        capture_output=True,
        timeout=120,
        env={**os.environ, "HOME": str(folder)},
    )
    return {name: folder / f"{name}.pdf" for name in papers}


def pdf_pages(path: Path) -> list[str]:
    """The text of each page (poppler's pdftotext; pages split at form feeds)."""
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, timeout=60
    ).stdout.decode()
    pages = out.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def pdf_page_count(path: Path) -> int:
    info = subprocess.run(
        ["pdfinfo", str(path)], check=True, capture_output=True, timeout=60
    ).stdout.decode()
    return int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])


def sample(number: str | None = "Số 05-BC/HU", paragraphs: int = 3) -> partydoc.PartyDocument:
    document = partydoc.PartyDocument(
        header=partydoc.Header(
            "Đảng bộ tỉnh Quảng Nam",
            "Huyện ủy Hiệp Đức",
            number,
            "Hiệp Đức",
            D(2023, 5, 24),
            body="Huyện ủy Hiệp Đức",
        ),
        doc_type="BÁO CÁO",
        subject="kết quả tổ chức và hoạt động của các chi bộ công an xã, thị trấn",
    )
    document.section("Tình hình tổ chức")
    document.item("", lead="Sinh hoạt chi bộ")
    for n in range(paragraphs):
        document.paragraph(f"Đoạn {n + 1}.")
    document.item("", lead="Kiện toàn tổ chức")
    document.section("Kết quả hoạt động")
    document.item("nội dung", lead="Các chi bộ:")
    document.signatures(
        None,
        partydoc.Signature(["T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ"], "Lê Thị Thu Hà"),
        recipients=["- Ban Thường vụ Tỉnh ủy (b/c),", "- Lưu Văn phòng Huyện ủy."],
    )
    return document


def reopen(document: partydoc.PartyDocument) -> Document:
    return Document(io.BytesIO(document.render()))


class PartyDocumentTests(SimpleTestCase):
    def test_r_doc_08_page_numbers_from_page_2_centred_at_the_top(self):
        section = reopen(sample()).sections[0]
        self.assertTrue(section.different_first_page_header_footer)
        self.assertEqual(section.first_page_header.paragraphs[0].text, "")
        self.assertFalse(section.first_page_header.is_linked_to_previous)
        header = section.header.paragraphs[0]
        self.assertEqual(header.alignment, 1)  # centred
        instructions = [e.text for e in header._element.iter(qn("w:instrText"))]
        self.assertEqual(instructions, [" PAGE "])

    def test_r_doc_08_signature_block_cannot_split_and_keeps_the_body_with_it(self):
        document = reopen(sample())
        block = document.tables[-1]
        self.assertIsNotNone(block.rows[0]._tr.trPr.find(qn("w:cantSplit")))
        lines = [p for cell in block.rows[0].cells for p in cell.paragraphs]
        self.assertTrue(all(p.paragraph_format.keep_with_next for p in lines))
        # The body's last paragraph and the spacer go with the block to its page.
        self.assertTrue(document.paragraphs[-1].paragraph_format.keep_with_next)
        self.assertEqual(document.paragraphs[-1].text, "")
        self.assertTrue(document.paragraphs[-2].paragraph_format.keep_with_next)
        self.assertEqual(document.paragraphs[-2].text, "1. Các chi bộ: nội dung")

    def test_r_doc_08_noi_nhan_normal_case_underlined_14_lines_12(self):
        cell = reopen(sample()).tables[-1].rows[0].cells[0]
        heading = cell.paragraphs[0].runs[0]
        self.assertEqual(heading.text, "Nơi nhận:")
        self.assertEqual(
            (heading.underline, heading.bold, heading.italic, heading.font.size.pt),
            (True, False, False, 14),
        )
        self.assertEqual(cell.paragraphs[1].runs[0].font.size.pt, 12)
        self.assertFalse(cell.paragraphs[1].runs[0].italic)

    def test_document_properties_are_the_papers_not_the_librarys(self):
        document = reopen(sample())
        props = document.core_properties
        self.assertEqual(
            props.title, "Báo cáo kết quả tổ chức và hoạt động của các chi bộ công an xã, thị trấn"
        )
        self.assertEqual((props.author, props.last_modified_by), ("Huyện ủy Hiệp Đức",) * 2)
        self.assertEqual(props.language, "vi-VN")
        day = dt.datetime(2023, 5, 24, tzinfo=dt.UTC)  # 7:00 in Vietnam, the same day
        self.assertEqual((props.created, props.modified), (day, day))
        self.assertNotIn("python-docx", props.comments)
        self.assertEqual(props.content_status, "")
        # Spell-checking and hyphenation in Vietnamese: the default run language and Normal.
        defaults = document.styles.element.find(qn("w:docDefaults"))
        lang = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
        self.assertEqual(lang.get(qn("w:val")), "vi-VN")
        normal = document.styles["Normal"].element.rPr.find(qn("w:lang"))
        self.assertEqual(normal.get(qn("w:val")), "vi-VN")

    def test_r_doc_03_a_draft_says_du_thao_where_the_number_goes(self):
        document = reopen(sample(number=None))
        left = [p.text for p in document.tables[0].rows[0].cells[0].paragraphs]
        self.assertEqual(left, ["ĐẢNG BỘ TỈNH QUẢNG NAM", "HUYỆN ỦY HIỆP ĐỨC", "*", "DỰ THẢO"])
        self.assertTrue(document.tables[0].rows[0].cells[0].paragraphs[3].runs[0].bold)
        self.assertEqual(document.core_properties.content_status, "DỰ THẢO")
        issued = reopen(sample())
        self.assertEqual(issued.tables[0].rows[0].cells[0].paragraphs[3].text, "Số 05-BC/HU")

    def test_one_heading_numbering(self):
        body = [p.text for p in reopen(sample()).paragraphs]
        self.assertEqual(
            [t for t in body if t[:2] in {"I-", "II", "1.", "2."}],
            [
                "I- TÌNH HÌNH TỔ CHỨC",
                "1. Sinh hoạt chi bộ",
                "2. Kiện toàn tổ chức",
                "II- KẾT QUẢ HOẠT ĐỘNG",
                "1. Các chi bộ: nội dung",
            ],
        )
        self.assertEqual([partydoc.roman(n) for n in (1, 4, 9, 14)], ["I", "IV", "IX", "XIV"])

    def test_r_txt_01_prose_dates_without_leading_zeros(self):
        self.assertEqual(partydoc.prose_date(D(2023, 1, 1)), "1/1/2023")
        self.assertEqual(partydoc.prose_date(D(2019, 5, 18)), "18/5/2019")
        # The date line keeps its own rule (R-DOC-05).
        self.assertEqual(
            partydoc.date_line("Hiệp Đức", D(2026, 1, 5)), "Hiệp Đức, ngày 05 tháng 01 năm 2026"
        )
