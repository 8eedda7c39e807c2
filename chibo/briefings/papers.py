"""The conference's papers (domain §9.2): the BÁO CÁO (template a), the THÔNG BÁO KẾT LUẬN
(template b), and the per-cell .xlsx annex. Figures come from ``chibo.figures.stats`` as of
the conference day, the same code as the overview; the texts from the recorded report,
recommendations and conclusions.

The BÁO CÁO is a list of section builders (``REPORT_SECTIONS``; the parts of its results in
``RESULT_PARTS``), each a function of ``ReportFacts``: a new paragraph is one more function
in a list. The open findings it states come from the compliance checks, which sit above
briefings; they are handed in through ``use_findings`` by ``RulesConfig.ready`` rather than
imported here, so briefings and the checks do not import each other (conventions, layers).
"""

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q

from chibo.figures import stats
from chibo.lib import partydoc, vntext
from chibo.lib.idlist import IdList
from chibo.lib.validity import valid_on
from chibo.lib.vnnumbers import number as vn_number
from chibo.meetings.models import Evaluation, Kind, Meeting, Side, Stage
from chibo.members.models import Position, Role
from chibo.orgs.models import Kind as OrgKind
from chibo.orgs.models import NameBook, Organization, Relation
from chibo.register.progress import report_paragraph as dissemination_report

# R-POL-01 / R-POL-07: the Politburo's rule on party organisation in the police, by date.
POLICE_RULE = [
    (dt.date(2025, 7, 23), "Quy định số 343-QĐ/TW ngày 23/7/2025 của Bộ Chính trị"),
    (dt.date(2019, 5, 18), "Quy định số 192-QĐ/TW ngày 18/5/2019 của Bộ Chính trị"),
]
WHOLE = {
    OrgKind.PROVINCE: "toàn tỉnh",
    OrgKind.DISTRICT: "toàn huyện",
    OrgKind.GRASSROOTS_COMMITTEE: "toàn đảng bộ",
}


def police_rule(on: dt.date) -> str:
    return next(text for start, text in POLICE_RULE if on >= start)


def overview(conference) -> stats.Overview:
    ids = Organization.objects.subtree_ids(
        [conference.host_id], conference.date, with_predecessors=True
    )
    return stats.compute(scope_ids=ids, on=conference.date)


def meeting_figures(cell_ids, start: dt.date, end: dt.date) -> dict:
    """Meetings held in the period, with the superior present, and their final levels."""
    held = Meeting.objects.filter(cell_id__in=cell_ids, date__gte=start, date__lte=end).exclude(
        stage=Stage.PLANNED
    )
    counts = held.aggregate(
        regular=Count("pk", filter=Q(kind__in=[Kind.REGULAR, Kind.COMBINED])),
        thematic=Count("pk", filter=Q(kind__in=[Kind.THEMATIC, Kind.COMBINED])),
        superior=Count("pk", filter=Q(superior_present=True)),
        total=Count("pk"),
    )
    levels = dict(
        Evaluation.objects.filter(meeting__in=held, side=Side.FINAL)
        .values_list("level")
        .annotate(n=Count("pk"))
    )
    return {**counts, "levels": levels}


def cell_figures(cell: Organization, start: dt.date, end: dt.date) -> dict:
    """What a cell's report states from data, as of the period's end."""
    data = stats.compute(scope_ids=frozenset({cell.pk}), on=end)
    row = data.cells[0] if data.cells else None
    meetings = meeting_figures([cell.pk], start, end)
    return {
        "as_of": end.isoformat(),
        "members": row.members if row else 0,
        "official": row.official if row else 0,
        "probationary": row.probationary if row else 0,
        "secretary": ", ".join(row.secretaries) if row else "",
        "deputies": ", ".join(row.deputies) if row else "",
        "regulation": row.regulation if row else "",
        "meetings": meetings,
        "warnings": row.warnings if row else [],
    }


def _short(version) -> str:
    """The committee without its place, as papers name it in running text: "Huyện ủy" from
    "Huyện ủy Hiệp Đức" (Đảng bộ huyện Hiệp Đức), "Tỉnh ủy" from "Tỉnh ủy Quảng Nam" (Đảng
    bộ tỉnh Quảng Nam), "Đảng ủy" from "Đảng ủy xã Hiệp Đức" (Đảng bộ xã Hiệp Đức): the
    words the name shares at its end with the party organization's name are the place."""
    name, party = version.name.split(), version.party_name.split()
    shared = 0
    while shared < min(len(name), len(party)) - 1 and (
        name[-1 - shared].casefold() == party[-1 - shared].casefold()
    ):
        shared += 1
    return " ".join(name[: len(name) - shared]) or version.name


def _committee(host: Organization, on: dt.date) -> str:
    """ "Ban Thường vụ Huyện ủy" from "Huyện ủy Hiệp Đức" (R-DOC-02 names the committee)."""
    return f"Ban Thường vụ {_short(host.version_on(on))}"


def _header(conference, number) -> partydoc.Header:
    host = conference.host
    version = host.version_on(conference.date)
    parent = host.superior_on(conference.date, Relation.TERRITORIAL)
    superior = parent.version_on(conference.date).party_name if parent else ""
    return partydoc.Header(
        superior=superior,
        issuer=version.name,
        number=f"Số {number.code}" if number else None,
        place=version.place_name,
        date=conference.date,
        body=version.name,
    )


def _signature(conference) -> partydoc.Signature:
    """R-DOC-07, from the structure on the paper's date: a committee signs T/M BAN THƯỜNG VỤ,
    a cell T/M CHI BỘ; the title is the chair's post in the host on that day (BÍ THƯ, PHÓ BÍ
    THƯ), and only without one the title recorded on the conference."""
    on, host = conference.date, conference.host
    behalf = "T/M CHI BỘ" if OrgKind(host.version_on(on).kind).is_cell else "T/M BAN THƯỜNG VỤ"
    title = conference.signer_title
    if conference.chair_id:
        roles = set(
            Position.objects.filter(
                valid_on(on),
                person_id=conference.chair_id,
                organization=host,
                role__in=[Role.SECRETARY, Role.DEPUTY],
            ).values_list("role", flat=True)
        )
        if Role.SECRETARY in roles:  # the highest post the chair holds on the day
            title = Role.SECRETARY.label
        elif Role.DEPUTY in roles:
            title = Role.DEPUTY.label
    return partydoc.Signature(
        [behalf, title.upper()], conference.chair.full_name if conference.chair else ""
    )


def _group(versions, prefix: str, noun: str) -> str:
    """ "Các đảng ủy xã, thị trấn" for the organizations it stands for: the unit words
    between ``prefix`` and the place ("xã", "thị trấn"), in order of first use."""
    units: Counter[str] = Counter()
    for version in versions:
        unit = version.name.removeprefix(prefix).removesuffix(version.place_name).strip()
        if unit:
            units[unit] += 1
    # The most frequent unit first, "xã, thị trấn" as the article writes it.
    return f"Các {noun} {', '.join(unit for unit, _n in units.most_common())}".strip()


def proposed_recipients(host: Organization, on: dt.date) -> list[str]:
    """Nơi nhận from the structure in force on ``on`` (R-DOC-08): the superior committee's
    standing committee for report, the commune committees and the police cells under the
    host, the cells' sector superiors, and the host's own office last. A conference planned
    after 1/7/2025 so never names the district bodies abolished that day."""
    from chibo.orgs.models import OrgLink, OrgVersion

    lines = []
    parent = host.superior_on(on, Relation.TERRITORIAL)
    if parent is not None:
        lines.append(f"- Ban Thường vụ {_short(parent.version_on(on))} (b/c),")
    ids = Organization.objects.subtree_ids([host.pk], on) - {host.pk}
    versions = (
        OrgVersion.objects.on(on).filter(organization_id__in=ids).select_related("organization")
    )
    committees = [
        v
        for v in versions
        if v.kind == OrgKind.GRASSROOTS_COMMITTEE and not v.organization.is_police
    ]
    cells = [v for v in versions if OrgKind(v.kind).is_cell and v.organization.is_police]
    if len(committees) > 1:
        lines.append(f"- {_group(committees, 'Đảng ủy', 'đảng ủy')},")
    elif committees:
        lines.append(f"- {committees[0].name},")
    sectors = (
        OrgLink.objects.on(on)
        .filter(child_id__in=[v.organization_id for v in cells], relation=Relation.SECTOR)
        .values_list("parent_id", flat=True)
        .distinct()
    )
    book = NameBook(set(sectors))
    for name in sorted({book.name(pk, on) for pk in set(sectors)}, key=vntext.sort_key):
        lines.append(f"- {name},")
    if len(cells) > 1:
        lines.append(f"- {_group(cells, 'Chi bộ Công an', 'chi bộ Công an')},")
    elif cells:
        lines.append(f"- {cells[0].name},")
    own = host.version_on(on)
    office = "Chi bộ" if OrgKind(own.kind).is_cell else f"Văn phòng {_short(own)}"
    lines.append(f"- Lưu {office}.")
    return lines


def _recipients(conference) -> list[str]:
    lines = [line.strip() for line in conference.recipients.splitlines() if line.strip()]
    return lines or proposed_recipients(conference.host, conference.date)


def _of(n: int, total: int) -> str:
    return f"{n:02d}/{total:02d}" if total >= 10 else f"{n}/{total}"


# --- The BÁO CÁO, section by section -----------------------------------------------------
#
# The compliance checks read every app, briefings included, so this module may not import
# them (conventions, layers: briefings sits below reports and compliance). The BÁO CÁO takes
# the open findings as an input instead: the rules app hands in its ``run`` when it is ready
# (``RulesConfig.ready``), and the sections below read them from ``ReportFacts``.

FindingsSource = Callable[..., list]
_findings_source: list[FindingsSource] = []


def use_findings(source: FindingsSource) -> None:
    """Called once by the compliance layer: ``source(scope_ids=…, on=…, overview=…)`` returns
    the open findings (rule_id, organization, message, regulation) for a scope on a day."""
    _findings_source[:] = [source]


def open_findings(scope_ids, on: dt.date, overview) -> list:
    """The open findings handed in by ``use_findings`` (none before it is called)."""
    if not _findings_source:
        return []
    return _findings_source[0](scope_ids=scope_ids, on=on, overview=overview)


# Rule codes belong to the system, not to a paper a committee signs (issue 14): a code in
# parentheses goes with them ("(R-ORG-01)", "(R-MEM-08, R-MTG-09)"), a bare one alone.
CODE = re.compile(r"\s*\([^()]*\b(?:R-[A-Z]+-\d+|F-\d+|BRIEF)\b[^()]*\)|\b(?:R-[A-Z]+-\d+|F-\d+)\b")
# R-TXT-01: dates in body text without leading zeros ("22/5/2023", not "22/05/2023").
PADDED_DATE = re.compile(r"\b0?(\d{1,2})/0?(\d{1,2})/(\d{4})\b")


def paper_text(text: str) -> str:
    """Generated text as a paper prints it: no rule codes, prose dates (R-TXT-01)."""
    return PADDED_DATE.sub(r"\1/\2/\3", CODE.sub("", text)).strip()


LEVELS = ["Tốt", "Khá", "Trung bình", "Kém"]  # the rubric's levels, best first (R-MTG-12)


@dataclass
class ReportFacts:
    """What the BÁO CÁO states, read once for the conference's scope and day."""

    conference: Any
    overview: stats.Overview
    meetings: dict
    reports: list
    findings: list
    names: NameBook

    @property
    def cell_ids(self) -> list[int]:
        return [row.organization_id for row in self.overview.cells]

    def name(self, org_id: int) -> str:
        return self.names.name(org_id, self.conference.date)


@dataclass
class Part:
    """A numbered part of a section ("1. Sinh hoạt chi bộ") and its paragraphs."""

    title: str
    paragraphs: list[str]


@dataclass
class Section:
    title: str
    parts: list[Part] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)  # before the numbered parts


def report_facts(conference) -> ReportFacts:
    data = overview(conference)
    cell_ids = [row.organization_id for row in data.cells]
    meetings = meeting_figures(cell_ids, conference.period_start, conference.period_end)
    reports = list(conference.reports.filter(stage="submitted").order_by("pk"))
    ids = Organization.objects.subtree_ids(
        [conference.host_id], conference.date, with_predecessors=True
    )
    findings = open_findings(ids, conference.date, data)
    names = NameBook(
        {*cell_ids, *(r.cell_id for r in reports), *(f.organization_id for f in findings)}
    )
    return ReportFacts(conference, data, meetings, reports, findings, names)


def _said(facts: ReportFacts, attribute: str) -> list[str]:
    """Each text the cells reported once, with the cells that wrote it (R-TXT-04 order)."""
    said: dict[str, list[str]] = {}
    for report in facts.reports:
        text = getattr(report, attribute).strip()
        if text:
            said.setdefault(text, []).append(facts.name(report.cell_id))
    lines = []
    for text, names in said.items():
        total = len(facts.overview.cells)
        if len(names) == total and total > 1:
            who = f"{_of(total, total)} chi bộ"
        else:
            who = ", ".join(sorted(names, key=vntext.sort_key))
        lines.append(f"{who} báo cáo: {_sentence(text)}")
    return lines


def section_organization(facts: ReportFacts) -> Section:
    conference, f = facts.conference, facts.overview.figures
    cells = f["police_cells"]
    whole = WHOLE.get(conference.host.version_on(conference.date).kind, "toàn đơn vị")
    # Rounded down: 199 of 200 is 99%, never "100%".
    percent_regulations = 100 * f["cells_with_working_regulations"] // cells if cells else 0
    return Section(
        "Tình hình tổ chức",
        paragraphs=[
            f"Thực hiện Điều lệ Đảng và {police_rule(conference.date)} về tổ chức đảng trong "
            f"Công an nhân dân, đến ngày {partydoc.prose_date(conference.date)}, {whole} đã "
            f"thành lập {_of(cells, f['commune_committees'])} chi bộ công an trực thuộc "
            f"{vn_number(f['commune_committees'])} đảng ủy xã, thị trấn, với {f['members']:02d} "
            f"đảng viên (trong đó có {f['probationary_members']:02d} đảng viên dự bị); "
            f"{_of(f['cells_with_secretary_and_deputy'], cells)} chi bộ có Bí thư và Phó Bí thư, "
            f"{_of(f['cells_with_secretary_only'], cells)} chi bộ có Bí thư"
            + (
                f", {_of(f['cells_with_committee'], cells)} chi bộ có chi ủy"
                if f["cells_with_committee"]
                else ""
            )
            + f"; {percent_regulations}% chi bộ đã xây dựng và ban hành quy chế làm việc.",
            f"Cán bộ, chiến sĩ Công an chính quy: {vn_number(f['regular_officers'])} đồng chí, "
            f"trong đó {vn_number(f['regular_officers_party_members'])} đồng chí là đảng viên.",
        ],
    )


def part_meetings(facts: ReportFacts) -> Part:
    conference, m = facts.conference, facts.meetings
    levels = m["levels"]
    order = [level for level in LEVELS if level in levels] + sorted(set(levels) - set(LEVELS))
    quality = ", ".join(f"{levels[level]} buổi đạt loại {level}" for level in order)
    return Part(
        "Sinh hoạt chi bộ",
        [
            f"Từ ngày {partydoc.prose_date(conference.period_start)} đến ngày "
            f"{partydoc.prose_date(conference.period_end)}, các chi bộ tổ chức {m['regular']} buổi "
            f"sinh hoạt thường kỳ và {m['thematic']} buổi sinh hoạt chuyên đề; cấp ủy cấp trên dự "
            f"{m['superior']}/{m['total']} buổi, theo dõi, hướng dẫn và phối hợp đánh giá chất "
            "lượng sinh hoạt" + (f"; chất lượng sinh hoạt: {quality}." if quality else ".")
        ],
    )


def part_security(facts: ReportFacts) -> Part | None:
    lines = _said(facts, "security")
    return Part("Bảo đảm an ninh, trật tự ở cơ sở", lines) if lines else None


def part_other_tasks(facts: ReportFacts) -> Part | None:
    lines = _said(facts, "other_tasks")
    return (
        Part("Tham gia thực hiện nhiệm vụ chính trị khác của địa phương", lines) if lines else None
    )


def part_dissemination(facts: ReportFacts) -> Part | None:
    """F-9: the study of higher documents in the period, from the register (issue 15)."""
    conference = facts.conference
    text = dissemination_report(facts.cell_ids, conference.period_start, conference.period_end)
    return Part("Học tập, quán triệt nghị quyết của cấp trên", [text]) if text else None


# The parts of "Kết quả hoạt động", in order. A new paragraph (the dissemination of higher
# resolutions, for one) is a function ``part_x(facts) -> Part | None`` listed here.
RESULT_PARTS: list[Callable[[ReportFacts], Part | None]] = [
    part_meetings,
    part_dissemination,
    part_security,
    part_other_tasks,
]


def section_results(facts: ReportFacts) -> Section:
    return Section("Kết quả hoạt động", [p for build in RESULT_PARTS if (p := build(facts))])


def _sentence(text: str) -> str:
    """A text continued after a colon: its first letter in lower case, unless the first word
    is an abbreviation ("UBND", "CAND") that keeps its capitals."""
    text = paper_text(text)
    if text[1:2].isupper():
        return text
    return text[:1].lower() + text[1:]


def part_meeting_shortcomings(facts: ReportFacts) -> Part | None:
    """Months without a regular meeting and quarters without a thematic one (the open
    findings), and the meetings the superior committee did not attend, cell by cell."""
    lines = []
    missed: dict[int, list[str]] = {}
    for finding in facts.findings:
        if finding.rule_id in {"R-MTG-01", "R-MTG-02"}:
            missed.setdefault(finding.organization_id, []).append(
                _sentence(finding.message).rstrip(".")
            )
    for org_id in sorted(missed, key=lambda pk: vntext.sort_key(facts.name(pk))):
        lines.append(f"- {facts.name(org_id)}: {'; '.join(missed[org_id])}.")
    conference = facts.conference
    absent = Counter(
        Meeting.objects.filter(
            cell_id__in=IdList(facts.cell_ids),
            date__gte=conference.period_start,
            date__lte=conference.period_end,
            superior_present=False,
        )
        .exclude(stage=Stage.PLANNED)
        .values_list("cell_id", flat=True)
    )
    if absent:
        total = sum(absent.values())
        where = ", ".join(
            f"{facts.name(pk)} ({n} buổi)"
            for pk, n in sorted(
                absent.items(), key=lambda item: vntext.sort_key(facts.name(item[0]))
            )
        )
        lines.append(
            f"- {total}/{facts.meetings['total']} buổi sinh hoạt không có đồng chí cấp ủy cấp "
            f"trên dự: {where}."
        )
    return Part("Sinh hoạt chi bộ", lines) if lines else None


def part_structure_shortcomings(facts: ReportFacts) -> Part | None:
    rows = facts.overview.cells
    without = sorted(
        (row.version.name for row in rows if row.secretaries and not row.deputies),
        key=vntext.sort_key,
    )
    if not without:
        return None
    return Part(
        "Kiện toàn tổ chức",
        [f"- {_of(len(without), len(rows))} chi bộ chưa có Phó Bí thư: {', '.join(without)}."],
    )


def part_overdue(facts: ReportFacts) -> Part | None:
    """Recommendations of the cells not answered by their due date, and conclusion tasks of
    the organizations in scope not done by theirs, as of the paper's date."""
    from chibo.briefings.models import Assignment, Recommendation, RecStatus

    on = facts.conference.date
    ids = Organization.objects.subtree_ids([facts.conference.host_id], on, with_predecessors=True)
    recs = Recommendation.objects.filter(
        Q(status__in=[RecStatus.NEW, RecStatus.IN_PROGRESS]) | Q(answered_on__gt=on),
        raised_by_id__in=IdList(ids),
        due_on__lt=on,
        raised_on__lte=on,
    ).order_by("due_on", "pk")
    tasks = (
        Assignment.objects.filter(
            Q(closed_on__isnull=True) | Q(closed_on__gt=on),
            organization_id__in=IdList(ids),
            conclusion__due_on__lt=on,
            conclusion__conference__date__lte=on,
        )
        .select_related("conclusion")
        .order_by("conclusion__due_on", "pk")
    )
    recs, tasks = list(recs), list(tasks)
    book = NameBook(
        {
            *(r.raised_by_id for r in recs),
            *(r.addressed_to_id for r in recs),
            *(t.organization_id for t in tasks),
        }
    )
    lines = [
        f"- Kiến nghị của {book.name(r.raised_by_id, on)} gửi {book.name(r.addressed_to_id, on)} "
        f"chưa được trả lời (hạn {partydoc.prose_date(r.due_on)}): {r.text}"
        for r in recs
    ]
    lines += [
        f"- {book.name(t.organization_id, on)} chưa hoàn thành nhiệm vụ được giao (hạn "
        f"{partydoc.prose_date(t.conclusion.due_on)}): {t.conclusion.text}"
        for t in tasks
    ]
    return Part("Kiến nghị, nhiệm vụ quá hạn", lines) if lines else None


# Shown in their own parts above, not again under their regulation.
SHOWN_APART = {"R-MTG-01", "R-MTG-02", "BRIEF"}


def part_findings(facts: ReportFacts) -> Part | None:
    """The other open findings, grouped by the regulation they fall under (its name, never
    its code), with how many and where."""
    by_regulation: dict[str, list] = {}
    for finding in facts.findings:
        if finding.rule_id in SHOWN_APART:
            continue
        source = paper_text(finding.regulation.split(";")[0]) or "Các quy định khác"
        by_regulation.setdefault(source, []).append(finding)
    lines = []
    for source, found in by_regulation.items():
        orgs = sorted({facts.name(f.organization_id) for f in found}, key=vntext.sort_key)
        shown = ", ".join(orgs[:5]) + (f" và {len(orgs) - 5} tổ chức khác" if len(orgs) > 5 else "")
        examples = "; ".join(dict.fromkeys(_sentence(f.message).rstrip(".") for f in found[:3]))
        lines.append(f"- Theo {source}: {len(found)} trường hợp tại {shown} ({examples}).")
    return Part("Các vấn đề khác chưa khắc phục theo quy định", lines) if lines else None


SHORTCOMING_PARTS: list[Callable[[ReportFacts], Part | None]] = [
    part_meeting_shortcomings,
    part_structure_shortcomings,
    part_overdue,
    part_findings,
]


def section_shortcomings(facts: ReportFacts) -> Section:
    parts = [p for build in SHORTCOMING_PARTS if (p := build(facts))]
    if not parts:
        return Section(
            "Hạn chế, thiếu sót",
            paragraphs=["Qua theo dõi, trong kỳ chưa phát hiện hạn chế, thiếu sót."],
        )
    return Section("Hạn chế, thiếu sót", parts)


def _recommendation(cell: str, text: str) -> str:
    """ "- Chi bộ … đề nghị …" when the text opens with its verb, else "- Chi bộ …: …"."""
    opening = " ".join(text.split()[:2])
    if vntext.same_text_key(opening) == vntext.same_text_key("Đề nghị"):
        return f"- {cell} {_sentence(text)}"
    return f"- {cell}: {text}"


def section_difficulties(facts: ReportFacts) -> Section | None:
    difficulties = _said(facts, "difficulties")
    recommendations = list(facts.conference.recommendations.order_by("raised_on", "pk"))
    book = NameBook({r.raised_by_id for r in recommendations})
    on = facts.conference.date
    parts = []
    if difficulties:
        parts.append(Part("Khó khăn, vướng mắc", difficulties))
    if recommendations:
        parts.append(
            Part(
                "Kiến nghị, đề xuất",
                [_recommendation(book.name(r.raised_by_id, on), r.text) for r in recommendations],
            )
        )
    return Section("Khó khăn, vướng mắc và kiến nghị, đề xuất", parts) if parts else None


REPORT_SECTIONS: list[Callable[[ReportFacts], Section | None]] = [
    section_organization,
    section_results,
    section_shortcomings,
    section_difficulties,
]


def report_sections(facts: ReportFacts) -> list[Section]:
    return [s for build in REPORT_SECTIONS if (s := build(facts))]


def _write(document: partydoc.PartyDocument, sections: list[Section]) -> None:
    for section in sections:
        document.section(section.title)
        for text in section.paragraphs:
            document.paragraph(paper_text(text))
        for part in section.parts:
            document.item("", lead=part.title)
            for text in part.paragraphs:
                document.paragraph(paper_text(text))


def render_report(conference, number=None) -> bytes:
    document = partydoc.PartyDocument(
        header=_header(conference, number),
        doc_type="BÁO CÁO",
        subject="kết quả tổ chức và hoạt động của các chi bộ công an xã, thị trấn",
    )
    _write(document, report_sections(report_facts(conference)))
    document.signatures(None, _signature(conference), recipients=_recipients(conference))
    return document.render()


# --- The THÔNG BÁO KẾT LUẬN -----------------------------------------------------------------


def tasks_by_lead(conference) -> list[tuple[str, list]]:
    """The conclusions grouped under who carries them out, each group named once: the group
    written on the conclusion ("Các chi bộ Công an xã, thị trấn"), else the organizations
    it is assigned to by name, else the general tasks (lead "")."""
    conclusions = list(conference.conclusions.prefetch_related("assignments"))
    book = NameBook(a.organization_id for c in conclusions for a in c.assignments.all())
    grouped: dict[str, list] = {}
    for conclusion in conclusions:
        names = sorted(
            (book.name(a.organization_id, conference.date) for a in conclusion.assignments.all()),
            key=vntext.sort_key,
        )
        lead = conclusion.group.strip() or ", ".join(names)
        grouped.setdefault(lead, []).append(conclusion)
    return list(grouped.items())


def _task_text(conclusion) -> str:
    text = conclusion.text.strip()
    if text and text[-1] not in ".;:!?":
        text += "."
    due = f" Thời hạn: {partydoc.prose_date(conclusion.due_on)}." if conclusion.due_on else ""
    return f"{text}{due}"


def render_notice(conference, number=None) -> bytes:
    committee = _committee(conference.host, conference.date)
    document = partydoc.PartyDocument(
        header=_header(conference, number),
        doc_type="THÔNG BÁO",
        subject=f"kết luận của {committee} tại hội nghị trực báo {conference.title}",
    )
    add = document.paragraph
    chair = conference.chair.full_name if conference.chair else ""
    add(
        f"Ngày {partydoc.prose_date(conference.date)}, "
        f"{committee.replace('Ban Thường vụ', 'Thường trực')} tổ chức hội nghị trực báo "
        f"{conference.title}. Đồng chí {chair} – {conference.chair_title} chủ trì hội nghị."
        + (f" Dự hội nghị có {conference.attendees}." if conference.attendees else "")
    )
    add(
        f"Sau khi nghe {conference.reporter or 'cơ quan tham mưu'} báo cáo tình hình hoạt động "
        "của các chi bộ công an xã, thị trấn; ý kiến của các đồng chí bí thư chi bộ về thực "
        "trạng, những khó khăn, vướng mắc và kiến nghị, đề xuất; ý kiến tham gia của các thành "
        f"viên dự họp, {committee} kết luận như sau:"
    )
    if conference.assessment.strip():
        document.section("Đánh giá chung")
        for line in conference.assessment.splitlines():
            if line.strip():
                add(paper_text(line.strip()))
    groups = tasks_by_lead(conference)
    if groups:
        document.section("Nhiệm vụ thời gian tới")
        for lead, conclusions in groups:
            if lead and len(conclusions) == 1:
                document.item(paper_text(_task_text(conclusions[0])), lead=f"{lead}:")
                continue
            if lead:
                document.item("", lead=f"{lead}:")
                for conclusion in conclusions:
                    add(f"- {paper_text(_task_text(conclusion))}")
            else:
                for conclusion in conclusions:
                    document.item(paper_text(_task_text(conclusion)))
    add(f"{committee} thông báo để các cấp ủy, tổ chức đảng liên quan biết, thực hiện.")
    document.signatures(None, _signature(conference), recipients=_recipients(conference))
    return document.render()


def stamp_number(content: bytes, number) -> bytes:
    """Write the allocated number into a user's edited draft, on the header line that starts
    with "Số"; a draft without that line is refused (R-DOC-03)."""
    import io

    from django.core.exceptions import ValidationError
    from docx import Document

    try:
        document = Document(io.BytesIO(content))
        paragraphs = document.tables[0].rows[0].cells[0].paragraphs
    except Exception:  # a broken or foreign file: python-docx raises many kinds
        raise ValidationError(
            {"edited": "Tệp không đọc được như bản dự thảo của hệ thống."}
        ) from None
    line = next(
        (
            p
            for p in paragraphs
            if p.text.strip().startswith("Số") or p.text.strip() == partydoc.DRAFT
        ),
        None,
    )
    if line is None or not line.runs:
        raise ValidationError(
            {"edited": "Bản chỉnh sửa phải giữ dòng “Số …” (hoặc “DỰ THẢO”) ở khối tiêu đề."}
        )
    line.runs[0].text = f"Số {number.code}"
    line.runs[0].bold = False  # the number is upright, not bold (R-DOC-06)
    for run in line.runs[1:]:
        run.text = ""
    if document.core_properties.content_status == partydoc.DRAFT:
        document.core_properties.content_status = ""
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def render(conference, kind: str, number=None) -> bytes:
    return render_report(conference, number) if kind == "BC" else render_notice(conference, number)
