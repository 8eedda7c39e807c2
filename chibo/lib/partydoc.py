"""Official papers in the Party format (HD 36-HD/VPTW; R-DOC-01..08) with python-docx.

Typography (R-DOC-06): Times New Roman; "ĐẢNG CỘNG SẢN VIỆT NAM" 15 bold, underlined;
superior body 14 upper; issuing body 14 upper bold; "*"; number 14; place and date 14
italic; type name 16 bold upper; subject 14 bold; body 14. Layout values of R-DOC-08 are
unverified, so they are parameters (``Layout``). Where Times New Roman is not installed,
viewers substitute the metric-compatible Liberation Serif or Tinos.
"""

import datetime as dt
import io
from dataclasses import dataclass, field

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from chibo.lib.vndates import vn_long_date

FONT = "Times New Roman"


@dataclass(frozen=True)
class Layout:
    """R-DOC-08 [G]/[S]: margins in mm, sizes in points; change them here, not in code."""

    top: int = 20
    bottom: int = 20
    left: int = 30
    right: int = 15
    body_size: int = 14
    first_line_indent_cm: float = 1.0
    space_after_pt: int = 6
    line_spacing: float = 1.15


@dataclass(frozen=True)
class Header:
    superior: str  # "ĐẢNG BỘ XÃ BÌNH LÂM" (R-DOC-02, line 1)
    issuer: str  # "CHI BỘ CÔNG AN XÃ" (line 2, bold)
    number: str  # "Số 02-BB/CB" (R-DOC-03)
    place: str  # "Bình Lâm" (R-DOC-05)
    date: dt.date


@dataclass(frozen=True)
class Signature:
    title_lines: list[str]  # e.g. ["T/M CHI BỘ", "BÍ THƯ"] or ["NGƯỜI GHI BIÊN BẢN"]
    name: str  # normal case, bold, no rank or title (R-DOC-07)


def date_line(place: str, day: dt.date) -> str:
    """R-DOC-05: "Hiệp Đức, ngày 24 tháng 5 năm 2023" (leading zero: day < 10, month 1–2)."""
    return f"{place}, {vn_long_date(day)}"


def number_text(seq: int, doc_type: str, issuer_code: str) -> str:
    """R-DOC-03: "Số 05-BC/HU" — a space after Số, no colon, a leading zero below 10."""
    return f"Số {seq:02d}-{doc_type}/{issuer_code}"


@dataclass
class PartyDocument:
    header: Header
    doc_type: str  # "BIÊN BẢN", "BÁO CÁO", "THÔNG BÁO"
    subject: str
    layout: Layout = field(default_factory=Layout)

    def __post_init__(self):
        self.doc = Document()
        section = self.doc.sections[0]
        section.page_height, section.page_width = Mm(297), Mm(210)  # A4
        section.top_margin, section.bottom_margin = Mm(self.layout.top), Mm(self.layout.bottom)
        section.left_margin, section.right_margin = Mm(self.layout.left), Mm(self.layout.right)
        normal = self.doc.styles["Normal"]
        normal.font.name = FONT
        normal.font.size = Pt(self.layout.body_size)
        normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
        self._header_block()
        self._title()

    def _run(self, paragraph, text: str, *, size: int, bold=False, italic=False, underline=False):
        run = paragraph.add_run(text)
        run.font.name = FONT
        run._element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
        run.font.size = Pt(size)
        run.bold, run.italic, run.underline = bold, italic, underline
        return run

    def _centered(self, cell_or_doc, text: str, **style):
        paragraph = cell_or_doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(0)
        self._run(paragraph, text, **style)
        return paragraph

    def _header_block(self) -> None:
        table = self.doc.add_table(rows=1, cols=2)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        left, right = table.rows[0].cells
        left.width, right.width = Cm(7.5), Cm(9)
        for cell in (left, right):
            cell._element.remove(cell.paragraphs[0]._element)
        h = self.header
        self._centered(left, h.superior.upper(), size=14)
        self._centered(left, h.issuer.upper(), size=14, bold=True)
        self._centered(left, "*", size=14)
        self._centered(left, h.number, size=14)
        self._centered(right, "ĐẢNG CỘNG SẢN VIỆT NAM", size=15, bold=True, underline=True)
        self._centered(right, "", size=14)
        self._centered(right, date_line(h.place, h.date), size=14, italic=True)

    def _title(self) -> None:
        self.doc.add_paragraph()
        self._centered(self.doc, self.doc_type.upper(), size=16, bold=True)
        self._centered(self.doc, self.subject, size=14, bold=True)
        self._centered(self.doc, "-----", size=14)

    def paragraph(self, text: str, *, bold: bool = False, indent: bool = True) -> None:
        paragraph = self.doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        fmt = paragraph.paragraph_format
        fmt.space_after = Pt(self.layout.space_after_pt)
        fmt.line_spacing = self.layout.line_spacing
        if indent:
            fmt.first_line_indent = Cm(self.layout.first_line_indent_cm)
        self._run(paragraph, text, size=self.layout.body_size, bold=bold)

    def heading(self, text: str) -> None:
        self.paragraph(text, bold=True)

    def signatures(
        self,
        left: Signature | None,
        right: Signature | None,
        recipients: list[str] | None = None,
    ) -> None:
        """Two signature blocks side by side, or "Nơi nhận:" (underlined, 14; lines 12) on
        the left and the signature on the right (R-DOC-08). No seal placeholder (R-ORG-08)."""
        self.doc.add_paragraph()
        table = self.doc.add_table(rows=1, cols=2)
        for cell, signature in zip(table.rows[0].cells, (left, right), strict=True):
            cell._element.remove(cell.paragraphs[0]._element)
            if signature is None and recipients:
                heading = cell.add_paragraph()
                heading.paragraph_format.space_after = Pt(0)
                self._run(heading, "Nơi nhận:", size=14, underline=True, bold=True, italic=True)
                for line in recipients:
                    paragraph = cell.add_paragraph()
                    paragraph.paragraph_format.space_after = Pt(0)
                    self._run(paragraph, line, size=12)
                continue
            if signature is None:
                cell.add_paragraph()
                continue
            for line in signature.title_lines:
                self._centered(cell, line, size=14, bold=True)
            for _ in range(3):
                self._centered(cell, "", size=14)
            self._centered(cell, signature.name, size=14, bold=True)

    def render(self) -> bytes:
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()
