"""``/api/v1/documents``, ``/api/v1/disseminations``, ``/api/v1/advice``: the register, the
dissemination of higher documents (F-9) and the advice on security and order (F-8), with the
same scope, forms and operations as the pages."""

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema, Status

from chibo.accounts import access
from chibo.accounts.access import Capability
from chibo.lib import apiforms, params
from chibo.members.roster import cells_in
from chibo.orgs.models import NameBook
from chibo.register import forms, listing, progress, views
from chibo.register.models import Advice, Document, Participation

documents = Router(tags=["documents"])
disseminations = Router(tags=["disseminations"])
advice = Router(tags=["advice"])


class DocumentOut(Schema):
    id: int
    kind: str
    doc_type: str
    doc_type_name: str
    number: str
    issued_on: dt.date
    issuer_name: str
    organization: int
    title: str
    summary: str
    security: bool
    meeting: int | None
    implements: int | None
    has_file: bool


def _document_out(d: Document) -> DocumentOut:
    return DocumentOut(
        id=d.pk,
        kind=d.direction,
        doc_type=d.doc_type,
        doc_type_name=d.get_doc_type_display(),
        number=d.number,
        issued_on=d.issued_on,
        issuer_name=d.issuer_name,
        organization=d.organization_id,
        title=d.title,
        summary=d.summary,
        security=d.security,
        meeting=d.meeting_id,
        implements=d.implements_id,
        has_file=bool(d.file),
    )


@documents.get("", response=list[DocumentOut], summary="Sổ văn bản tại một ngày")
def list_documents(
    request: HttpRequest,
    as_of: str = "",
    kind: str = "",
    doc_type: str = "",
    q: str = "",
    sort: str = "-date",
    limit: int = 200,
    offset: int = 0,
):
    """``kind``: ``own`` (văn bản của chi bộ) or ``incoming`` (văn bản cấp trên); ``q``
    searches number, issuer, subject and summary regardless of tones; ``sort``: ``-date``,
    ``date``, ``number``, ``type``, ``issuer``."""
    on = params.as_of({"as_of": as_of})
    if not 1 <= limit <= 1000 or not 0 <= offset <= 10_000_000:
        raise params.InvalidParam("limit phải từ 1 đến 1000; offset từ 0 đến 10.000.000.")
    rows = listing.documents(
        request.user, on, q=q[:200], direction=kind, doc_type=doc_type, sort=sort
    )
    return [_document_out(d) for d in rows[offset : offset + limit]]


@documents.get("/{int:document_id}", response=DocumentOut, summary="Một văn bản trong sổ")
def get_document(request: HttpRequest, document_id: apiforms.PathId, as_of: str = ""):
    return _document_out(
        listing.document(request.user, document_id, params.as_of({"as_of": as_of}))
    )


OwnIn = apiforms.schema_of(forms.OwnDocumentForm, "OwnDocumentIn")


@documents.post(
    "/own", response={201: DocumentOut}, summary="Ban hành văn bản của chi bộ (cấp số tự động)"
)
def issue_document(request: HttpRequest, body: OwnIn):
    on = body.issued_on
    choices = views.own_document_context(request.user, on)
    form = forms.OwnDocumentForm(apiforms.form_data(body), **choices)
    document = apiforms.run(form, views.issue_action(request.user, choices))
    return Status(201, _document_out(document))


IncomingIn = apiforms.schema_of(forms.IncomingDocumentForm, "IncomingDocumentIn")


@documents.post("/incoming", response={201: DocumentOut}, summary="Vào sổ văn bản cấp trên")
def receive_document(request: HttpRequest, body: IncomingIn):
    context = views.incoming_context(request.user, body.issued_on)
    form = forms.IncomingDocumentForm(apiforms.form_data(body), **context)
    document = apiforms.run(form, views.receive_action(request.user))
    return Status(201, _document_out(document))


class DisseminationOut(Schema):
    id: int
    document: int
    document_number: str
    cell: int
    cell_name: str
    method: str
    meeting: int | None
    session_on: dt.date
    due_on: dt.date
    to_reach: int
    reached: int
    makeup: int
    percent: int
    complete: bool
    overdue: bool


def _dissemination_out(row: progress.Completion, name: str, on: dt.date) -> DisseminationOut:
    plan = row.dissemination
    return DisseminationOut(
        id=plan.pk,
        document=plan.document_id,
        document_number=plan.document.number,
        cell=plan.cell_id,
        cell_name=name,
        method=plan.method,
        meeting=plan.meeting_id,
        session_on=plan.session_on,
        due_on=plan.due_on,
        to_reach=row.to_reach,
        reached=row.reached,
        makeup=row.makeup,
        percent=row.percent,
        complete=row.complete,
        overdue=row.overdue(on),
    )


@disseminations.get(
    "", response=list[DisseminationOut], summary="Học tập, quán triệt: tiến độ từng chi bộ"
)
def list_disseminations(
    request: HttpRequest, as_of: str = "", document: apiforms.PathId | None = None
):
    """Per cell in scope: members to reach, reached and percent as of ``as_of``."""
    on = params.as_of({"as_of": as_of})
    return [
        _dissemination_out(row, name, on)
        for row, name in listing.dissemination_rows(request.user, on, document)
    ]


PlanIn = apiforms.schema_of(forms.PlanForm, "DisseminationIn")


@disseminations.post(
    "", response={201: DisseminationOut}, summary="Lập kế hoạch học tập, quán triệt"
)
def create_dissemination(request: HttpRequest, body: PlanIn):
    form = forms.PlanForm(
        apiforms.form_data(body), **views.plan_context(request.user, body.session_on)
    )
    plan = apiforms.run(form, views.plan_action(request.user))
    row = progress.completions([plan], plan.session_on)[0]
    name = NameBook([plan.cell_id]).name(plan.cell_id, plan.session_on)
    return Status(201, _dissemination_out(row, name, plan.session_on))


class ParticipationOut(Schema):
    id: int
    dissemination: int
    person: int
    presence: str
    on: dt.date
    reason: str


ParticipationIn = apiforms.schema_of(forms.ParticipationForm, "ParticipationIn")


@disseminations.post(
    "/{dissemination_id}/participations",
    response={201: ParticipationOut},
    summary="Ghi tham gia học tập của một đảng viên",
)
def record_participation(
    request: HttpRequest, dissemination_id: apiforms.PathId, body: ParticipationIn
):
    plan = listing.dissemination(request.user, dissemination_id, body.on, Capability.WRITE)
    form = forms.ParticipationForm(
        apiforms.form_data(body), people=views.participation_people(plan, body.on)
    )
    mark: Participation = apiforms.run(form, views.participation_action(request.user, plan))
    return Status(
        201,
        ParticipationOut(
            id=mark.pk,
            dissemination=plan.pk,
            person=mark.person_id,
            presence=mark.presence,
            on=mark.on,
            reason=mark.reason,
        ),
    )


class AdviceOut(Schema):
    id: int
    cell: int
    cell_name: str
    committee: int
    committee_name: str
    doc_type: str
    title: str
    submitted_on: dt.date
    outcome: str
    decided_on: dt.date | None
    resolution: int | None
    resolution_number: str | None
    note: str


def _advice_out(a: Advice, book: NameBook, on: dt.date) -> AdviceOut:
    outcome = a.outcome_on(on)
    known = outcome != "pending"
    return AdviceOut(
        id=a.pk,
        cell=a.cell_id,
        cell_name=book.name(a.cell_id, on),
        committee=a.committee_id,
        committee_name=book.name(a.committee_id, on),
        doc_type=a.doc_type,
        title=a.title,
        submitted_on=a.submitted_on,
        outcome=outcome,
        decided_on=a.decided_on if known else None,
        resolution=a.resolution_id if known else None,
        resolution_number=a.resolution.number if known and a.resolution else None,
        note=a.note,
    )


@advice.get("", response=list[AdviceOut], summary="Tham mưu về an ninh, trật tự tại một ngày")
def list_advice(request: HttpRequest, as_of: str = ""):
    """The outcome is the one known on ``as_of`` (pending before the committee decided)."""
    on = params.as_of({"as_of": as_of})
    rows = list(listing.advices(request.user, on))
    book = NameBook({a.cell_id for a in rows} | {a.committee_id for a in rows})
    return [_advice_out(a, book, on) for a in rows]


AdviceIn = apiforms.schema_of(forms.AdviceForm, "AdviceIn")


@advice.post("", response={201: AdviceOut}, summary="Ghi tham mưu về an ninh, trật tự")
def submit_advice(request: HttpRequest, body: AdviceIn):
    on = body.submitted_on
    scope = access.require_any(request.user, on, Capability.WRITE)
    form = forms.AdviceForm(apiforms.form_data(body), cells=cells_in(scope, on, Capability.WRITE))
    done = apiforms.run(form, views.advice_action(request.user))
    book = NameBook([done.cell_id, done.committee_id])
    return Status(201, _advice_out(done, book, done.submitted_on))


DecisionIn = apiforms.schema_of(forms.DecisionForm, "AdviceDecisionIn")


@advice.post("/{advice_id}/decision", response=AdviceOut, summary="Ghi kết quả tham mưu")
def decide_advice(request: HttpRequest, advice_id: apiforms.PathId, body: DecisionIn):
    found = listing.advice(request.user, advice_id, body.decided_on, Capability.WRITE)
    form = forms.DecisionForm(
        apiforms.form_data(body), resolutions=listing.committee_resolutions(found)
    )
    done = apiforms.run(form, views.decide_action(request.user, found))
    book = NameBook([done.cell_id, done.committee_id])
    return _advice_out(done, book, done.decided_on)
