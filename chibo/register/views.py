"""Pages of the documents register, the advice on security and order (F-8) and the
dissemination of higher documents (F-9). Thin views: access, a form, one operation."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from chibo.accounts import access
from chibo.accounts.access import Capability
from chibo.lib import params, xlsx
from chibo.lib.pages import form_page, posted, uploaded
from chibo.lib.xlsx import Column
from chibo.meetings.models import Meeting
from chibo.members.models import Person
from chibo.members.roster import cells_in
from chibo.orgs.models import NameBook, OrgVersion
from chibo.register import forms, listing, operations, paper, progress
from chibo.register.models import Direction, DocType, Outcome, Presence

XLSX_COLUMNS = [
    Column("Sổ"),
    Column("Loại"),
    Column("Số, ký hiệu"),
    Column("Ngày ban hành", xlsx.DATE),
    Column("Cơ quan ban hành"),
    Column("Trích yếu"),
    Column("An ninh, trật tự"),
    Column("Thông qua tại buổi sinh hoạt", xlsx.DATE),
]


def _filters(request) -> dict:
    return {
        "q": request.GET.get("q", "").strip()[:200],
        "direction": request.GET.get("kind", ""),
        "doc_type": request.GET.get("type", ""),
        "sort": request.GET.get("sort", "") or "-date",
    }


@require_GET
def document_list(request):
    on = params.as_of(request.GET)
    chosen = _filters(request)
    rows = listing.documents(request.user, on, **chosen)
    scope = access.scope(request.user, on)
    context = {
        "nav": "register",
        "on": on,
        "chosen": chosen,
        "page": Paginator(rows, 50).get_page(request.GET.get("page")),
        "kinds": Direction.choices,
        "types": DocType.choices,
        "sorts": listing.SORT_LABELS.items(),
        "can_add": scope.can_anywhere(Capability.WRITE),
        "query": request.GET.urlencode(),
    }
    return render(request, "register/documents.html", context)


@require_GET
def document_export(request):
    on = params.as_of(request.GET)
    rows = listing.documents(request.user, on, **_filters(request))
    labels = dict(Direction.choices)

    def lines():
        for d in rows.iterator(chunk_size=2000):
            yield [
                labels[d.direction],
                d.get_doc_type_display(),
                d.number,
                d.issued_on,
                d.issuer_name,
                d.title,
                "Có" if d.security else "",
                d.meeting.date if d.meeting_id else None,
            ]

    content = xlsx.render(title="Sổ văn bản", as_of=on, columns=XLSX_COLUMNS, rows=lines())
    return xlsx.response(content, f"so-van-ban-{on:%Y-%m-%d}.xlsx")


def _held_meetings(cell_ids, on: dt.date):
    """Meetings the cells held in the year before ``on`` (what a resolution may name)."""
    return (
        Meeting.objects.filter(
            cell_id__in=cell_ids, date__lte=on, date__gte=on - dt.timedelta(days=366)
        )
        .exclude(stage="planned")
        .order_by("-date")
    )


def _cant_write(user, org, on: dt.date, field: str) -> None:
    if not access.can(user, org, on, Capability.WRITE):
        raise ValidationError({field: "Tổ chức nằm ngoài phạm vi bạn được ghi vào ngày đó."})


def own_document_context(user, on: dt.date) -> dict:
    scope = access.require_any(user, on, Capability.WRITE)
    cells = cells_in(scope, on, Capability.WRITE)
    ids = [c.organization_id for c in cells]
    return {
        "cells": cells,
        "meetings": _held_meetings(ids, on),
        "documents": listing.documents(user, on, direction=Direction.INCOMING)[:200],
    }


def issue_action(user, choices: dict):
    """The write of the page and of the API: the same checks, one operation."""

    def action(data):
        _cant_write(user, data["cell"], data["issued_on"], "cell")
        meeting = (
            choices["meetings"].filter(pk=data["meeting"]).first() if data["meeting"] else None
        )
        implements = None
        if data["implements"]:
            implements = listing.document(user, data["implements"], data["issued_on"])
        return operations.issue(
            cell=data["cell"],
            doc_type=data["doc_type"],
            title=data["title"],
            issued_on=data["issued_on"],
            summary=data["summary"],
            meeting=meeting,
            implements=implements,
            security=data["security"],
            file=data["file"],
            by=user,
        )

    return action


@require_http_methods(["GET", "POST"])
def own_new(request):
    on = params.as_of(request.GET)
    choices = own_document_context(request.user, on)
    form = forms.OwnDocumentForm(
        posted(request), uploaded(request), **choices, initial={"issued_on": on}
    )
    write = issue_action(request.user, choices)

    def action(data):
        document = write(data)
        return listing_url(document.issued_on), f"Đã ban hành {document.label}."

    return form_page(
        request, form, "form_page.html", _form_context(on, "Ban hành văn bản của chi bộ"), action
    )


def incoming_context(user, on: dt.date) -> dict:
    scope = access.require_any(user, on, Capability.WRITE)
    versions = scope.filter(OrgVersion.objects.on(on), Capability.WRITE, "organization_id")
    return {"organizations": versions.sorted_by_name()}


def receive_action(user):
    def action(data):
        _cant_write(user, data["organization"], data["issued_on"], "organization")
        return operations.receive(
            organization=data["organization"],
            doc_type=data["doc_type"],
            number=data["number"],
            issuer_name=data["issuer_name"],
            title=data["title"],
            issued_on=data["issued_on"],
            summary=data["summary"],
            security=data["security"],
            file=data["file"],
            by=user,
        )

    return action


@require_http_methods(["GET", "POST"])
def incoming_new(request):
    on = params.as_of(request.GET)
    form = forms.IncomingDocumentForm(
        posted(request),
        uploaded(request),
        **incoming_context(request.user, on),
        initial={"issued_on": on},
    )
    write = receive_action(request.user)

    def action(data):
        document = write(data)
        return listing_url(document.issued_on), f"Đã vào sổ {document.label}."

    return form_page(
        request, form, "form_page.html", _form_context(on, "Vào sổ văn bản cấp trên"), action
    )


def listing_url(on: dt.date, name: str = "register:documents") -> str:
    return params.url_as_of(name, on)


def _form_context(on: dt.date, title: str, back: str = "register:documents") -> dict:
    crumbs = {
        "register:documents": "Sổ văn bản",
        "register:disseminations": "Học tập, quán triệt",
        "register:advice": "Tham mưu an ninh, trật tự",
    }
    return {
        "nav": "register",
        "on": on,
        "title": title,
        "crumbs": [(listing_url(on, back), crumbs[back])],
        "cancel_url": listing_url(on, back),
    }


@require_GET
def document_detail(request, pk: int):
    on = params.as_of(request.GET)
    document = listing.document(request.user, pk, on)
    day = max(on, document.issued_on)
    rows = listing.dissemination_rows(request.user, day, document.pk)
    context = {
        "nav": "register",
        "on": day,
        "document": document,
        "rows": rows,
        "sums": progress.total(r for r, _ in rows),
        "implemented_by": listing.documents(request.user, day).filter(implements=document),
        "advices": listing.advices(request.user, day).filter(resolution=document),
        "can_plan": document.direction == Direction.INCOMING
        and access.scope(request.user, day).can_anywhere(Capability.WRITE),
        # A cell reads its superiors' documents but not their history (no link to a 404).
        "can_read_holder": access.can(request.user, document.organization, timezone.localdate()),
    }
    return render(request, "register/document.html", context)


@require_GET
def document_file(request, pk: int):
    document = listing.document(request.user, pk, params.as_of(request.GET))
    if not document.file:
        raise Http404("Văn bản này không có tệp đính kèm.")
    name = document.file_name or document.file.name.rsplit("/", 1)[-1]
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=name)


@require_GET
def document_paper(request, pk: int):
    document = listing.document(request.user, pk, params.as_of(request.GET))
    if document.direction != Direction.OWN:
        raise Http404("Chỉ văn bản của chi bộ được soạn theo thể thức.")
    response = HttpResponse(
        paper.render(document),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    filename = document.number.replace("/", "-")
    response["Content-Disposition"] = f'attachment; filename="{filename}.docx"'
    return response


@require_GET
def dissemination_list(request):
    on = params.as_of(request.GET)
    document_id = params.optional_int(request.GET, "document", "văn bản")
    rows = listing.dissemination_rows(request.user, on, document_id)
    by_document: dict[int, list] = {}
    for row, name in rows:
        by_document.setdefault(row.dissemination.document_id, []).append((row, name))
    groups = [
        (items[0][0].dissemination.document, items, progress.total(r for r, _ in items))
        for items in by_document.values()
    ]
    committees = _by_committee(rows, on)
    context = {
        "nav": "register",
        "on": on,
        "groups": groups,
        "committees": committees,
        "can_plan": access.scope(request.user, on).can_anywhere(Capability.WRITE),
    }
    return render(request, "register/disseminations.html", context)


def _by_committee(rows, on: dt.date):
    """Completion per commune committee and document (one lookup of the cells' superiors)."""
    from chibo.orgs.models import OrgLink, Relation

    cells = {r.dissemination.cell_id for r, _ in rows}
    parents = dict(
        OrgLink.objects.on(on)
        .filter(child_id__in=cells, relation=Relation.TERRITORIAL)
        .values_list("child_id", "parent_id")
    )
    book = NameBook(set(parents.values()))
    grouped: dict[tuple[int, int], list] = {}
    for row, _name in rows:
        parent = parents.get(row.dissemination.cell_id)
        if parent is not None:
            grouped.setdefault((parent, row.dissemination.document_id), []).append(row)
    return sorted(
        (
            (book.name(parent, on), items[0].dissemination.document, progress.total(items))
            for (parent, _doc), items in grouped.items()
        ),
        key=lambda item: (item[0], item[1].pk),
    )


def plan_context(user, on: dt.date) -> dict:
    scope = access.require_any(user, on, Capability.WRITE)
    cells = cells_in(scope, on, Capability.WRITE)
    ids = [c.organization_id for c in cells]
    return {
        "cells": cells,
        "documents": listing.writable_documents(user, on)[:200],
        "meetings": Meeting.objects.filter(
            cell_id__in=ids, planned_date__gte=on - dt.timedelta(days=366)
        ).order_by("-planned_date")[:300],
    }


def plan_action(user):
    def action(data):
        _cant_write(user, data["cell"], data["session_on"], "cell")
        document = listing.document(user, data["document"], data["session_on"])
        meeting = None
        if data["meeting"]:
            meeting = Meeting.objects.filter(pk=data["meeting"], cell=data["cell"]).first()
            if meeting is None:
                raise ValidationError({"meeting": "Hãy chọn buổi sinh hoạt của chi bộ."})
        return operations.plan(
            document=document,
            cell=data["cell"],
            method=data["method"],
            meeting=meeting,
            session_on=data["session_on"],
            due_on=data["due_on"],
            by=user,
        )

    return action


@require_http_methods(["GET", "POST"])
def dissemination_new(request):
    on = params.as_of(request.GET)
    document_id = params.optional_int(request.GET, "document", "văn bản")
    form = forms.PlanForm(
        posted(request),
        **plan_context(request.user, on),
        initial={"document": document_id, "session_on": on, "due_on": on},
    )
    write = plan_action(request.user)

    def action(data):
        plan = write(data)
        return (
            params.url_as_of("register:dissemination", plan.session_on, plan.pk),
            "Đã lập kế hoạch học tập, quán triệt.",
        )

    context = _form_context(on, "Kế hoạch học tập, quán triệt", "register:disseminations")
    return form_page(request, form, "form_page.html", context, action)


@require_GET
def dissemination_detail(request, pk: int):
    on = params.as_of(request.GET)
    plan = listing.dissemination(request.user, pk, on)
    row = progress.completions([plan], on)[0]
    marks = {p.person_id: p for p in plan.participations.all()}
    due = set(row.missing) | {pid for pid, m in marks.items()}
    people = {p.pk: p for p in Person.objects.filter(pk__in=due)}
    lines = sorted(
        ((people[pid], marks.get(pid)) for pid in due if pid in people),
        key=lambda item: item[0].sort_key,
    )
    context = {
        "nav": "register",
        "on": on,
        "plan": plan,
        "row": row,
        "lines": lines,
        "missing": set(row.missing),
        "can_record": access.can(request.user, plan.cell, on, Capability.WRITE),
    }
    return render(request, "register/dissemination.html", context)


def participation_people(plan, on: dt.date):
    ids = operations.members_on(plan.cell_id, max(on, plan.session_on))
    return Person.objects.filter(pk__in=ids).order_by("sort_key")


def participation_action(user, plan):
    def action(data):
        person = Person.objects.filter(pk=data["person"]).first()
        if person is None:
            raise ValidationError({"person": "Không tìm thấy đảng viên."})
        return operations.record(
            dissemination=plan,
            person=person,
            presence=data["presence"],
            on=data["on"],
            reason=data["reason"],
            by=user,
        )

    return action


@require_http_methods(["GET", "POST"])
def participation_new(request, pk: int):
    on = params.as_of(request.GET)
    plan = listing.dissemination(request.user, pk, on, Capability.WRITE)
    form = forms.ParticipationForm(
        posted(request),
        people=participation_people(plan, on),
        initial={"presence": Presence.PRESENT, "on": plan.session_on},
    )
    write = participation_action(request.user, plan)

    def action(data):
        write(data)
        return (
            params.url_as_of("register:dissemination", data["on"], plan.pk),
            "Đã ghi tham gia học tập.",
        )

    context = _form_context(
        on, f"Ghi tham gia học tập – {plan.document.label}", "register:disseminations"
    )
    return form_page(request, form, "form_page.html", context, action)


@require_GET
def advice_list(request):
    on = params.as_of(request.GET)
    rows = list(listing.advices(request.user, on))
    book = NameBook({a.cell_id for a in rows} | {a.committee_id for a in rows})
    labels = dict(Outcome.choices)
    context = {
        "nav": "register",
        "on": on,
        "rows": [
            (a, book.name(a.cell_id, on), book.name(a.committee_id, on), labels[a.outcome_on(on)])
            for a in rows
        ],
        "can_add": access.scope(request.user, on).can_anywhere(Capability.WRITE),
        "can_write": {
            a.pk for a in rows if access.scope(request.user, on).allows(a.cell_id, Capability.WRITE)
        },
    }
    return render(request, "register/advice.html", context)


def advice_action(user):
    def action(data):
        _cant_write(user, data["cell"], data["submitted_on"], "cell")
        return operations.submit_advice(
            cell=data["cell"],
            doc_type=data["doc_type"],
            title=data["title"],
            submitted_on=data["submitted_on"],
            note=data["note"],
            by=user,
        )

    return action


@require_http_methods(["GET", "POST"])
def advice_new(request):
    on = params.as_of(request.GET)
    scope = access.require_any(request.user, on, Capability.WRITE)
    form = forms.AdviceForm(
        posted(request),
        cells=cells_in(scope, on, Capability.WRITE),
        initial={"submitted_on": on, "doc_type": DocType.NQ},
    )
    write = advice_action(request.user)

    def action(data):
        advice = write(data)
        return listing_url(advice.submitted_on, "register:advice"), "Đã ghi hồ sơ tham mưu."

    context = _form_context(on, "Tham mưu về an ninh, trật tự", "register:advice")
    return form_page(request, form, "form_page.html", context, action)


def decide_action(user, advice):
    def action(data):
        resolution = None
        if data["resolution"]:
            resolution = listing.committee_resolutions(advice).filter(pk=data["resolution"]).first()
            if resolution is None:
                raise ValidationError({"resolution": "Văn bản phải do đảng ủy xã ban hành."})
        return operations.decide_advice(
            advice=advice,
            outcome=data["outcome"],
            decided_on=data["decided_on"],
            resolution=resolution,
            note=data["note"],
            by=user,
        )

    return action


@require_http_methods(["GET", "POST"])
def advice_decide(request, pk: int):
    on = params.as_of(request.GET)
    advice = listing.advice(request.user, pk, on, Capability.WRITE)
    form = forms.DecisionForm(
        posted(request),
        resolutions=listing.committee_resolutions(advice)[:200],
        initial={"decided_on": on},
    )
    write = decide_action(request.user, advice)

    def action(data):
        done = write(data)
        return listing_url(done.decided_on, "register:advice"), "Đã ghi kết quả tham mưu."

    context = _form_context(on, f"Kết quả tham mưu: {advice.title}", "register:advice")
    return form_page(request, form, "form_page.html", context, action)
