"""``/api/v1/conferences``, ``/recommendations``, ``/tasks``: the reporting conference,
scoped like the pages, writes validated by the same forms and operations."""

import datetime as dt
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Form, Router, Schema, Status

from chibo.accounts import access
from chibo.accounts.access import Capability
from chibo.briefings import forms, operations
from chibo.briefings.models import Assignment, Conference, Recommendation
from chibo.briefings.views import (
    conference_hosts,
    reads_items_of,
    targets,
    visible,
    writable_cells,
)
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
def get_conference(request: HttpRequest, conference_id: apiforms.PathId):
    return _out(_conference(request, conference_id), request.user)


RecommendationIn = apiforms.schema_of(forms.RecommendationForm, "RecommendationIn")


@conferences.post(
    "/{conference_id}/recommendations",
    response={201: RecommendationOut},
    summary="Ghi kiến nghị của chi bộ",
)
def raise_recommendation(
    request: HttpRequest, conference_id: apiforms.PathId, body: RecommendationIn
):
    conference = _conference(request, conference_id)
    cells = writable_cells(request.user, conference)
    if not cells:
        raise PermissionDenied
    form = forms.RecommendationForm(
        apiforms.form_data(body), cells=cells, targets=targets(conference)
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


AnswerIn = apiforms.schema_of(forms.AnswerForm, "AnswerIn")


@recommendations.post("/{rec_id}/answer", response=RecommendationOut, summary="Trả lời kiến nghị")
def answer(request: HttpRequest, rec_id: apiforms.PathId, body: AnswerIn):
    rec = Recommendation.objects.filter(pk=rec_id).first()
    today = timezone.localdate()
    if rec is None or not (
        access.can(request.user, rec.addressed_to, today)
        or access.can(request.user, rec.raised_by, rec.raised_on)
    ):
        raise Http404
    if not access.can(request.user, rec.addressed_to, today, Capability.WRITE):
        raise PermissionDenied
    form = forms.AnswerForm(apiforms.form_data(body))
    apiforms.run(
        form,
        lambda data: operations.answer(
            recommendation=rec, status=data["status"], text=data["answer"], by=request.user
        ),
    )
    return _rec_out(rec, NameBook([rec.addressed_to_id]), rec.raised_on)


ProgressIn = apiforms.schema_of(forms.ProgressForm, "ProgressIn")


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
def progress(request: HttpRequest, task_id: apiforms.PathId, body: ProgressIn):
    task = _task(request, task_id)
    if not access.can(request.user, task.organization, timezone.localdate(), Capability.WRITE):
        raise PermissionDenied
    form = forms.ProgressForm(apiforms.form_data(body))
    apiforms.run(
        form,
        lambda data: operations.report_progress(
            assignment=task, on=data["on"], text=data["text"], by=request.user
        ),
    )
    return _task_out(task)


@tasks.post("/{task_id}/close", response=TaskOut, summary="Đóng nhiệm vụ (cấp ủy tổ chức hội nghị)")
def close(request: HttpRequest, task_id: apiforms.PathId):
    task = _task(request, task_id)
    conference = task.conclusion.conference
    if not access.can(request.user, conference.host, conference.date, Capability.WRITE):
        raise PermissionDenied
    apiforms.run(
        forms.Form({}), lambda _data: operations.close_task(assignment=task, by=request.user)
    )
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


ConferenceIn = apiforms.schema_of(forms.ConferenceForm, "ConferenceIn")


@conferences.post("", response={201: ConferenceOut}, summary="Tạo hội nghị trực báo")
def create_conference(request: HttpRequest, body: ConferenceIn):
    on = timezone.localdate()
    form = forms.ConferenceForm(apiforms.form_data(body), hosts=conference_hosts(request.user, on))

    def action(data):
        host = data["host"]
        if not access.can(request.user, host, data["date"], Capability.WRITE):
            raise ValidationError({"host": "Cấp ủy nằm ngoài phạm vi bạn được ghi vào ngày đó."})
        return operations.create_conference(
            host=host,
            title=data["title"],
            date=data["date"],
            period_start=data["period_start"],
            period_end=data["period_end"],
            invited=operations.cells_of(host, data["date"]),
            by=request.user,
            **{k: data[k] for k in operations.TEXTS if k in data},
        )

    conference = apiforms.run(form, action)
    return Status(201, _out(_conference(request, conference.pk), request.user))


class ReportOut(Schema):
    id: int
    conference: int
    cell: int
    stage: Literal["draft", "submitted"]
    security: str
    other_tasks: str
    difficulties: str
    submitted_at: dt.datetime | None


ReportIn = apiforms.schema_of(forms.ReportForm, "CellReportIn")


@conferences.put(
    "/{conference_id}/reports/{cell_id}",
    response=ReportOut,
    summary="Báo cáo của chi bộ: lưu, hoặc gửi (submit: true; sau khi gửi không sửa được)",
)
def save_report(
    request: HttpRequest, conference_id: apiforms.PathId, cell_id: apiforms.PathId, body: ReportIn
):
    conference = _conference(request, conference_id)
    cell = conference.invited.filter(pk=cell_id).first()
    if cell is None or not access.can(request.user, cell, conference.date):
        raise Http404
    if not access.can(request.user, cell, conference.date, Capability.WRITE):
        raise PermissionDenied
    form = forms.ReportForm(apiforms.form_data(body))
    saved = apiforms.run(
        form,
        lambda data: operations.save_report(
            conference=conference,
            cell=cell,
            submit=data["submit"],
            by=request.user,
            security=data["security"],
            other_tasks=data["other_tasks"],
            difficulties=data["difficulties"],
        ),
    )
    return ReportOut(
        id=saved.pk,
        conference=saved.conference_id,
        cell=saved.cell_id,
        stage=saved.stage,
        security=saved.security,
        other_tasks=saved.other_tasks,
        difficulties=saved.difficulties,
        submitted_at=saved.submitted_at,
    )


ConclusionIn = apiforms.schema_of(forms.ConclusionForm, "ConclusionIn")


@conferences.post(
    "/{conference_id}/conclusions",
    response={201: ConferenceOut},
    summary="Thêm kết luận và giao nhiệm vụ",
)
def add_conclusion(request: HttpRequest, conference_id: apiforms.PathId, body: ConclusionIn):
    conference = _conference(request, conference_id)
    if not access.can(request.user, conference.host, conference.date, Capability.WRITE):
        raise PermissionDenied
    form = forms.ConclusionForm(apiforms.form_data(body), targets=targets(conference))
    apiforms.run(
        form,
        lambda data: operations.add_conclusion(
            conference=conference,
            text=data["text"],
            group=data["group"],
            due_on=data["due_on"],
            assignees=data["assignees"],
            by=request.user,
        ),
    )
    return Status(201, _out(_conference(request, conference.pk), request.user))


IssueIn = apiforms.schema_of(forms.IssueForm, "IssueIn")
IssueFormIn = apiforms.schema_of(forms.IssueForm, "IssueFormIn", multipart=True)
EditedIn = apiforms.upload_of(forms.IssueForm, "edited")
Kind = Literal["BC", "TB"]


def _issue(request: HttpRequest, conference_id: int, kind: str, data: dict, files=None):
    """The page's write (``views.issue``): the same form checks the edited .docx."""
    conference = _conference(request, conference_id)
    if not access.can(request.user, conference.host, conference.date, Capability.WRITE):
        raise PermissionDenied
    form = forms.IssueForm(data, files)
    paper = apiforms.run(
        form,
        lambda data: operations.issue_paper(
            conference=conference,
            kind=kind,
            by=request.user,
            edited=data["edited"].read() if data["edited"] else None,
        ),
    )
    return Status(
        201,
        PaperOut(
            id=paper.pk,
            kind=paper.kind,
            number=paper.number.code,
            issued_on=paper.issued_on,
            sha256=paper.sha256,
        ),
    )


@conferences.post(
    "/{conference_id}/papers/{kind}",
    response={201: PaperOut},
    summary="Ban hành BÁO CÁO (BC) hoặc THÔNG BÁO KẾT LUẬN (TB): cấp số, lưu nguyên bản",
)
def issue_paper(request: HttpRequest, conference_id: apiforms.PathId, kind: Kind, body: IssueIn):
    return _issue(request, conference_id, kind, apiforms.form_data(body))


@conferences.post(
    "/{conference_id}/papers/{kind}/upload",
    response={201: PaperOut},
    summary="Ban hành BC hoặc TB từ bản .docx đã chỉnh sửa (multipart/form-data): cấp số, "
    "ghi số vào tệp, lưu nguyên bản",
)
def issue_edited_paper(
    request: HttpRequest,
    conference_id: apiforms.PathId,
    kind: Kind,
    fields: Form[IssueFormIn],
    edited: EditedIn = None,
):
    files = apiforms.files_of(edited=edited)
    return _issue(request, conference_id, kind, apiforms.form_data(fields), files)
