"""Pages of the reporting conference: list, create, the conference page, a cell's report,
recommendations and answers, conclusions and tasks, the papers (draft, issue, download),
and the follow-up page of overdue items."""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from chibo import audit
from chibo.accounts import access
from chibo.accounts.access import Capability
from chibo.briefings import annex as annex_sheet
from chibo.briefings import forms, operations, papers
from chibo.briefings.models import (
    Assignment,
    Conference,
    IssuedPaper,
    PaperKind,
    Recommendation,
    RecStatus,
    ReportStage,
)
from chibo.lib import params, xlsx
from chibo.lib.idlist import IdList
from chibo.lib.pages import form_page, posted, uploaded
from chibo.orgs.models import Kind, NameBook, OrgLink, OrgVersion

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DENIED = "Vai trò của bạn không được thực hiện thao tác này."


def host_readable(user, conference: Conference) -> bool:
    """The whole conference's figures (draft, annex) are for the host's readers; an invited
    cell sees the issued papers and its own report."""
    return access.scope(user, conference.date).allows(conference.host_id)


def reads_items_of(user, conference: Conference) -> Callable[[int], bool]:
    """Whose items of the conference the user reads, by organization id: everyone's for the
    host's readers; for an invited cell or its committee only its own — its report, its
    recommendations, the tasks given to it — beside the issued papers (issue 10)."""
    if host_readable(user, conference):
        return lambda org_id: True
    return access.scope(user, conference.date).allows


def visible(user, conference: Conference) -> bool:
    scope = access.scope(user, conference.date)
    if scope.allows(conference.host_id):
        return True
    return any(scope.allows(org.pk) for org in conference.invited.all())  # prefetched in lists


def _conference(request, pk: int, manage: bool = False) -> Conference:
    conference = Conference.objects.select_related("host", "chair").filter(pk=pk).first()
    if conference is None or not visible(request.user, conference):
        raise Http404("Không tìm thấy hội nghị.")
    if manage and not access.can(request.user, conference.host, conference.date, Capability.WRITE):
        raise PermissionDenied(DENIED)
    return conference


def _detail(conference: Conference) -> str:
    return reverse("briefings:detail", args=[conference.pk])


def _page(request, form, title: str, conference: Conference | None, action, **extra):
    crumbs = [(reverse("briefings:list"), "Hội nghị trực báo")]
    if conference is not None:
        crumbs.append((_detail(conference), str(conference)))
    context = {
        "nav": "briefings",
        "title": title,
        "crumbs": crumbs,
        "cancel_url": crumbs[-1][0],
        **extra,
    }
    return form_page(request, form, "form_page.html", context, action)


@require_GET
def conference_list(request):
    candidates = (
        Conference.objects.select_related("host")
        .prefetch_related("invited")
        .order_by("-date")[:500]
    )
    shown = [c for c in candidates if visible(request.user, c)]
    page = Paginator(shown, 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    scope = access.scope(request.user, today)
    context = {
        "nav": "briefings",
        "page": page,
        # Only with a committee to hold it for: a cell's secretary writes, but hosts nothing.
        "can_create": scope.can_anywhere(Capability.WRITE)
        and bool(conference_hosts(request.user, today)),
    }
    return render(request, "briefings/list.html", context)


def conference_hosts(user, on) -> list[OrgVersion]:
    """The committees ``user`` may hold a conference for on ``on`` (403 when none)."""
    scope = access.require_any(user, on, Capability.WRITE)
    versions = scope.filter(OrgVersion.objects.on(on), Capability.WRITE, "organization_id")
    return [v for v in versions.sorted_by_name() if not Kind(v.kind).is_cell]


@require_http_methods(["GET", "POST"])
def conference_new(request):
    on = params.as_of(request.GET)
    hosts = conference_hosts(request.user, on)
    if not hosts:  # a cell's secretary writes, but has no committee to hold one for
        raise PermissionDenied("Bạn không có cấp ủy nào để tổ chức hội nghị trực báo.")
    form = forms.ConferenceForm(posted(request), hosts=hosts, initial={"date": on})

    def action(data):
        host = data["host"]
        if not access.can(request.user, host, data["date"], Capability.WRITE):
            raise ValidationError({"host": "Cấp ủy nằm ngoài phạm vi bạn được ghi vào ngày đó."})
        conference = operations.create_conference(
            host=host,
            title=data["title"],
            date=data["date"],
            period_start=data["period_start"],
            period_end=data["period_end"],
            invited=operations.cells_of(host, data["date"]),
            by=request.user,
            **{k: data[k] for k in operations.TEXTS if k in data},
        )
        return _detail(conference), "Đã tạo hội nghị; các chi bộ được mời báo cáo."

    return _page(request, form, "Tạo hội nghị trực báo", None, action)


@require_GET
def detail(request, pk: int):
    conference = _conference(request, pk)
    day = conference.date
    scope = access.scope(request.user, day)
    reads = reads_items_of(request.user, conference)
    invited = list(conference.invited.all())
    names = {
        v.organization_id: v.name
        for v in OrgVersion.objects.on(day).filter(organization__in=invited)
    }
    reports = {r.cell_id: r for r in conference.reports.all()}
    rows = sorted(
        (
            (
                org,
                names.get(org.pk, str(org)),
                reports.get(org.pk),
                scope.allows(org.pk, Capability.WRITE),
            )
            for org in invited
            if reads(org.pk)
        ),
        key=lambda row: row[1],
    )
    conclusions = [
        (c, [a for a in c.assignments.all() if reads(a.organization_id)])
        for c in conference.conclusions.prefetch_related("assignments__progress")
    ]
    recommendations = [r for r in conference.recommendations.all() if reads(r.raised_by_id)]
    book = NameBook(
        [a.organization_id for _, tasks in conclusions for a in tasks]
        + [r.addressed_to_id for r in recommendations]
    )
    issued = {p.kind: p for p in conference.papers.select_related("number")}
    today = timezone.localdate()
    # Links to an action are shown only where the action would open (issue 14): answering is
    # for the addressee, progress for the task's organization, both judged today as the
    # action pages judge them; the whole conference's draft and annex for the host's readers.
    answerable = access.visible_ids(
        request.user, {r.addressed_to_id for r in recommendations}, today, Capability.WRITE
    )
    reportable = access.visible_ids(
        request.user,
        {a.organization_id for _, tasks in conclusions for a in tasks},
        today,
        Capability.WRITE,
    )
    context = {
        "nav": "briefings",
        "conference": conference,
        "host_name": conference.host.version_on(day).name,
        "rows": rows,
        "submitted": sum(1 for row in rows if row[2] and row[2].stage == "submitted"),
        "recommendations": [
            (r, book.name(r.addressed_to_id, day), r.addressed_to_id in answerable)
            for r in recommendations
        ],
        "conclusions": [
            (
                c,
                [
                    (a, book.name(a.organization_id, day), a.organization_id in reportable)
                    for a in tasks
                ],
            )
            for c, tasks in conclusions
            if tasks or reads(conference.host_id)
        ],
        "papers": [(kind, label, issued.get(kind)) for kind, label in PaperKind.choices],
        "manage": scope.allows(conference.host_id, Capability.WRITE),
        "can_raise": any(row[3] for row in rows),
        "can_draft": host_readable(request.user, conference),
        "today": today,
    }
    return render(request, "briefings/detail.html", context)


@require_http_methods(["GET", "POST"])
def report(request, pk: int, cell_id: int):
    conference = _conference(request, pk)
    cell = conference.invited.filter(pk=cell_id).first()
    if cell is None or not reads_items_of(request.user, conference)(cell.pk):
        raise Http404("Chi bộ không có trong hội nghị này.")
    existing = conference.reports.filter(cell=cell).first()
    submitted = existing is not None and existing.stage == ReportStage.SUBMITTED
    name = cell.version_on(conference.date).name
    if submitted and request.method == "GET":
        # A sent report is read as it was sent, by whoever reads the cell's items (issue 14).
        return render(
            request,
            "briefings/report.html",
            {
                "nav": "briefings",
                "title": f"Báo cáo của {name}",
                "conference": conference,
                "report": existing,
                "facts": _facts(existing.figures),
            },
        )
    if not access.can(request.user, cell, conference.date, Capability.WRITE):
        raise PermissionDenied(DENIED)
    initial = (
        {k: getattr(existing, k) for k in ("security", "other_tasks", "difficulties")}
        if existing
        else {}
    )
    form = forms.ReportForm(posted(request), initial=initial)
    facts = _facts(papers.cell_figures(cell, conference.period_start, conference.period_end))

    def action(data):
        saved = operations.save_report(
            conference=conference,
            cell=cell,
            submit=data["submit"],
            by=request.user,
            security=data["security"],
            other_tasks=data["other_tasks"],
            difficulties=data["difficulties"],
        )
        return _detail(
            conference
        ), "Đã gửi báo cáo." if saved.stage == "submitted" else "Đã lưu báo cáo."

    return _page(
        request,
        form,
        f"Báo cáo của {name}",
        conference,
        action,
        facts=facts,
        intro=f"Số liệu tính từ dữ liệu đến ngày {conference.period_end:%d/%m/%Y}.",
    )


def _facts(figures: dict) -> list[tuple[str, str]]:
    """The figures of a cell's report as label–value rows."""
    meetings = figures["meetings"]
    return [
        (
            "Đảng viên (chính thức / dự bị)",
            f"{figures['members']} ({figures['official']} / {figures['probationary']})",
        ),
        ("Bí thư / Phó Bí thư", f"{figures['secretary'] or '—'} / {figures['deputies'] or '—'}"),
        (
            "Sinh hoạt thường kỳ / chuyên đề trong kỳ",
            f"{meetings['regular']} / {meetings['thematic']}",
        ),
        ("Cấp ủy cấp trên dự", f"{meetings['superior']}/{meetings['total']} buổi"),
        ("Xếp loại", ", ".join(f"{k} {v}" for k, v in meetings["levels"].items()) or "—"),
        ("Quy chế làm việc", figures["regulation"] or "chưa có"),
    ]


def writable_cells(user, conference: Conference) -> list[OrgVersion]:
    """The invited cells the user may write for (raise a recommendation, send a report)."""
    scope = access.scope(user, conference.date)
    versions = OrgVersion.objects.on(conference.date).filter(
        organization__in=conference.invited.all()
    )
    return [
        v for v in versions.sorted_by_name() if scope.allows(v.organization_id, Capability.WRITE)
    ]


def targets(conference: Conference) -> list[OrgVersion]:
    """Who a recommendation or a task can go to: the host, the cells' commune committees and
    sector superiors on the conference day, and the cells themselves."""
    cells = list(conference.invited.values_list("pk", flat=True))
    ids = {conference.host_id, *cells}
    ids.update(
        OrgLink.objects.on(conference.date)
        .filter(child_id__in=cells)
        .values_list("parent_id", flat=True)
    )
    return OrgVersion.objects.on(conference.date).filter(organization_id__in=ids).sorted_by_name()


@require_http_methods(["GET", "POST"])
def recommendation_new(request, pk: int):
    conference = _conference(request, pk)
    cells = writable_cells(request.user, conference)
    if not cells:
        raise PermissionDenied(DENIED)
    form = forms.RecommendationForm(posted(request), cells=cells, targets=targets(conference))

    def action(data):
        operations.raise_recommendation(
            conference=conference,
            raised_by=data["raised_by"],
            addressed_to=data["addressed_to"],
            category=data["category"],
            text=data["text"],
            raised_on=conference.date,
            due_on=data["due_on"],
            by=request.user,
        )
        return _detail(conference), "Đã ghi kiến nghị."

    return _page(request, form, "Kiến nghị, đề xuất", conference, action)


@require_http_methods(["GET", "POST"])
def answer(request, pk: int):
    rec = (
        Recommendation.objects.select_related("addressed_to", "raised_by", "conference")
        .filter(pk=pk)
        .first()
    )
    today = timezone.localdate()
    if rec is None or not (
        access.can(request.user, rec.addressed_to, today)
        or access.can(request.user, rec.raised_by, rec.raised_on)
    ):
        raise Http404("Không tìm thấy kiến nghị.")
    if not access.can(request.user, rec.addressed_to, today, Capability.WRITE):
        raise PermissionDenied(DENIED)
    form = forms.AnswerForm(posted(request), initial={"status": rec.status, "answer": rec.answer})

    def action(data):
        operations.answer(
            recommendation=rec, status=data["status"], text=data["answer"], by=request.user
        )
        target = _detail(rec.conference) if rec.conference else reverse("briefings:followup")
        return target, "Đã ghi trả lời kiến nghị."

    return _page(
        request,
        form,
        "Trả lời kiến nghị",
        rec.conference,
        action,
        facts=[
            ("Kiến nghị", rec.text),
            ("Hạn trả lời", f"{rec.due_on:%d/%m/%Y}" if rec.due_on else "—"),
        ],
    )


@require_http_methods(["GET", "POST"])
def conclusion_new(request, pk: int):
    conference = _conference(request, pk, manage=True)
    form = forms.ConclusionForm(posted(request), targets=targets(conference))

    def action(data):
        operations.add_conclusion(
            conference=conference,
            text=data["text"],
            group=data["group"],
            due_on=data["due_on"],
            assignees=data["assignees"],
            by=request.user,
        )
        return _detail(conference), "Đã ghi kết luận."

    return _page(request, form, "Thêm kết luận, nhiệm vụ", conference, action)


def _assignment(request, pk: int) -> Assignment:
    task = (
        Assignment.objects.select_related("organization", "conclusion__conference__host")
        .filter(pk=pk)
        .first()
    )
    if task is None:
        raise Http404("Không tìm thấy nhiệm vụ.")
    conference = task.conclusion.conference
    today = timezone.localdate()
    if not (
        access.can(request.user, task.organization, today)
        or host_readable(request.user, conference)
    ):
        raise Http404("Không tìm thấy nhiệm vụ.")
    return task


@require_http_methods(["GET", "POST"])
def progress(request, pk: int):
    task = _assignment(request, pk)
    today = timezone.localdate()
    if not access.can(request.user, task.organization, today, Capability.WRITE):
        raise PermissionDenied(DENIED)
    form = forms.ProgressForm(posted(request), initial={"on": today})

    def action(data):
        operations.report_progress(
            assignment=task, on=data["on"], text=data["text"], by=request.user
        )
        return _detail(task.conclusion.conference), "Đã báo cáo tiến độ."

    return _page(
        request,
        form,
        "Báo cáo tiến độ thực hiện",
        task.conclusion.conference,
        action,
        facts=[("Nhiệm vụ", task.conclusion.text)],
    )


@require_http_methods(["GET", "POST"])
def close_task(request, pk: int):
    task = _assignment(request, pk)
    conference = task.conclusion.conference
    if not access.can(request.user, conference.host, conference.date, Capability.WRITE):
        raise PermissionDenied(DENIED)
    form = forms.Form(posted(request))

    def action(_data):
        operations.close_task(assignment=task, by=request.user)
        return _detail(conference), "Đã đóng nhiệm vụ."

    return _page(
        request,
        form,
        "Đóng nhiệm vụ",
        conference,
        action,
        button="Đóng nhiệm vụ",
        facts=[("Nhiệm vụ", task.conclusion.text)],
    )


def _docx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _kind(kind: str) -> str:
    if kind not in PaperKind.values:
        raise Http404("Không có loại văn bản này.")
    return kind


@require_GET
def draft(request, pk: int, kind: str):
    conference = _conference(request, pk)
    if not host_readable(request.user, conference):
        raise Http404("Không tìm thấy.")
    audit.accessed(conference, note=f"Tải dự thảo {PaperKind(_kind(kind)).label.lower()} (.docx)")
    return _docx(
        papers.render(conference, _kind(kind)), f"du-thao-{kind}-{conference.date:%Y-%m-%d}.docx"
    )


@require_http_methods(["GET", "POST"])
def issue(request, pk: int, kind: str):
    conference = _conference(request, pk, manage=True)
    kind = _kind(kind)
    form = forms.IssueForm(posted(request), uploaded(request))

    def action(data):
        edited = data["edited"].read() if data["edited"] else None  # checked by the form
        paper = operations.issue_paper(
            conference=conference, kind=kind, by=request.user, edited=edited
        )
        return _detail(conference), f"Đã ban hành, số {paper.number.code}."

    return _page(
        request,
        form,
        f"Ban hành {PaperKind(kind).label.lower()}",
        conference,
        action,
        button="Ban hành",
        intro="Văn bản được cấp số và lưu nguyên bản; tải lại sau này vẫn đúng như khi ban hành.",
    )


@require_GET
def paper(request, pk: int):
    issued = IssuedPaper.objects.select_related("conference", "number").filter(pk=pk).first()
    if issued is None or not visible(request.user, issued.conference):
        raise Http404("Không tìm thấy văn bản.")
    audit.accessed(issued, note=f"Tải văn bản số {issued.number.code} (.docx)")
    return _docx(bytes(issued.content), f"{issued.number.code.replace('/', '-')}.docx")


@require_GET
def annex(request, pk: int):
    conference = _conference(request, pk)
    if not host_readable(request.user, conference):
        raise Http404("Không tìm thấy.")
    audit.accessed(conference, note="Tải phụ lục số liệu các chi bộ (.xlsx)")
    return xlsx.response(annex_sheet.render(conference), f"phu-luc-{conference.date:%Y-%m-%d}.xlsx")


@require_GET
def followup(request):
    """Overdue and open items in scope: tasks given to it, recommendations addressed to it."""
    today = timezone.localdate()
    open_tasks = Assignment.objects.filter(closed_at__isnull=True)
    open_recs = Recommendation.objects.filter(status__in=[RecStatus.NEW, RecStatus.IN_PROGRESS])
    # Which organizations with open items the user may see (items of organizations since
    # merged away stay with whoever inherited them); then only their items, in SQL.
    candidates = set(open_tasks.values_list("organization_id", flat=True).distinct()) | set(
        open_recs.values_list("addressed_to_id", flat=True).distinct()
    )
    seen = access.visible_ids(request.user, candidates, today)
    tasks = list(
        open_tasks.filter(organization_id__in=IdList(seen))
        .select_related("conclusion__conference")
        .order_by("conclusion__due_on")[:500]
    )
    recs = list(open_recs.filter(addressed_to_id__in=IdList(seen)).order_by("due_on")[:500])
    names = {
        v.organization_id: v.name
        for v in OrgVersion.objects.filter(
            organization_id__in={t.organization_id for t in tasks}
            | {r.addressed_to_id for r in recs}
            | {r.raised_by_id for r in recs}
        ).order_by("valid_from")
    }
    # Reporting progress and answering open only for who may write on the organization.
    writable = access.visible_ids(request.user, seen, today, Capability.WRITE)
    context = {
        "nav": "briefings",
        "today": today,
        "tasks": [
            (
                t,
                names.get(t.organization_id, ""),
                t.is_overdue(today),
            )
            for t in tasks[:500]
        ],
        "recs": [
            (
                r,
                names.get(r.raised_by_id, ""),
                names.get(r.addressed_to_id, ""),
                r.is_overdue(today),
            )
            for r in recs[:500]
        ],
        "writable": writable,
    }
    return render(request, "briefings/followup.html", context)
