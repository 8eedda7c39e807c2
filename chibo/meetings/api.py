"""``/api/v1/meetings``: meetings, attendance and evaluations, scoped like the pages and
validated by the same forms and operations."""

import datetime as dt
from typing import Annotated, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import Field, Strict, StrictInt

from chibo.accounts import access
from chibo.accounts.access import Capability
from chibo.lib import apiforms, params
from chibo.lib.params import InvalidParam
from chibo.meetings import forms, operations, quality
from chibo.meetings.models import Meeting, Presence, Side, rubric_for
from chibo.meetings.views import assignable, superior_people
from chibo.members.models import Person
from chibo.members.roster import cells_in
from chibo.orgs.models import Organization

ID_KEY = {"type": "string", "pattern": "^[0-9]+$"}  # JSON keys are text: ids written in digits
router = Router(tags=["meetings"])
assignments = Router(tags=["meetings"])


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
def get_meeting(request: HttpRequest, meeting_id: apiforms.PathId):
    return _out(_fresh(_meeting(request, meeting_id).pk))


PlanIn = apiforms.schema_of(forms.PlanForm, "PlanIn")


@router.post("", response={201: MeetingOut}, summary="Lên kế hoạch sinh hoạt")
def plan_meeting(request: HttpRequest, body: PlanIn):
    today = timezone.localdate()
    scope = access.require_any(request.user, today, Capability.WRITE)
    form = forms.PlanForm(apiforms.form_data(body), cells=cells_in(scope, today, Capability.WRITE))

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
    status: Literal[tuple(Presence.values)]
    reason: Annotated[str, Strict(), Field(max_length=200)] = ""


class AttendanceIn(apiforms.Body):
    """One mark per member of đảng số on the meeting day, keyed by person id; members left
    out keep the mark they already have (R-MTG-05)."""

    marks: dict[int, Mark] = Field(json_schema_extra={"propertyNames": ID_KEY})


@router.post("/{meeting_id}/attendance", response=MeetingOut, summary="Điểm danh")
def take_attendance(request: HttpRequest, meeting_id: apiforms.PathId, body: AttendanceIn):
    meeting = _meeting(request, meeting_id, "write")
    roll = quality.roll(meeting)
    current = {a.person_id: (a.status, a.reason) for a in meeting.attendance.all()}
    data = {}
    for pid, (status, reason) in current.items():
        data[f"status_{pid}"], data[f"reason_{pid}"] = status, reason
    for pid, mark in body.marks.items():
        data[f"status_{pid}"], data[f"reason_{pid}"] = mark.status, mark.reason
    form = forms.AttendanceForm(data, roll=roll, current=current)

    def action(_data):
        operations.take_attendance(meeting=meeting, marks=form.marks(), by=request.user)

    apiforms.run(form, action)
    return _out(_fresh(meeting.pk))


class ScoreIn(apiforms.Body):
    """The points of each criterion not computed from the record, keyed by criterion id
    (see the rubric in force on the meeting day); the page's form checks each maximum."""

    side: Literal["self", "superior"]
    points: dict[int, StrictInt] = Field({}, json_schema_extra={"propertyNames": ID_KEY})
    note: Annotated[str, Strict(), Field(max_length=500)] = ""


@router.post("/{meeting_id}/evaluations", response=MeetingOut, summary="Chấm điểm chất lượng")
def score(request: HttpRequest, meeting_id: apiforms.PathId, body: ScoreIn):
    meeting = _meeting(request, meeting_id, "write" if body.side == Side.SELF else "supervise")
    if meeting.date is None:
        raise apiforms.FormInvalid(
            {"__all__": ["Buổi sinh hoạt chưa được ghi; chưa thể chấm điểm."]}
        )
    rubric = rubric_for(meeting.cell, meeting.date)
    form = forms.ScoreForm(
        {**{f"c{k}": str(v) for k, v in body.points.items()}, "note": body.note},
        rubric=rubric,
        computed=quality.computed_points(meeting, rubric),
    )
    apiforms.run(
        form,
        lambda data: operations.score(
            meeting=meeting,
            side=body.side,
            points=form.points(),
            note=data["note"],
            by=request.user,
        ),
    )
    return _out(_fresh(meeting.pk))


ConfirmIn = apiforms.schema_of(forms.ConfirmForm, "ConfirmIn")


@router.post("/{meeting_id}/confirm", response=MeetingOut, summary="Đảng ủy xác nhận xếp loại")
def confirm(request: HttpRequest, meeting_id: apiforms.PathId, body: ConfirmIn):
    meeting = _meeting(request, meeting_id, "supervise")
    if meeting.date is None:
        raise apiforms.FormInvalid({"__all__": ["Buổi sinh hoạt chưa được ghi."]})
    rubric = rubric_for(meeting.cell, meeting.date)
    form = forms.ConfirmForm(
        apiforms.form_data(body), levels=[lv.label for lv in rubric.levels.all()]
    )
    apiforms.run(
        form,
        lambda data: operations.confirm(
            meeting=meeting, level=data["level"], note=data["note"], by=request.user
        ),
    )
    return _out(_fresh(meeting.pk))


HoldIn = apiforms.schema_of(forms.HoldForm, "HoldIn")


@router.post("/{meeting_id}/hold", response=MeetingOut, summary="Ghi buổi sinh hoạt đã họp")
def hold(request: HttpRequest, meeting_id: apiforms.PathId, body: HoldIn):
    meeting = _meeting(request, meeting_id, "write")
    form = forms.HoldForm(
        apiforms.form_data(body),
        members=quality.roll(meeting),
        superiors=superior_people(meeting),
    )

    def action(data):
        people = Person.objects.in_bulk(
            [data["chair"], data["minute_taker"], data["superior_person"]]
        )
        record = operations.Record(
            date=data["date"],
            start_time=data["start_time"],
            end_time=data["end_time"],
            kind=data["kind"],
            chair=people.get(data["chair"]),
            minute_taker=people.get(data["minute_taker"]),
            in_person=data["in_person"],
            votes_yes=data["votes_yes"],
            votes_no=data["votes_no"],
            votes_abstain=data["votes_abstain"],
            superior_present=data["superior_present"],
            superior_person=people.get(data["superior_person"]),
        )
        if not access.can(request.user, meeting.cell, data["date"], Capability.WRITE):
            raise ValidationError({"date": "Chi bộ nằm ngoài phạm vi bạn được ghi vào ngày đó."})
        texts = {k: data[k] for k in operations.TEXT_FIELDS if k in data}
        return operations.hold(meeting=meeting, record=record, by=request.user, **texts)

    apiforms.run(form, action)
    return _out(_fresh(meeting.pk))


@router.post("/{meeting_id}/close", response=MeetingOut, summary="Khóa biên bản, cấp số")
def close(request: HttpRequest, meeting_id: apiforms.PathId):
    meeting = _meeting(request, meeting_id, "write")
    apiforms.run(forms.Form({}), lambda _data: operations.close(meeting=meeting, by=request.user))
    return _out(_fresh(meeting.pk))


class AssignmentOut(Schema):
    id: int
    cell: int
    person: int
    full_name: str
    valid_from: dt.date
    note: str


AssignIn = apiforms.schema_of(
    forms.AssignForm,
    "SuperiorAssignmentIn",
    extra={"cell": (apiforms.Id, Field(..., title="Chi bộ được theo dõi"))},
)


@assignments.post(
    "",
    response={201: AssignmentOut},
    summary="Phân công cấp ủy viên cấp trên theo dõi chi bộ (F-6)",
)
def assign(request: HttpRequest, body: AssignIn):
    today = timezone.localdate()
    cell = access.get_org(request.user, body.cell, today)
    if not access.can_supervise(request.user, cell, today):
        raise PermissionDenied
    form = forms.AssignForm(apiforms.form_data(body), people=assignable(cell, today))

    def action(data):
        person = Person.objects.get(pk=data["person"])
        return operations.assign_superior(
            cell=cell, person=person, on=data["on"], note=data["note"], by=request.user
        )

    made = apiforms.run(form, action)
    return Status(
        201,
        AssignmentOut(
            id=made.pk,
            cell=made.cell_id,
            person=made.person_id,
            full_name=made.person.full_name,
            valid_from=made.valid_from,
            note=made.note,
        ),
    )
