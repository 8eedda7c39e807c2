"""Workflows of the reporting conference, one transaction each."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from chibo import audit
from chibo.briefings import papers
from chibo.briefings.models import (
    Assignment,
    CellReport,
    Conclusion,
    Conference,
    IssuedPaper,
    PaperKind,
    Progress,
    Recommendation,
    RecStatus,
    ReportStage,
)
from chibo.documents import numbering
from chibo.lib import vndates, vntext
from chibo.lib.contention import Conflict, lock
from chibo.orgs.models import Kind, Organization

TEXTS = ("attendees", "agenda", "reporter", "assessment", "recipients", "chair_title")


@audit.operation("Tạo hội nghị trực báo")
@transaction.atomic
def create_conference(
    *,
    host: Organization,
    title: str,
    date: dt.date,
    period_start: dt.date,
    period_end: dt.date,
    invited,
    chair=None,
    by,
    **texts: str,
) -> Conference:
    horizon = vndates.add_months(timezone.localdate(), 12)
    if date > horizon:
        # Like a cell meeting (R-MTG-04), a conference is planned at most a year ahead.
        raise ValidationError(
            {"date": f"Chỉ lên lịch hội nghị trước tối đa một năm (đến ngày {horizon:%d/%m/%Y})."}
        )
    if host.version_on(date) is None:
        raise ValidationError({"date": f"Cấp ủy không hoạt động vào ngày {date:%d/%m/%Y}."})
    if period_end < period_start:
        raise ValidationError({"period_end": "Cuối kỳ phải sau đầu kỳ."})
    if period_end > date:
        raise ValidationError({"period_end": "Kỳ báo cáo phải kết thúc trước ngày hội nghị."})
    conference = Conference(
        host=host,
        title=vntext.nfc(title),
        date=date,
        period_start=period_start,
        period_end=period_end,
        chair=chair,
        created_by=by,
        **{k: vntext.nfc(v) if k != "recipients" else v for k, v in texts.items() if k in TEXTS},
    )
    conference.full_clean(exclude=["created_by", "chair"])
    conference.save()
    conference.invited.set(invited)
    return conference


@audit.operation("Ghi báo cáo của chi bộ")
@transaction.atomic
def save_report(
    *, conference: Conference, cell: Organization, submit: bool, by, **texts: str
) -> CellReport:
    """Báo cáo của chi bộ: the figures are computed again each time, as of the period's end."""
    if not conference.invited.filter(pk=cell.pk).exists():
        raise ValidationError("Chi bộ không có trong thành phần được mời báo cáo.")
    report, _created = CellReport.objects.get_or_create(conference=conference, cell=cell)
    if report.stage == ReportStage.SUBMITTED:
        raise ValidationError("Báo cáo đã gửi; không sửa được nữa.")
    report.figures = papers.cell_figures(cell, conference.period_start, conference.period_end)
    for name in ("security", "other_tasks", "difficulties"):
        if name in texts:
            setattr(report, name, vntext.nfc(texts[name]))
    if submit:
        report.stage = ReportStage.SUBMITTED
        report.submitted_at = timezone.now()
        report.submitted_by = by
    report.save()
    return report


@audit.operation("Ghi kiến nghị")
@transaction.atomic
def raise_recommendation(
    *,
    raised_by: Organization,
    addressed_to: Organization,
    category: str,
    text: str,
    raised_on: dt.date,
    due_on: dt.date | None = None,
    conference: Conference | None = None,
    by,
) -> Recommendation:
    text = vntext.nfc(text)
    if not text:
        raise ValidationError({"text": "Hãy ghi nội dung kiến nghị."})
    if due_on is not None and due_on < raised_on:
        raise ValidationError({"due_on": "Hạn trả lời không thể trước ngày kiến nghị."})
    if addressed_to.pk == raised_by.pk:
        raise ValidationError({"addressed_to": "Không gửi kiến nghị cho chính chi bộ mình."})
    recommendation = Recommendation(
        conference=conference,
        raised_by=raised_by,
        addressed_to=addressed_to,
        category=category,
        text=text,
        text_key=vntext.same_text_key(text),
        raised_on=raised_on,
        due_on=due_on,
        created_by=by,
    )
    recommendation.full_clean(exclude=["created_by", "answered_by", "conference"])
    duplicate = ValidationError({"text": "Chi bộ đã gửi kiến nghị này trong hội nghị."})
    if (
        conference is not None
        and Recommendation.objects.filter(
            conference=conference, raised_by=raised_by, text_key=recommendation.text_key
        ).exists()
    ):
        raise duplicate
    try:
        with transaction.atomic():
            recommendation.save()
    except IntegrityError:
        raise duplicate from None  # the same text sent twice at the same moment
    return recommendation


@audit.operation("Trả lời kiến nghị")
@transaction.atomic
def answer(
    *, recommendation: Recommendation, status: str, text: str, by, on: dt.date | None = None
) -> Recommendation:
    if status not in {RecStatus.IN_PROGRESS, RecStatus.ANSWERED, RecStatus.CLOSED}:
        raise ValidationError({"status": "Tình trạng không hợp lệ."})
    text = vntext.nfc(text)
    if status in {RecStatus.ANSWERED, RecStatus.CLOSED} and not text and not recommendation.answer:
        raise ValidationError({"answer": "Hãy ghi nội dung trả lời."})
    recommendation.status = status
    if status in {RecStatus.ANSWERED, RecStatus.CLOSED}:
        recommendation.answered_on = on or timezone.localdate()
    else:  # reopened: open again from now on
        recommendation.answered_on = None
    if text:
        recommendation.answer = text
        recommendation.answered_at = timezone.now()
        recommendation.answered_by = by
    recommendation.save()
    return recommendation


@audit.operation("Ghi kết luận")
@transaction.atomic
def add_conclusion(
    *,
    conference: Conference,
    text: str,
    group: str = "",
    due_on: dt.date | None = None,
    assignees=(),
    by,
) -> Conclusion:
    text = vntext.nfc(text)
    if not text:
        raise ValidationError({"text": "Hãy ghi nội dung kết luận."})
    if due_on is not None and due_on < conference.date:
        raise ValidationError({"due_on": "Thời hạn không thể trước ngày hội nghị."})
    if due_on is not None and not assignees:
        raise ValidationError(
            {"assignees": "Nhiệm vụ có thời hạn phải giao cho ít nhất một tổ chức."}
        )
    if assignees and not vntext.nfc(group):
        raise ValidationError({"group": "Hãy ghi tên đơn vị thực hiện như trong thông báo."})
    lock(conference)  # the order counter: concurrent conclusions never share a number
    last = conference.conclusions.aggregate(last=Max("order"))["last"] or 0
    conclusion = Conclusion.objects.create(
        conference=conference, order=last + 1, text=text, group=vntext.nfc(group), due_on=due_on
    )
    audit.created(
        Assignment.objects.bulk_create(
            Assignment(conclusion=conclusion, organization=org) for org in dict.fromkeys(assignees)
        )
    )
    return conclusion


@audit.operation("Báo cáo tiến độ nhiệm vụ")
@transaction.atomic
def report_progress(*, assignment: Assignment, on: dt.date, text: str, by) -> Progress:
    lock(assignment)
    if assignment.closed_at is not None:
        raise ValidationError("Nhiệm vụ đã được đóng.")
    text = vntext.nfc(text)
    if not text:
        raise ValidationError({"text": "Hãy ghi kết quả thực hiện."})
    if on > timezone.localdate():
        raise ValidationError({"on": "Ngày báo cáo chưa đến."})
    if on < assignment.conclusion.conference.date:
        raise ValidationError({"on": "Ngày báo cáo không thể trước ngày hội nghị."})
    return Progress.objects.create(assignment=assignment, on=on, text=text, by=by)


@audit.operation("Đóng nhiệm vụ")
@transaction.atomic
def close_task(*, assignment: Assignment, by, on: dt.date | None = None) -> Assignment:
    lock(assignment)
    if assignment.closed_at is not None:
        raise Conflict("Nhiệm vụ đã được đóng trước đó.")
    assignment.closed_on = on or timezone.localdate()
    assignment.closed_at = timezone.now()
    assignment.closed_by = by
    assignment.save(update_fields=["closed_on", "closed_at", "closed_by"])
    return assignment


@audit.operation("Ban hành văn bản")
@transaction.atomic
def issue_paper(
    *, conference: Conference, kind: str, by, edited: bytes | None = None
) -> IssuedPaper:
    """Ban hành: take the next number (R-DOC-03) and keep the bytes as issued. ``edited`` is
    the user's own revision of the draft; without it the paper is generated now."""
    if kind not in PaperKind.values:
        raise ValidationError("Loại văn bản không hợp lệ.")
    # Locked first: of concurrent issues of one paper, one takes the number and the others
    # find it issued (409), rather than failing on the unique constraint (issue 9).
    lock(conference)
    if conference.papers.filter(kind=kind).exists():
        raise Conflict("Văn bản này đã được ban hành.")
    number = numbering.allocate(conference.host, kind, conference.date)
    if edited is not None:
        content = papers.stamp_number(edited, number)
    else:
        content = papers.render(conference, kind, number)
    return IssuedPaper.objects.create(
        conference=conference,
        kind=kind,
        number=number,
        issued_on=conference.date,
        content=content,
        sha256=IssuedPaper.digest(content),
        edited=edited is not None,
        issued_by=by,
    )


def cells_of(host: Organization, on: dt.date) -> list[Organization]:
    """Police cells under ``host`` on ``on`` (with its predecessors' history)."""
    from chibo.orgs.models import OrgVersion

    ids = Organization.objects.subtree_ids([host.pk], on, with_predecessors=True)
    versions = (
        OrgVersion.objects.on(on)
        .filter(
            organization_id__in=ids,
            organization__is_police=True,
            kind__in=[Kind.GRASSROOTS_CELL, Kind.SUBORDINATE_CELL],
        )
        .select_related("organization")
    )
    return [v.organization for v in versions.sorted_by_name()]
