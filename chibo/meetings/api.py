"""``/api/v1/meetings``: meetings, attendance and evaluations, scoped like the pages and
validated by the same forms and operations."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status

from chibo.accounts import access
from chibo.accounts.access import Capability
from chibo.lib import apiforms, params
from chibo.lib.params import InvalidParam
from chibo.meetings import forms, operations, quality
from chibo.meetings.models import Meeting, Side
from chibo.members.roster import cells_in
from chibo.orgs.models import Organization

router = Router(tags=["meetings"])


class AttendanceOut(Schema):
    person: int
    full_name: str
    status: str
    reason: str


class EvaluationOut(Schema):
    side: str
    total: int
    level: str
    scored_at: dt.datetime


class MeetingOut(Schema):
    id: int
    cell: int
    kind: str
    stage: str
    makeup: bool
    makeup_reason: str
    planned_date: dt.date
    date: dt.date | None
    duration_minutes: int | None
    superior_present: bool
    number: str | None
    attendance_rate: str
    attendance: list[AttendanceOut]
    evaluations: list[EvaluationOut]


def _out(meeting: Meeting) -> MeetingOut:
    rows = sorted(meeting.attendance.all(), key=lambda a: a.person.sort_key)  # prefetched
    return MeetingOut(
        id=meeting.pk,
        cell=meeting.cell_id,
        kind=meeting.kind,
        stage=meeting.stage,
        makeup=meeting.makeup,
        makeup_reason=meeting.makeup_reason,
        planned_date=meeting.planned_date,
        date=meeting.date,
        duration_minutes=meeting.duration_minutes,
        superior_present=meeting.superior_present,
        number=meeting.number.code if meeting.number_id else None,
        attendance_rate=quality.summarize(rows).percent,
        attendance=[
            AttendanceOut(
                person=r.person_id, full_name=r.person.full_name, status=r.status, reason=r.reason
            )
            for r in rows
        ],
        evaluations=[
            EvaluationOut(side=e.side, total=e.total, level=e.level, scored_at=e.scored_at)
            for e in meeting.evaluations.all()
        ],
    )


def _fresh(pk: int) -> Meeting:
    """The meeting as stored now, with what ``_out`` reads prefetched."""
    return (
        Meeting.objects.select_related("number")
        .prefetch_related("attendance__person", "evaluations")
        .get(pk=pk)
    )


def _meeting(request, pk: int, capability: str = "view") -> Meeting:
    meeting = Meeting.objects.select_related("cell", "number").filter(pk=pk).first()
    if meeting is None or not access.can(request.user, meeting.cell, meeting.day):
        raise Http404
    if capability == "write" and not access.can(
        request.user, meeting.cell, meeting.day, Capability.WRITE
    ):
        raise PermissionDenied
    if capability == "supervise" and not access.can_supervise(
        request.user, meeting.cell, meeting.day
    ):
        raise PermissionDenied
    return meeting


def _date(value: str, name: str) -> dt.date | None:
    return params.as_of({name: value}, name) if value else None


@router.get("", response=list[MeetingOut], summary="Các buổi sinh hoạt trong phạm vi")
def list_meetings(
    request: HttpRequest, cell: str = "", start: str = "", end: str = "", limit: int = 100
):
    start_day, end_day = _date(start, "start"), _date(end, "end")
    if not 1 <= limit <= 500:
        raise InvalidParam("limit phải từ 1 đến 500.")
    today = timezone.localdate()
    day = end_day or today
    rows = access.scope(request.user, day).filter(Meeting.objects.all(), field="cell_id")
    cell_id = params.optional_int({"cell": cell}, "cell", "chi bộ")
    if cell_id is not None:
        rows = rows.filter(cell_id=cell_id)
    if start_day:
        rows = rows.filter(planned_date__gte=start_day)
    if end_day:
        rows = rows.filter(planned_date__lte=end_day)
    rows = rows.select_related("number").prefetch_related("attendance__person", "evaluations")
    return [_out(m) for m in rows.order_by("-planned_date")[:limit]]


@router.get("/{meeting_id}", response=MeetingOut, summary="Một buổi sinh hoạt")
def get_meeting(request: HttpRequest, meeting_id: int):
    return _out(_fresh(_meeting(request, meeting_id).pk))


class PlanIn(Schema):
    cell: str | int | None = None
    kind: str | None = None
    planned_date: str | int | None = None
    planned_time: str | None = None
    place: str | None = None
    topic: str | None = None
    makeup: bool | None = None
    makeup_reason: str | None = None
    agenda_political: str | None = None
    agenda_tasks: str | None = None
    agenda_party: str | None = None
    materials: str | None = None


@router.post("", response={201: MeetingOut}, summary="Lên kế hoạch sinh hoạt")
def plan_meeting(request: HttpRequest, body: PlanIn):
    payload = body.dict()
    today = timezone.localdate()
    scope = access.require_any(request.user, today, Capability.WRITE)
    form = forms.PlanForm(
        apiforms.payload_data(payload), cells=cells_in(scope, today, Capability.WRITE)
    )

    def action(data):
        cell = Organization.objects.get(pk=data["cell"])
        if not access.can(request.user, cell, data["planned_date"], Capability.WRITE):
            raise ValidationError({"cell": "Chi bộ nằm ngoài phạm vi bạn được ghi vào ngày đó."})
        texts = {k: data[k] for k in operations.TEXT_FIELDS if k in data}
        return operations.plan(
            cell=cell,
            kind=data["kind"],
            planned_date=data["planned_date"],
            planned_time=data["planned_time"],
            makeup=data["makeup"],
            makeup_reason=data["makeup_reason"],
            by=request.user,
            **texts,
        )

    return Status(201, _out(_fresh(apiforms.run(form, action).pk)))


class Mark(Schema):
    status: str
    reason: str = ""


class AttendanceIn(Schema):
    marks: dict[int, Mark]


@router.post("/{meeting_id}/attendance", response=MeetingOut, summary="Điểm danh")
def take_attendance(request: HttpRequest, meeting_id: int, body: AttendanceIn):
    meeting = _meeting(request, meeting_id, "write")
    marks = body.marks
    try:
        operations.take_attendance(
            meeting=meeting,
            marks={pid: (m.status, m.reason) for pid, m in marks.items()},
            by=request.user,
        )
    except ValidationError as error:
        raise apiforms.FormInvalid({"marks": error.messages}) from None
    return _out(_fresh(meeting.pk))


class ScoreIn(Schema):
    side: str
    points: dict[int, int] = {}
    note: str = ""


@router.post("/{meeting_id}/evaluations", response=MeetingOut, summary="Chấm điểm chất lượng")
def score(request: HttpRequest, meeting_id: int, body: ScoreIn):
    if body.side not in {Side.SELF, Side.SUPERIOR}:
        raise InvalidParam("side phải là self hoặc superior.")
    meeting = _meeting(request, meeting_id, "write" if body.side == Side.SELF else "supervise")
    try:
        operations.score(
            meeting=meeting, side=body.side, points=body.points, note=body.note, by=request.user
        )
    except ValidationError as error:
        raise apiforms.FormInvalid({"points": error.messages}) from None
    return _out(_fresh(meeting.pk))


class ConfirmIn(Schema):
    level: str
    note: str = ""


@router.post("/{meeting_id}/confirm", response=MeetingOut, summary="Đảng ủy xác nhận xếp loại")
def confirm(request: HttpRequest, meeting_id: int, body: ConfirmIn):
    meeting = _meeting(request, meeting_id, "supervise")
    try:
        operations.confirm(meeting=meeting, level=body.level, note=body.note, by=request.user)
    except ValidationError as error:
        raise apiforms.FormInvalid({"level": error.messages}) from None
    return _out(_fresh(meeting.pk))
