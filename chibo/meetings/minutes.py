"""Biên bản sinh hoạt chi bộ (R-MTG-11) as a Party-format .docx, filled from the record.

For a cell under a grassroots committee: header "ĐẢNG BỘ XÃ …" / "CHI BỘ CÔNG AN XÃ", "*",
"Số NN-BB/CB"; no seal (R-ORG-08); signatures "NGƯỜI GHI BIÊN BẢN" and "CHỦ TRÌ HỘI NGHỊ".
"""

from chibo.lib import partydoc
from chibo.lib.validity import valid_on
from chibo.meetings import quality
from chibo.meetings.models import Kind, Meeting, Presence
from chibo.members.models import Position
from chibo.orgs.models import Relation


def header_lines(cell, on) -> tuple[str, str, str]:
    """(superior line, issuer line, place): the issuer line drops the place the superior
    line already names, as cells write "CHI BỘ CÔNG AN XÃ" under "ĐẢNG BỘ XÃ BÌNH LÂM"."""
    version = cell.version_on(on)
    parent = cell.superior_on(on, Relation.TERRITORIAL)
    superior = parent.version_on(on).party_name if parent else ""
    issuer = version.name
    if version.place_name and superior.endswith(version.place_name):
        issuer = issuer.removesuffix(version.place_name).rstrip()
    return superior, issuer, version.place_name


def _title(person, meeting) -> str:
    posts = Position.objects.filter(
        valid_on(meeting.date), person=person, organization=meeting.cell
    )
    post = posts.order_by("role").first()
    suffix = f", {post.get_role_display()} Chi bộ" if post else ""
    return f"đồng chí {person.full_name}{suffix}"


def _time(value) -> str:
    return f"{value.hour} giờ {value.minute:02d} phút"


def render(meeting: Meeting) -> bytes:
    superior, issuer, place = header_lines(meeting.cell, meeting.date)
    # Without its number the minutes are not yet closed: a draft, marked DỰ THẢO (R-DOC-03).
    number = f"Số {meeting.number.code}" if meeting.number else None
    kind = Kind(meeting.kind).label.lower()
    body = meeting.cell.version_on(meeting.date).name
    document = partydoc.PartyDocument(
        header=partydoc.Header(superior, issuer, number, place, meeting.date, body=body),
        doc_type="BIÊN BẢN",
        subject=f"sinh hoạt chi bộ {kind} tháng {meeting.date.month} năm {meeting.date.year}",
    )
    rows = list(meeting.attendance.select_related("person").order_by("person__sort_key"))
    summary = quality.summarize(rows)
    counts = summary.counts
    add = document.paragraph
    when = partydoc.prose_date(meeting.date)  # R-TXT-01 in body text
    add(f"Thời gian: bắt đầu lúc {_time(meeting.start_time)}, ngày {when}.")
    if meeting.makeup:
        add(f"Sinh hoạt bù; lý do: {meeting.makeup_reason}.")
    add(f"Địa điểm: {meeting.place or '—'}{'' if meeting.in_person else ' (trực tuyến)'}.")
    add(f"Chủ trì: {_title(meeting.chair, meeting)}.")
    add(f"Thư ký: {_title(meeting.minute_taker, meeting)}.")
    add(
        f"Đảng viên của chi bộ: {summary.total} đồng chí; có mặt {summary.attended} "
        f"(đến muộn {counts[Presence.LATE]}); vắng có lý do {counts[Presence.EXCUSED]}; "
        f"vắng không lý do {counts[Presence.UNEXCUSED]}; làm nhiệm vụ đặc biệt "
        f"{counts[Presence.SPECIAL_DUTY]}; miễn sinh hoạt {counts[Presence.EXEMPT]}. "
        f"Tỷ lệ dự họp {summary.percent}."
    )
    absent = [r for r in rows if not Presence(r.status).attended]
    for row in absent:
        reason = f": {row.reason}" if row.reason else ""
        add(f"- {row.person.full_name} ({row.get_status_display().lower()}{reason}).", indent=False)
    if meeting.superior_present and meeting.superior_person:
        add(f"Cấp ủy cấp trên dự: đồng chí {meeting.superior_person.full_name}.")
    if meeting.guests:
        add(f"Khách mời: {meeting.guests}.")
    # The agenda's parts take the papers' one numbering ("I-", "II-"), counted over the
    # parts present; the other headings are unnumbered.
    sections = [
        ("Chuyên đề", meeting.topic, False),
        ("Công tác chính trị, tư tưởng", meeting.agenda_political, True),
        ("Thực hiện nhiệm vụ chính trị", meeting.agenda_tasks, True),
        ("Công tác xây dựng Đảng", meeting.agenda_party, True),
        ("Ý kiến thảo luận", meeting.discussion, False),
        ("Kết luận của đồng chí chủ trì", meeting.conclusions, False),
        ("Nghị quyết", meeting.resolution, False),
    ]
    for title, text, numbered in sections:
        if text:
            (document.section if numbered else document.heading)(title)
            for line in text.splitlines():
                if line.strip():
                    add(line.strip())
    if meeting.votes_yes is not None:
        officials = quality.official_count(meeting)
        passed = quality.resolution_passed(meeting, officials)
        add(
            f"Biểu quyết: tán thành {meeting.votes_yes}/{officials} đảng viên chính thức; "
            f"không tán thành {meeting.votes_no or 0}; "
            f"không biểu quyết {meeting.votes_abstain or 0}. "
            + (
                "Nghị quyết được thông qua."
                if passed
                else "Nghị quyết chưa đủ quá nửa số đảng viên chính thức tán thành."
            )
        )
    add(
        f"Buổi sinh hoạt kết thúc lúc {_time(meeting.end_time)} cùng ngày. Biên bản đã được "
        "đọc lại trước chi bộ và thông qua."
    )
    document.signatures(
        partydoc.Signature(["NGƯỜI GHI BIÊN BẢN"], meeting.minute_taker.full_name),
        partydoc.Signature(["CHỦ TRÌ HỘI NGHỊ"], meeting.chair.full_name),
    )
    return document.render()
