"""Official papers in the Party format (HD 36-HD/VPTW; R-DOC-01..08) with python-docx.

Typography (R-DOC-06): Times New Roman; "ĐẢNG CỘNG SẢN VIỆT NAM" 15 bold, underlined;
superior body 14 upper; issuing body 14 upper bold; "*"; number 14; place and date 14
italic; type name 16 bold upper; subject 14 bold; body 14. Layout values of R-DOC-08 are
unverified, so they are parameters (``Layout``). Where Times New Roman is not installed,
viewers substitute the metric-compatible Liberation Serif or Tinos.

What a clerk checks on paper is made structural here rather than left to the text: page
numbers from page 2 (R-DOC-08), a signature block that is one unsplittable table row kept
with the body's last paragraph, the draft mark in place of a number not yet allocated, the
document properties (title, issuing body, vi-VN, the paper's date), and one heading
numbering ("I-", "1.", "a)") for every paper.
"""

import datetime as dt
import io
from dataclasses import dataclass, field

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from chibo.lib.vndates import vn_long_date

FONT = "Times New Roman"
LANGUAGE = "vi-VN"
DRAFT = "DỰ THẢO"


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
    page_number_size: int = 14
    recipients_heading_size: int = 14
    recipients_size: int = 12


@dataclass(frozen=True)
class Header:
    superior: str  # "ĐẢNG BỘ XÃ BÌNH LÂM" (R-DOC-02, line 1)
    issuer: str  # "CHI BỘ CÔNG AN XÃ" (line 2, bold)
    number: str | None  # "Số 02-BB/CB" (R-DOC-03); None: a draft, marked DỰ THẢO
    place: str  # "Bình Lâm" (R-DOC-05)
    date: dt.date
    body: str = ""  # the issuing body's full name, for the author property ("" = issuer)


@dataclass(frozen=True)
class Signature:
    title_lines: list[str]  # e.g. ["T/M CHI BỘ", "BÍ THƯ"] or ["NGƯỜI GHI BIÊN BẢN"]
    name: str  # normal case, bold, no rank or title (R-DOC-07)


def date_line(place: str, day: dt.date) -> str:
    """R-DOC-05: "Hiệp Đức, ngày 24 tháng 5 năm 2023" (leading zero: day < 10, month 1–2)."""
    return f"{place}, {vn_long_date(day)}"


def prose_date(day: dt.date) -> str:
    """R-TXT-01: a date in body text, without leading zeros: "1/1/2023", "18/5/2019"."""
    return f"{day.day}/{day.month}/{day.year}"


def number_text(seq: int, doc_type: str, issuer_code: str) -> str:
    """R-DOC-03: "Số 05-BC/HU" — a space after Số, no colon, a leading zero below 10."""
    return f"Số {seq:02d}-{doc_type}/{issuer_code}"


ROMAN = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def roman(n: int) -> str:
    out = ""
    for value, letters in ROMAN:
        while n >= value:
            out, n = out + letters, n - value
    return out


def _set_language(r_pr) -> None:
    lang = r_pr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        r_pr.append(lang)
    for attribute in ("w:val", "w:eastAsia", "w:bidi"):
        lang.set(qn(attribute), LANGUAGE)


def _page_field(paragraph, size: int) -> None:
    """A PAGE field (fldChar begin / instrText / separate / result / end), as Word writes it."""
    run = paragraph.add_run()
    run.font.name, run.font.size = FONT, Pt(size)
    parts = [("begin", None), (None, " PAGE "), ("separate", None), (None, None), ("end", None)]
    for kind, instruction in parts:
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif instruction:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = instruction
        else:
            element = OxmlElement("w:t")
            element.text = "2"
        run._element.append(element)


def _cant_split(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    element = OxmlElement("w:cantSplit")
    tr_pr.append(element)


@dataclass
class PartyDocument:
    header: Header
    doc_type: str  # "BIÊN BẢN", "BÁO CÁO", "THÔNG BÁO"
    subject: str
    layout: Layout = field(default_factory=Layout)

    def __post_init__(self):
        self.doc = Document()
        self._sections = 0  # level-1 headings so far ("I-", "II-")
        self._items = 0  # level-2 headings in the current section ("1.", "2.")
        section = self.doc.sections[0]
        section.page_height, section.page_width = Mm(297), Mm(210)  # A4
        section.top_margin, section.bottom_margin = Mm(self.layout.top), Mm(self.layout.bottom)
        section.left_margin, section.right_margin = Mm(self.layout.left), Mm(self.layout.right)
        normal = self.doc.styles["Normal"]
        normal.font.name = FONT
        normal.font.size = Pt(self.layout.body_size)
        normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
        _set_language(normal.element.get_or_add_rPr())
        defaults = self.doc.styles.element.find(qn("w:docDefaults"))
        r_pr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        _set_language(r_pr)
        self._page_numbers()
        self._properties()
        self._header_block()
        self._title()

    @property
    def is_draft(self) -> bool:
        return self.header.number is None

    def _page_numbers(self) -> None:
        """R-DOC-08: numbers from page 2, centred at the top; page 1 has its own, empty
        header (Word's "different first page")."""
        section = self.doc.sections[0]
        section.different_first_page_header_footer = True
        section.header_distance = Mm(10)
        first = section.first_page_header
        first.is_linked_to_previous = False
        first.paragraphs[0].text = ""
        header = section.header
        header.is_linked_to_previous = False
        paragraph = header.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _page_field(paragraph, self.layout.page_number_size)

    def _properties(self) -> None:
        """Title, the issuing body as author, vi-VN, and the paper's date as created and
        modified: what a file manager and the official records system show of the file."""
        props = self.doc.core_properties
        # Stored in UTC: midnight UTC is 7:00 in Vietnam, still the paper's day there.
        when = dt.datetime.combine(self.header.date, dt.time(0, 0))
        props.title = f"{self.doc_type.capitalize()} {self.subject}"
        props.subject = self.subject
        props.author = props.last_modified_by = self.header.body or self.header.issuer
        props.language = LANGUAGE
        props.created = props.modified = when
        props.revision = 1
        props.comments = props.keywords = props.category = ""
        props.content_status = DRAFT if self.is_draft else ""

    def _run(self, paragraph, text: str, *, size: int, bold=False, italic=False, underline=False):
        run = paragraph.add_run(text)
        run.font.name = FONT
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
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
        if self.is_draft:
            # No number before it is allocated at issue (R-DOC-03): the draft says so where
            # the number will go, and ``stamp_number`` writes the number over this line.
            self._centered(left, DRAFT, size=14, bold=True)
        else:
            self._centered(left, h.number, size=14)
        self._centered(right, "ĐẢNG CỘNG SẢN VIỆT NAM", size=15, bold=True, underline=True)
        self._centered(right, "", size=14)
        self._centered(right, date_line(h.place, h.date), size=14, italic=True)

    def _title(self) -> None:
        self.doc.add_paragraph()
        self._centered(self.doc, self.doc_type.upper(), size=16, bold=True)
        self._centered(self.doc, self.subject, size=14, bold=True)
        self._centered(self.doc, "-----", size=14)

    def paragraph(self, text: str, *, bold: bool = False, indent: bool = True, italic=False):
        paragraph = self.doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        fmt = paragraph.paragraph_format
        fmt.space_after = Pt(self.layout.space_after_pt)
        fmt.line_spacing = self.layout.line_spacing
        if indent:
            fmt.first_line_indent = Cm(self.layout.first_line_indent_cm)
        self._run(paragraph, text, size=self.layout.body_size, bold=bold, italic=italic)
        return paragraph

    def heading(self, text: str):
        """An unnumbered bold heading, kept with the paragraph it introduces."""
        paragraph = self.paragraph(text, bold=True)
        paragraph.paragraph_format.keep_with_next = True
        return paragraph

    def section(self, text: str):
        """A level-1 heading, "I- TÌNH HÌNH TỔ CHỨC": Roman numeral, upper case (R-DOC-06),
        numbered the same way in every paper."""
        self._sections += 1
        self._items = 0
        return self.heading(f"{roman(self._sections)}- {text.upper()}")

    def item(self, text: str, lead: str = ""):
        """A level-2 item, "1. Các chi bộ: …", numbered within its section; ``lead`` bold."""
        self._items += 1
        paragraph = self.doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        fmt = paragraph.paragraph_format
        fmt.space_after = Pt(self.layout.space_after_pt)
        fmt.line_spacing = self.layout.line_spacing
        fmt.first_line_indent = Cm(self.layout.first_line_indent_cm)
        size = self.layout.body_size
        if lead:
            self._run(paragraph, f"{self._items}. {lead}", size=size, bold=True)
            if text:
                self._run(paragraph, f" {text}", size=size)
        else:
            self._run(paragraph, f"{self._items}. {text}", size=size)
        return paragraph

    def signatures(
        self,
        left: Signature | None,
        right: Signature | None,
        recipients: list[str] | None = None,
    ) -> None:
        """Two signature blocks side by side, or "Nơi nhận:" on the left and the signature on
        the right (R-DOC-08: normal case, underlined, 14; recipient lines 12). No seal
        placeholder (R-ORG-08).

        The block is one table row that cannot split across pages, every line in it kept
        with the next, and the body's last paragraph kept with the block: so it is never cut
        in two nor left alone on a page without the text it signs."""
        last = self.doc.paragraphs[-1] if self.doc.paragraphs else None
        if last is not None:
            last.paragraph_format.keep_with_next = True
        spacer = self.doc.add_paragraph()
        spacer.paragraph_format.keep_with_next = True
        spacer.paragraph_format.space_after = Pt(0)
        table = self.doc.add_table(rows=1, cols=2)
        table.autofit = False
        row = table.rows[0]
        _cant_split(row)
        for cell, signature in zip(row.cells, (left, right), strict=True):
            cell._element.remove(cell.paragraphs[0]._element)
            if signature is None and recipients:
                heading = cell.add_paragraph()
                heading.paragraph_format.space_after = Pt(0)
                size = self.layout.recipients_heading_size
                self._run(heading, "Nơi nhận:", size=size, underline=True)
                for line in recipients:
                    paragraph = cell.add_paragraph()
                    paragraph.paragraph_format.space_after = Pt(0)
                    self._run(paragraph, line, size=self.layout.recipients_size)
                continue
            if signature is None:
                cell.add_paragraph()
                continue
            for line in signature.title_lines:
                self._centered(cell, line, size=14, bold=True)
            for _ in range(3):
                self._centered(cell, "", size=14)
            self._centered(cell, signature.name, size=14, bold=True)
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True
                paragraph.paragraph_format.keep_together = True

    def render(self) -> bytes:
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()
