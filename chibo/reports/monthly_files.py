"""The monthly report's files (issue 14, item 3): the .xlsx (one typed row per cell and a
totals row, through ``chibo.lib.xlsx``) and the BÁO CÁO in the Party format (through the
public functions of ``chibo.lib.partydoc`` only). Both read a computed ``MonthlyReport``."""

import datetime as dt

from chibo.lib import partydoc, vntext, xlsx
from chibo.lib.vnnumbers import number
from chibo.lib.xlsx import Column
from chibo.members.models import Position, Role
from chibo.orgs.models import Kind, Relation
from chibo.reports.monthly import MonthlyReport

COLUMNS = [
    Column("STT", xlsx.INTEGER),
    Column("Chi bộ"),
    Column("Đảng viên", xlsx.INTEGER, total=True),
    Column("Chính thức", xlsx.INTEGER, total=True),
    Column("Dự bị", xlsx.INTEGER, total=True),
    Column("Buổi sinh hoạt đã họp", xlsx.INTEGER, total=True),
    Column("Sinh hoạt thường kỳ", xlsx.INTEGER, total=True),
    Column("Không sinh hoạt thường kỳ", xlsx.INTEGER, total=True),
    Column("Chuyên đề", xlsx.INTEGER, total=True),
    Column("Lượt dự họp", xlsx.INTEGER, total=True),
    Column("Lượt phải dự", xlsx.INTEGER, total=True),
    Column("Tỷ lệ dự họp", xlsx.PERCENT),
    Column("Cấp trên dự (buổi)", xlsx.INTEGER, total=True),
    Column("Xếp loại"),
    Column("Kết nạp", xlsx.INTEGER, total=True),
    Column("Công nhận chính thức", xlsx.INTEGER, total=True),
    Column("Chuyển đi", xlsx.INTEGER, total=True),
    Column("Tiếp nhận", xlsx.INTEGER, total=True),
    Column("Cảnh báo còn mở", xlsx.INTEGER, total=True),
    Column("Nội dung cảnh báo"),
]


def title(report: MonthlyReport) -> str:
    return f"Báo cáo tháng {report.month.month:02d}/{report.month.year} — {report.name}"


def filename(report: MonthlyReport, ext: str) -> str:
    return (
        f"bao-cao-thang-{report.month.year}-{report.month.month:02d}-{report.organization.pk}.{ext}"
    )


def xlsx_rows(report: MonthlyReport):
    for index, c in enumerate(report.cells, start=1):
        yield [
            index,
            c.name,
            c.members,
            c.official,
            c.probationary,
            c.held,
            c.regular_held,
            c.missed,
            c.thematic,
            c.attended,
            c.counted,
            c.rate,
            c.superior,
            c.level or None,
            c.admitted,
            c.recognized,
            c.transferred_out,
            c.transferred_in,
            c.open_findings,
            "\n".join(f"- {m}" for m in c.findings) or None,
        ]


def render_xlsx(report: MonthlyReport) -> bytes:
    lines = [] if report.complete else ["Tháng chưa kết thúc: số liệu đến hết ngày hôm nay."]
    return xlsx.render(
        title=title(report),
        as_of=report.as_of,
        columns=COLUMNS,
        rows=xlsx_rows(report),
        lines=lines,
    )


def _day(day: dt.date) -> str:
    return f"{day.day}/{day.month}/{day.year}"  # R-TXT-01 in running text


def _percent(value: float | None) -> str:
    return f"{number(100 * value, 1)}%" if value is not None else "—"


def _names(cells) -> str:
    return ", ".join(c.name for c in cells)


SIGN_FOR = {
    Kind.PROVINCE: "T/M BAN THƯỜNG VỤ",
    Kind.DISTRICT: "T/M BAN THƯỜNG VỤ",
    Kind.GRASSROOTS_COMMITTEE: "T/M ĐẢNG ỦY",
    Kind.POLICE_COMMITTEE: "T/M ĐẢNG ỦY",
}


def _signature(report: MonthlyReport, kind: str) -> partydoc.Signature:
    """The body's secretary on the report's day signs; a deputy when there is none."""
    posts = {
        p.role: p.person.full_name
        for p in Position.objects.on(report.as_of)
        .filter(organization=report.organization, role__in=[Role.SECRETARY, Role.DEPUTY])
        .select_related("person")
        .order_by("-role")  # "secretary" after "deputy": the secretary wins
    }
    lines = [SIGN_FOR.get(kind, "T/M CHI BỘ")]
    if Role.SECRETARY in posts:
        return partydoc.Signature([*lines, "BÍ THƯ"], posts[Role.SECRETARY])
    if Role.DEPUTY in posts:
        return partydoc.Signature([*lines, "PHÓ BÍ THƯ"], posts[Role.DEPUTY])
    return partydoc.Signature([*lines, "BÍ THƯ"], "")


def render_docx(report: MonthlyReport) -> bytes:
    """The BÁO CÁO as a draft for the clerk: the number is left for the register (R-DOC-03)."""
    org, on = report.organization, report.as_of
    version = org.version_on(on) or org.versions.order_by("-valid_from")[0]
    parent = org.superior_on(on, Relation.TERRITORIAL)
    parent_version = parent.version_on(on) if parent else None
    month = f"{report.month.month}/{report.month.year}"
    document = partydoc.PartyDocument(
        header=partydoc.Header(
            superior=parent_version.party_name if parent_version else "",
            issuer=version.name,
            number=f"Số      -BC/{version.issuer_code}",
            place=version.place_name,
            date=on,
        ),
        doc_type="BÁO CÁO",
        subject=f"tình hình hoạt động của các chi bộ Công an tháng {month}",
    )
    add = document.paragraph
    totals, cells = report.totals, report.cells
    document.heading("I- TÌNH HÌNH TỔ CHỨC VÀ ĐẢNG VIÊN")
    add(
        f"Đến ngày {_day(on)}, {version.name} có {len(cells)} chi bộ Công an với "
        f"{totals['members']} đảng viên (trong đó {totals['probationary']} đảng viên dự bị). "
        f"Trong tháng, kết nạp {totals['admitted']} đảng viên, công nhận chính thức "
        f"{totals['recognized']} đảng viên; chuyển sinh hoạt đi {totals['transferred_out']}, "
        f"tiếp nhận {totals['transferred_in']} đảng viên."
    )
    document.heading("II- SINH HOẠT CHI BỘ")
    levels = ", ".join(
        f"{label} {n}"
        for label, n in sorted(report.levels.items(), key=lambda i: vntext.sort_key(i[0]))
    )
    add(
        f"Trong tháng {month}, {totals['regular_held']}/{len(cells)} chi bộ sinh hoạt thường kỳ, "
        f"{totals['thematic']} buổi sinh hoạt chuyên đề, tổng cộng {totals['held']} buổi; "
        f"tỷ lệ đảng viên dự họp {_percent(report.rate)}; cấp ủy cấp trên dự "
        f"{totals['superior']}/{totals['held']} buổi"
        + (f"; xếp loại chất lượng: {levels}." if levels else ".")
    )
    if not report.complete:
        add(f"Tháng {month} chưa kết thúc; số liệu tính đến hết ngày {_day(on)}.")
    missed = [c for c in cells if c.missed]
    if missed:
        add(f"Chi bộ không sinh hoạt thường kỳ trong tháng: {_names(missed)}.")
    alone = [c for c in cells if c.held and c.superior < c.held]
    if alone:
        add(f"Chi bộ có buổi sinh hoạt không có cấp ủy cấp trên dự: {_names(alone)}.")
    for c in cells:
        if not c.held:
            continue
        days = ", ".join(_day(d) for d in sorted(c.meeting_days))
        add(
            f"- {c.name}: họp {c.held} buổi (ngày {days}); dự họp {c.attended}/{c.counted} lượt "
            f"({_percent(c.rate)})" + (f"; xếp loại {c.level}" if c.level else "") + ".",
            indent=False,
        )
    document.heading("III- NHỮNG VẤN ĐỀ CẦN KHẮC PHỤC")
    flagged = [c for c in cells if c.findings]
    if not flagged:
        add(f"Đến ngày {_day(on)}, không có cảnh báo nào còn mở ở các chi bộ.")
    for c in flagged:
        add(f"- {c.name}: {'; '.join(m.rstrip('.') for m in c.findings)}.", indent=False)
    recipients = ["- Như trên,"]
    if parent_version:
        recipients = [f"- {parent_version.name} (để báo cáo),"]
    document.signatures(
        None,
        _signature(report, version.kind),
        recipients=[*recipients, "- Các chi bộ Công an,", "- Lưu."],
    )
    return document.render()
