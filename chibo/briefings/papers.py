"""The conference's papers (domain §9.2): the BÁO CÁO (template a), the THÔNG BÁO KẾT LUẬN
(template b), and the per-cell .xlsx annex. Figures come from ``chibo.reports.stats`` as of
the conference day, the same code as the overview; the texts from the recorded report,
recommendations and conclusions."""

import datetime as dt

from django.db.models import Count, Q

from chibo.lib import partydoc, vntext
from chibo.lib.vnnumbers import number as vn_number
from chibo.meetings.models import Evaluation, Kind, Meeting, Side, Stage
from chibo.orgs.models import Kind as OrgKind
from chibo.orgs.models import NameBook, Organization, Relation
from chibo.register.progress import report_paragraph as dissemination_report
from chibo.reports import stats, xlsx

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


def _committee(host: Organization, on: dt.date) -> str:
    """ "Ban Thường vụ Huyện ủy" from "Huyện ủy Hiệp Đức" (R-DOC-02 names the committee)."""
    version = host.version_on(on)
    short = version.name.removesuffix(version.place_name).strip() or version.name
    return f"Ban Thường vụ {short}"


def _header(conference, number) -> partydoc.Header:
    host = conference.host
    version = host.version_on(conference.date)
    parent = host.superior_on(conference.date, Relation.TERRITORIAL)
    superior = parent.version_on(conference.date).party_name if parent else ""
    return partydoc.Header(
        superior=superior,
        issuer=version.name,
        number=f"Số {number.code}" if number else "Số     ",
        place=version.place_name,
        date=conference.date,
    )


def _signature(conference) -> partydoc.Signature:
    return partydoc.Signature(
        ["T/M BAN THƯỜNG VỤ", conference.signer_title.upper()],
        conference.chair.full_name if conference.chair else "",
    )


def _recipients(conference) -> list[str]:
    lines = [line.strip() for line in conference.recipients.splitlines() if line.strip()]
    return lines or ["- Như trên,", "- Lưu."]


def _of(n: int, total: int) -> str:
    return f"{n:02d}/{total:02d}" if total >= 10 else f"{n}/{total}"


def render_report(conference, number=None) -> bytes:
    data = overview(conference)
    f = data.figures
    cells = f["police_cells"]
    version = conference.host.version_on(conference.date)
    whole = WHOLE.get(version.kind, "toàn đơn vị")
    document = partydoc.PartyDocument(
        header=_header(conference, number),
        doc_type="BÁO CÁO",
        subject="kết quả tổ chức và hoạt động của các chi bộ công an xã, thị trấn",
    )
    add = document.paragraph
    document.heading("I- TÌNH HÌNH TỔ CHỨC")
    # Rounded down: 199 of 200 is 99%, never "100%".
    percent_regulations = 100 * f["cells_with_working_regulations"] // cells if cells else 0
    add(
        f"Thực hiện Điều lệ Đảng và {police_rule(conference.date)} về tổ chức đảng trong Công an "
        f"nhân dân, đến ngày {conference.date.day}/{conference.date.month}/{conference.date.year}, "
        f"{whole} đã thành lập {_of(cells, f['commune_committees'])} chi bộ công an trực thuộc "
        f"{vn_number(f['commune_committees'])} đảng ủy xã, thị trấn, với {f['members']:02d} đảng viên "
        f"(trong đó có {f['probationary_members']:02d} đảng viên dự bị); "
        f"{_of(f['cells_with_secretary_and_deputy'], cells)} chi bộ có Bí thư và Phó Bí thư, "
        f"{_of(f['cells_with_secretary_only'], cells)} chi bộ có Bí thư"
        + (
            f", {_of(f['cells_with_committee'], cells)} chi bộ có chi ủy"
            if f["cells_with_committee"]
            else ""
        )
        + f"; {percent_regulations}% chi bộ đã xây dựng và ban hành quy chế làm việc."
    )
    add(
        f"Cán bộ, chiến sĩ Công an chính quy: {vn_number(f['regular_officers'])} đồng chí, trong đó "
        f"{vn_number(f['regular_officers_party_members'])} đồng chí là đảng viên."
    )
    document.heading("II- KẾT QUẢ HOẠT ĐỘNG")
    meetings = meeting_figures(
        [r.organization_id for r in data.cells], conference.period_start, conference.period_end
    )
    levels = ", ".join(f"{label} {n}" for label, n in sorted(meetings["levels"].items()))
    add(
        f"Từ ngày {conference.period_start:%d/%m/%Y} đến ngày {conference.period_end:%d/%m/%Y}, các "
        f"chi bộ tổ chức {meetings['regular']} buổi sinh hoạt thường kỳ và {meetings['thematic']} "
        f"buổi sinh hoạt chuyên đề; cấp ủy cấp trên dự {meetings['superior']}/{meetings['total']} "
        "buổi, theo dõi, hướng dẫn và phối hợp đánh giá chất lượng sinh hoạt"
        + (f"; xếp loại: {levels}." if levels else ".")
    )
    # F-9: the study of higher documents in the period, from the register (issue 15).
    cell_ids = [r.organization_id for r in data.cells]
    if text := dissemination_report(cell_ids, conference.period_start, conference.period_end):
        add(text)
    # What the cells reported, each text once with the cells that wrote it (no query per cell).
    reports = list(conference.reports.filter(stage="submitted"))
    book = NameBook(r.cell_id for r in reports)
    said: dict[str, list[str]] = {}
    for report in reports:
        for text in (report.security, report.other_tasks):
            if text:
                said.setdefault(text, []).append(book.name(report.cell_id, conference.date))
    for text, names in said.items():
        who = "Các chi bộ" if len(names) == len(data.cells) else ", ".join(names)
        add(f"{who}: {text}")
    recommendations = list(conference.recommendations.select_related("raised_by"))
    if recommendations:
        document.heading("III- KHÓ KHĂN, VƯỚNG MẮC VÀ KIẾN NGHỊ, ĐỀ XUẤT")
        for rec in recommendations:
            add(f"- {rec.text}", indent=False)
    document.signatures(None, _signature(conference), recipients=_recipients(conference))
    return document.render()


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
        f"Ngày {conference.date.day}/{conference.date.month}/{conference.date.year}, "
        f"{committee.replace('Ban Thường vụ', 'Thường trực')} tổ chức hội nghị trực báo "
        f"{conference.title}. Đồng chí {chair} – {conference.chair_title} chủ trì hội nghị."
        + (f" Dự hội nghị có {conference.attendees}." if conference.attendees else "")
    )
    add(
        f"Sau khi nghe {conference.reporter or 'cơ quan tham mưu'} báo cáo tình hình hoạt động của các chi bộ "
        "công an xã, thị trấn; ý kiến của các đồng chí bí thư chi bộ về thực trạng, những khó "
        f"khăn, vướng mắc và kiến nghị, đề xuất; ý kiến tham gia của các thành viên dự họp, "
        f"{committee} kết luận như sau:"
    )
    if conference.assessment:
        document.heading("1. Đánh giá chung")
        for line in conference.assessment.splitlines():
            if line.strip():
                add(line.strip())
    document.heading("2. Nhiệm vụ thời gian tới")
    conclusions = list(conference.conclusions.prefetch_related("assignments"))
    book = NameBook(a.organization_id for c in conclusions for a in c.assignments.all())
    for index, conclusion in enumerate(conclusions, start=1):
        names = sorted(
            (book.name(a.organization_id, conference.date) for a in conclusion.assignments.all()),
            key=vntext.sort_key,
        )
        due = f" Thời hạn: {conclusion.due_on:%d/%m/%Y}." if conclusion.due_on else ""
        lead = f"{conclusion.group or ', '.join(names)}: " if names or conclusion.group else ""
        add(f"2.{index}. {lead}{conclusion.text}{due}")
        if conclusion.group and names:  # the group's members, named (who is followed up)
            add(f"Giao: {', '.join(names)}.", indent=True)
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
    line = next((p for p in paragraphs if p.text.strip().startswith("Số")), None)
    if line is None or not line.runs:
        raise ValidationError({"edited": "Bản chỉnh sửa phải giữ dòng “Số …” ở khối tiêu đề."})
    line.runs[0].text = f"Số {number.code}"
    for run in line.runs[1:]:
        run.text = ""
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def render(conference, kind: str, number=None) -> bytes:
    return render_report(conference, number) if kind == "BC" else render_notice(conference, number)


def annex(conference) -> bytes:
    data = overview(conference)
    headers = [
        "STT",
        "Chi bộ",
        "Đảng viên",
        "Chính thức",
        "Dự bị",
        "Bí thư",
        "Phó Bí thư",
        "Quy chế làm việc",
        "Cảnh báo",
    ]
    rows = (
        [
            i,
            r.version.name,
            r.members,
            r.official,
            r.probationary,
            ", ".join(r.secretaries),
            ", ".join(r.deputies),
            r.regulation,
            " ".join(r.warnings),
        ]
        for i, r in enumerate(data.cells, start=1)
    )
    return xlsx.render(
        title="Phụ lục: các chi bộ Công an", as_of=conference.date, headers=headers, rows=rows
    )
