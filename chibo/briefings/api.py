"""``/api/v1/conferences``, ``/recommendations``, ``/tasks``: the reporting conference,
scoped like the pages, writes validated by the same forms and operations."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status

from chibo.accounts import access
from chibo.accounts.access import Capability
from chibo.briefings import forms, operations
from chibo.briefings.models import Assignment, Conference, Recommendation
from chibo.briefings.views import reads_items_of, targets, visible, writable_cells
from chibo.lib import apiforms
from chibo.orgs.models import NameBook

conferences = Router(tags=["briefings"])
recommendations = Router(tags=["briefings"])
tasks = Router(tags=["briefings"])


class RecommendationOut(Schema):
    id: int
    raised_by: int
    addressed_to: int
    addressed_to_name: str
    category: str
    text: str
    due_on: dt.date | None
    status: str
    answer: str
    overdue: bool


class TaskOut(Schema):
    id: int
    organization: int
    organization_name: str
    group: str
    text: str
    due_on: dt.date | None
    closed: bool
    overdue: bool


class PaperOut(Schema):
    id: int
    kind: str
    number: str
    issued_on: dt.date
    sha256: str


class ConferenceOut(Schema):
    id: int
    host: int
    title: str
    date: dt.date
    period_start: dt.date
    period_end: dt.date
    reports_submitted: int
    invited: int
    recommendations: list[RecommendationOut]
    tasks: list[TaskOut]
    papers: list[PaperOut]


def _rec_out(rec: Recommendation, book: NameBook, day: dt.date) -> RecommendationOut:
    return RecommendationOut(
        id=rec.pk,
        raised_by=rec.raised_by_id,
        addressed_to=rec.addressed_to_id,
        addressed_to_name=book.name(rec.addressed_to_id, day),
        category=rec.category,
        text=rec.text,
        due_on=rec.due_on,
        status=rec.status,
        answer=rec.answer,
        overdue=rec.is_overdue(),
    )


def _out(conference: Conference, user) -> ConferenceOut:
    # Everything below reads what the caller prefetched (see PREFETCH): no query per row.
    # An invited cell reads only its own items (issue 10), like the page.
    reads = reads_items_of(user, conference)
    assignments = [
        a
        for c in conference.conclusions.all()
        for a in c.assignments.all()
        if reads(a.organization_id)
    ]
    recs = [r for r in conference.recommendations.all() if reads(r.raised_by_id)]
    book = NameBook({a.organization_id for a in assignments} | {r.addressed_to_id for r in recs})
    day = conference.date
    return ConferenceOut(
        id=conference.pk,
        host=conference.host_id,
        title=conference.title,
        date=day,
        period_start=conference.period_start,
        period_end=conference.period_end,
        reports_submitted=sum(
            1 for r in conference.reports.all() if r.stage == "submitted" and reads(r.cell_id)
        ),
        invited=sum(1 for org in conference.invited.all() if reads(org.pk)),
        recommendations=[_rec_out(r, book, day) for r in recs],
        tasks=[
            TaskOut(
                id=a.pk,
                organization=a.organization_id,
                organization_name=book.name(a.organization_id, day),
                group=a.conclusion.group,
                text=a.conclusion.text,
                due_on=a.conclusion.due_on,
                closed=a.closed_at is not None,
                overdue=a.is_overdue(),
            )
            for a in assignments
        ],
        papers=[
            PaperOut(
                id=p.pk, kind=p.kind, number=p.number.code, issued_on=p.issued_on, sha256=p.sha256
            )
            for p in conference.papers.all()
        ],
    )


PREFETCH = ("invited", "reports", "recommendations", "conclusions__assignments", "papers__number")


def _conference(request, pk: int) -> Conference:
    conference = Conference.objects.prefetch_related(*PREFETCH).filter(pk=pk).first()
    if conference is None or not visible(request.user, conference):
        raise Http404
    return conference


@conferences.get("", response=list[ConferenceOut], summary="Hội nghị trực báo trong phạm vi")
def list_conferences(request: HttpRequest):
    candidates = Conference.objects.prefetch_related(*PREFETCH).order_by("-date")[:200]
    return [_out(c, request.user) for c in candidates if visible(request.user, c)]


@conferences.get("/{conference_id}", response=ConferenceOut, summary="Một hội nghị trực báo")
def get_conference(request: HttpRequest, conference_id: int):
    return _out(_conference(request, conference_id), request.user)


class RecommendationIn(Schema):
    raised_by: int | str | None = None
    addressed_to: int | str | None = None
    category: str | None = None
    text: str | None = None
    due_on: str | None = None


@conferences.post(
    "/{conference_id}/recommendations",
    response={201: RecommendationOut},
    summary="Ghi kiến nghị của chi bộ",
)
def raise_recommendation(request: HttpRequest, conference_id: int, body: RecommendationIn):
    conference = _conference(request, conference_id)
    cells = writable_cells(request.user, conference)
    if not cells:
        raise PermissionDenied
    form = forms.RecommendationForm(
        apiforms.payload_data(body.dict()), cells=cells, targets=targets(conference)
    )
    rec = apiforms.run(
        form,
        lambda data: operations.raise_recommendation(
            conference=conference,
            raised_by=data["raised_by"],
            addressed_to=data["addressed_to"],
            category=data["category"],
            text=data["text"],
            raised_on=conference.date,
            due_on=data["due_on"],
            by=request.user,
        ),
    )
    return Status(201, _rec_out(rec, NameBook([rec.addressed_to_id]), conference.date))


class AnswerIn(Schema):
    status: str | None = None
    answer: str | None = None


@recommendations.post("/{rec_id}/answer", response=RecommendationOut, summary="Trả lời kiến nghị")
def answer(request: HttpRequest, rec_id: int, body: AnswerIn):
    rec = Recommendation.objects.filter(pk=rec_id).first()
    today = timezone.localdate()
    if rec is None or not (
        access.can(request.user, rec.addressed_to, today)
        or access.can(request.user, rec.raised_by, rec.raised_on)
    ):
        raise Http404
    if not access.can(request.user, rec.addressed_to, today, Capability.WRITE):
        raise PermissionDenied
    form = forms.AnswerForm(apiforms.payload_data(body.dict()))
    apiforms.run(
        form,
        lambda data: operations.answer(
            recommendation=rec, status=data["status"], text=data["answer"], by=request.user
        ),
    )
    return _rec_out(rec, NameBook([rec.addressed_to_id]), rec.raised_on)


class ProgressIn(Schema):
    on: str | None = None
    text: str | None = None


def _task(request, pk: int) -> Assignment:
    task = Assignment.objects.select_related("conclusion__conference").filter(pk=pk).first()
    today = timezone.localdate()
    if task is None or not (
        access.can(request.user, task.organization, today)
        or visible(request.user, task.conclusion.conference)
    ):
        raise Http404
    return task


@tasks.post("/{task_id}/progress", response=TaskOut, summary="Báo cáo tiến độ nhiệm vụ")
def progress(request: HttpRequest, task_id: int, body: ProgressIn):
    task = _task(request, task_id)
    if not access.can(request.user, task.organization, timezone.localdate(), Capability.WRITE):
        raise PermissionDenied
    form = forms.ProgressForm(apiforms.payload_data(body.dict()))
    apiforms.run(
        form,
        lambda data: operations.report_progress(
            assignment=task, on=data["on"], text=data["text"], by=request.user
        ),
    )
    return _task_out(task)


@tasks.post("/{task_id}/close", response=TaskOut, summary="Đóng nhiệm vụ (cấp ủy tổ chức hội nghị)")
def close(request: HttpRequest, task_id: int):
    task = _task(request, task_id)
    conference = task.conclusion.conference
    if not access.can(request.user, conference.host, conference.date, Capability.WRITE):
        raise PermissionDenied
    try:
        operations.close_task(assignment=task, by=request.user)
    except ValidationError as error:
        raise apiforms.FormInvalid({"__all__": error.messages}) from None
    return _task_out(task)


def _task_out(task: Assignment) -> TaskOut:
    day = task.conclusion.conference.date
    return TaskOut(
        id=task.pk,
        organization=task.organization_id,
        organization_name=NameBook([task.organization_id]).name(task.organization_id, day),
        group=task.conclusion.group,
        text=task.conclusion.text,
        due_on=task.conclusion.due_on,
        closed=task.closed_at is not None,
        overdue=task.is_overdue(),
    )
