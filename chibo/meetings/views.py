"""Meeting pages: the monthly board, a meeting, and one page per step (plan, hold, attendance,
close, minutes, the cell's score, the superior's score, the committee's confirmation)."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from chibo import audit
from chibo.accounts import access
from chibo.accounts.access import Capability
from chibo.lib import params, xlsx
from chibo.lib.pages import form_page, posted
from chibo.lib.validity import valid_on
from chibo.lib.xlsx import Column
from chibo.meetings import board as board_lib
from chibo.meetings import forms, minutes, operations, quality
from chibo.meetings.models import Meeting, Side, Stage, SuperiorAssignment, rubric_for
from chibo.members.models import Person, Position
from chibo.members.roster import cells_in
from chibo.orgs.models import Organization, Relation

DENIED = "Vai trò của bạn không được thực hiện thao tác này."


def _meeting(request, pk: int, capability: str = "view") -> Meeting:
    """The meeting if the user may see it (404) and do ``capability`` on it (403):
    ``view``, ``write`` (the cell's side) or ``supervise`` (the superior committee's)."""
    meeting = (
        Meeting.objects.select_related("cell", "number", "chair", "minute_taker")
        .filter(pk=pk)
        .first()
    )
    if meeting is None or not access.can(request.user, meeting.cell, meeting.day):
        raise Http404("Không tìm thấy buổi sinh hoạt.")
    if capability == "write" and not access.can(
        request.user, meeting.cell, meeting.day, Capability.WRITE
    ):
        raise PermissionDenied(DENIED)
    if capability == "supervise" and not access.can_supervise(
        request.user, meeting.cell, meeting.day
    ):
        raise PermissionDenied(DENIED)
    return meeting


def _detail_url(meeting: Meeting) -> str:
    return reverse("meetings:detail", args=[meeting.pk])


def _period(request) -> tuple[board_lib.Month, board_lib.Month]:
    form = forms.BoardForm(request.GET or None)
    today = timezone.localdate()
    end = board_lib.Month(today.year, today.month)
    start = board_lib.Month(today.year - 1, today.month).next
    if form.is_bound and not form.is_valid():
        raise params.InvalidParam("Tháng không hợp lệ; hãy nhập theo dạng mm/yyyy, ví dụ 05/2023.")
    data = form.cleaned_data if form.is_bound else {}
    try:
        if data.get("start"):
            m, y = (int(x) for x in data["start"].split("/"))
            start = board_lib.Month(y, m)
            start.first  # noqa: B018 - validates the month
        if data.get("end"):
            m, y = (int(x) for x in data["end"].split("/"))
            end = board_lib.Month(y, m)
            end.first  # noqa: B018
        elif data.get("start"):
            end = board_lib.months(start, board_lib.Month(start.year + 1, start.month))[11]
    except ValueError:
        raise params.InvalidParam("Tháng không tồn tại; hãy nhập tháng từ 01 đến 12.") from None
    if (
        not params.MIN_YEAR <= start.year <= params.MAX_YEAR
        or not params.MIN_YEAR <= end.year <= params.MAX_YEAR
    ):
        raise params.InvalidParam(f"Năm phải từ {params.MIN_YEAR} đến {params.MAX_YEAR}.")
    if end.first < start.first:
        raise params.InvalidParam("Tháng kết thúc phải sau tháng bắt đầu.")
    return start, end


def _board(request):
    start, end = _period(request)
    last_day = end.next.first - dt.timedelta(days=1)
    ids = []
    for day in (start.first, last_day):
        scoped = access.scope(request.user, day).ids()
        if scoped is None:
            ids = None
            break
        ids.extend(scoped)
    return start, end, board_lib.build(None if ids is None else frozenset(ids), start, end)


@require_GET
def board(request):
    start, end, (period, rows) = _board(request)
    today = timezone.localdate()
    scope = access.scope(request.user, today)
    upcoming = scope.filter(
        Meeting.objects.filter(stage=Stage.PLANNED, planned_date__gte=today), field="cell_id"
    ).order_by("planned_date")[:50]
    context = {
        "nav": "meetings",
        "start": start,
        "end": end,
        "period": period,
        "rows": rows,
        "upcoming": upcoming,
        "can_plan": scope.can_anywhere(Capability.WRITE),
        "today": today,
    }
    return render(request, "meetings/board.html", context)


BOARD_COLUMNS = [
    Column("STT", xlsx.INTEGER),
    Column("Chi bộ"),
    Column("Tháng", xlsx.MONTH),
    Column("Tình trạng tháng"),
    Column("Ngày dự kiến", xlsx.DATE),
    Column("Ngày họp", xlsx.DATE),
    Column("Loại"),
    Column("Đã họp", xlsx.INTEGER, total=True),
    Column("Tháng không họp", xlsx.INTEGER, total=True),
    Column("Có mặt", xlsx.INTEGER, total=True),
    Column("Phải dự", xlsx.INTEGER, total=True),
    Column("Tỷ lệ dự họp", xlsx.PERCENT),
    Column("Cấp trên dự", xlsx.INTEGER, total=True),
    Column("Xếp loại"),
]


def board_lines(rows: list[board_lib.Row], period: list[board_lib.Month]):
    """One line per meeting, every meeting of the month (R-MTG-01 make-ups and thematic ones
    too), and one line for a month with none; counts as numbers so they add up (issue 14)."""
    index = 0
    for row in rows:
        for month, slot in zip(period, row.slots, strict=True):
            if not slot.exists:
                continue
            missed = 1 if slot.state == "missed" else 0
            for meeting in slot.meetings or [None]:
                index += 1
                line = [index, row.name, month.first, slot.label or "Chưa có kế hoạch"]
                if meeting is None:
                    yield [*line, None, None, None, 0, missed, None, None, None, None, None]
                else:
                    held = meeting.stage != Stage.PLANNED
                    counted = getattr(meeting, "counted", 0) if held else 0
                    attended = getattr(meeting, "attended", 0) if held else 0
                    yield [
                        *line,
                        meeting.planned_date,
                        meeting.date,
                        meeting.get_kind_display() + (" (bù)" if meeting.makeup else ""),
                        1 if held else 0,
                        missed,
                        attended if held else None,
                        counted if held else None,
                        attended / counted if counted else None,
                        (1 if meeting.superior_present else 0) if held else None,
                        meeting.final_level or None,
                    ]
                missed = 0  # the month counts once, on its first line


@require_GET
def board_export(request):
    start, end, (period, rows) = _board(request)
    content = xlsx.render(
        title="Sinh hoạt chi bộ theo tháng",
        as_of=end.next.first - dt.timedelta(days=1),
        columns=BOARD_COLUMNS,
        rows=board_lines(rows, period),
    )
    return xlsx.response(
        content, f"sinh-hoat-{start.year}{start.month:02d}-{end.year}{end.month:02d}.xlsx"
    )


@require_GET
def detail(request, pk: int):
    meeting = _meeting(request, pk)
    rows = list(meeting.attendance.select_related("person").order_by("person__sort_key"))
    summary = quality.summarize(rows)
    checks = {}
    rubric = None
    if meeting.date is not None:
        rubric = rubric_for(meeting.cell, meeting.date)
        checks = {
            "attendance": quality.criterion_one(meeting, rubric),
            "duration": quality.duration_check(meeting, rubric),
        }
    officials = quality.official_count(meeting)
    evaluations = {
        e.side: e
        for e in meeting.evaluations.select_related("scored_by").prefetch_related(
            "scores__criterion"
        )
    }
    day = meeting.day
    context = {
        "nav": "meetings",
        "meeting": meeting,
        "cell_name": meeting.cell.version_on(meeting.cell.nearest_day(day)).name,
        "rows": rows,
        "summary": summary,
        "rubric": rubric,
        "checks": checks,
        "officials": officials,
        "passed": quality.resolution_passed(meeting, officials),
        "evaluations": [evaluations.get(s) for s in (Side.SELF, Side.SUPERIOR, Side.FINAL)],
        "can_write": access.can(request.user, meeting.cell, day, Capability.WRITE),
        "can_supervise": access.can_supervise(request.user, meeting.cell, day),
        "assigned": SuperiorAssignment.objects.filter(valid_on(day), cell=meeting.cell)
        .select_related("person")
        .first(),
    }
    return render(request, "meetings/detail.html", context)


def _page(request, form, title: str, meeting: Meeting | None, action, **extra):
    crumbs = [(reverse("meetings:board"), "Sinh hoạt chi bộ")]
    if meeting is not None:
        crumbs.append((_detail_url(meeting), str(meeting)))
    context = {
        "nav": "meetings",
        "title": title,
        "crumbs": crumbs,
        "cancel_url": crumbs[-1][0],
        **extra,
    }
    return form_page(request, form, "form_page.html", context, action)


@require_http_methods(["GET", "POST"])
def plan(request):
    today = timezone.localdate()
    scope = access.require_any(request.user, today, Capability.WRITE)
    cells = cells_in(scope, today, Capability.WRITE)
    cell_id = params.optional_int(request.GET, "cell", "chi bộ")
    form = forms.PlanForm(posted(request), cells=cells, initial={"cell": cell_id})

    def action(data):
        cell = Organization.objects.get(pk=data["cell"])
        if not access.can(request.user, cell, data["planned_date"], Capability.WRITE):
            raise ValidationError({"cell": "Chi bộ nằm ngoài phạm vi bạn được ghi vào ngày đó."})
        texts = {k: data[k] for k in operations.TEXT_FIELDS if k in data}
        meeting = operations.plan(
            cell=cell,
            kind=data["kind"],
            planned_date=data["planned_date"],
            planned_time=data["planned_time"],
            makeup=data["makeup"],
            makeup_reason=data["makeup_reason"],
            by=request.user,
            **texts,
        )
        return _detail_url(
            meeting
        ), "Đã lên kế hoạch sinh hoạt; đảng viên và cấp ủy viên theo dõi chi bộ xem được."

    return _page(request, form, "Lên kế hoạch sinh hoạt", None, action)


@require_http_methods(["GET", "POST"])
def hold(request, pk: int):
    meeting = _meeting(request, pk, "write")
    members = quality.roll(meeting)
    superiors = superior_people(meeting)
    initial = {
        "kind": meeting.kind,
        "date": meeting.date or meeting.planned_date,
        "start_time": meeting.start_time or meeting.planned_time,
        "end_time": meeting.end_time,
        "in_person": meeting.in_person,
        "chair": meeting.chair_id,
        "minute_taker": meeting.minute_taker_id,
        "superior_present": meeting.superior_present,
        "superior_person": meeting.superior_person_id,
        "votes_yes": meeting.votes_yes,
        "votes_no": meeting.votes_no,
        "votes_abstain": meeting.votes_abstain,
        "makeup": meeting.makeup,
        "makeup_reason": meeting.makeup_reason,
        **{k: getattr(meeting, k) for k in operations.TEXT_FIELDS},
    }
    form = forms.HoldForm(posted(request), members=members, superiors=superiors, initial=initial)

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
            makeup=data["makeup"],
            makeup_reason=data["makeup_reason"],
        )
        if not access.can(request.user, meeting.cell, data["date"], Capability.WRITE):
            raise ValidationError({"date": "Chi bộ nằm ngoài phạm vi bạn được ghi vào ngày đó."})
        texts = {k: data[k] for k in operations.TEXT_FIELDS if k in data}
        operations.hold(meeting=meeting, record=record, by=request.user, **texts)
        return reverse(
            "meetings:attendance", args=[meeting.pk]
        ), "Đã ghi nội dung buổi sinh hoạt; tiếp theo là điểm danh."

    return _page(request, form, "Ghi buổi sinh hoạt", meeting, action)


def superior_people(meeting: Meeting) -> list[Person]:
    """Members of the commune committee on the day, the assigned one first (F-6)."""
    day = meeting.day
    parent = meeting.cell.superior_on(meeting.cell.nearest_day(day), Relation.TERRITORIAL)
    people = {}
    assigned = SuperiorAssignment.objects.filter(valid_on(day), cell=meeting.cell).select_related(
        "person"
    )
    for assignment in assigned:
        people[assignment.person_id] = assignment.person
    if parent is not None:
        for position in Position.objects.filter(valid_on(day), organization=parent).select_related(
            "person"
        ):
            people.setdefault(position.person_id, position.person)
    return list(people.values())


@require_http_methods(["GET", "POST"])
def attendance(request, pk: int):
    meeting = _meeting(request, pk, "write")
    roll = quality.roll(meeting)
    current = {a.person_id: (a.status, a.reason) for a in meeting.attendance.all()}
    form = forms.AttendanceForm(posted(request), roll=roll, current=current)

    def action(_data):
        operations.take_attendance(meeting=meeting, marks=form.marks(), by=request.user)
        return _detail_url(meeting), "Đã ghi điểm danh."

    context = {"nav": "meetings", "meeting": meeting}
    return form_page(request, form, "meetings/attendance.html", context, action)


@require_http_methods(["GET", "POST"])
def close(request, pk: int):
    meeting = _meeting(request, pk, "write")
    form = forms.Form(posted(request))

    def action(_data):
        operations.close(meeting=meeting, by=request.user)
        return _detail_url(meeting), f"Đã khóa biên bản, số {meeting.number.code}."

    return _page(
        request,
        form,
        "Khóa biên bản",
        meeting,
        action,
        button="Khóa biên bản",
        intro="Sau khi khóa, nội dung và điểm danh không sửa được nữa; biên bản được cấp số.",
    )


@require_GET
def minutes_docx(request, pk: int):
    meeting = _meeting(request, pk)
    if (
        meeting.stage == Stage.PLANNED
        or meeting.chair_id is None
        or meeting.minute_taker_id is None
    ):
        raise Http404("Buổi sinh hoạt chưa có biên bản.")
    audit.accessed(meeting, note="Tải biên bản (.docx)")
    response = HttpResponse(
        minutes.render(meeting),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="bien-ban-{meeting.date:%Y-%m-%d}.docx"'
    )
    return response


def _score(request, pk: int, side: str, capability: str, title: str):
    meeting = _meeting(request, pk, capability)
    if meeting.date is None:
        raise PermissionDenied("Buổi sinh hoạt chưa được ghi; chưa thể chấm điểm.")
    rubric = rubric_for(meeting.cell, meeting.date)
    computed = quality.computed_points(meeting, rubric)
    previous = meeting.evaluations.filter(side=side).prefetch_related("scores").first()
    initial = {f"c{s.criterion_id}": s.points for s in previous.scores.all()} if previous else {}
    form = forms.ScoreForm(posted(request), rubric=rubric, computed=computed, initial=initial)
    facts = [
        (
            f"{c.order}. {c.title}",
            f"{computed[c.pk][0]}/{c.max_points} — " + " ".join(computed[c.pk][1].facts),
        )
        for c in rubric.criteria.all()
        if c.pk in computed
    ]

    def action(data):
        evaluation = operations.score(
            meeting=meeting, side=side, points=form.points(), note=data["note"], by=request.user
        )
        return _detail_url(
            meeting
        ), f"Đã chấm {evaluation.total} điểm, xếp loại {evaluation.level}."

    return _page(
        request, form, title, meeting, action, facts=facts, intro=rubric.name, button="Ghi điểm"
    )


@require_http_methods(["GET", "POST"])
def score_self(request, pk: int):
    return _score(request, pk, Side.SELF, "write", "Chi bộ tự chấm điểm")


@require_http_methods(["GET", "POST"])
def score_superior(request, pk: int):
    return _score(request, pk, Side.SUPERIOR, "supervise", "Cấp ủy cấp trên chấm điểm")


@require_http_methods(["GET", "POST"])
def confirm(request, pk: int):
    meeting = _meeting(request, pk, "supervise")
    if meeting.date is None:
        raise PermissionDenied("Buổi sinh hoạt chưa được ghi.")
    rubric = rubric_for(meeting.cell, meeting.date)
    scored = {e.side: e for e in meeting.evaluations.all()}
    base = scored.get(Side.SUPERIOR) or scored.get(Side.SELF)
    form = forms.ConfirmForm(
        posted(request),
        levels=[lv.label for lv in rubric.levels.all()],
        initial={"level": base.level if base else None},
    )
    facts = [(e.get_side_display(), f"{e.total} điểm — {e.level}") for e in scored.values()]

    def action(data):
        evaluation = operations.confirm(
            meeting=meeting, level=data["level"], note=data["note"], by=request.user
        )
        return _detail_url(meeting), f"Đã xác nhận xếp loại {evaluation.level}."

    return _page(
        request, form, "Đảng ủy xác nhận xếp loại", meeting, action, facts=facts, button="Xác nhận"
    )


def assignable(cell: Organization, on: dt.date) -> list[Person]:
    """Who may be assigned to follow ``cell``: the commune committee's office holders (F-6)."""
    parent = cell.superior_on(cell.nearest_day(on), Relation.TERRITORIAL)
    positions = Position.objects.filter(valid_on(on), organization=parent)
    return [p.person for p in positions.select_related("person")]


@require_http_methods(["GET", "POST"])
def assign(request, cell_id: int):
    today = timezone.localdate()
    cell = access.get_org(request.user, cell_id, today)
    if not access.can_supervise(request.user, cell, today):
        raise PermissionDenied(DENIED)
    people = assignable(cell, today)
    form = forms.AssignForm(posted(request), people=people, initial={"on": today})

    def action(data):
        person = next(p for p in people if p.pk == data["person"])
        operations.assign_superior(
            cell=cell, person=person, on=data["on"], note=data["note"], by=request.user
        )
        return reverse(
            "orgs:detail", args=[cell.pk]
        ), f"Đã phân công đồng chí {person.full_name} theo dõi chi bộ."

    return _page(request, form, "Phân công cấp ủy viên theo dõi chi bộ", None, action)
