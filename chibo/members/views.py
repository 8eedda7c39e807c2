"""Member pages: the list as of a date (search, filters, export), a person's timeline, and
one page per workflow (conventions §2)."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from chibo import audit
from chibo.accounts import access
from chibo.accounts import operations as account_operations
from chibo.accounts.access import Capability
from chibo.lib import params, xlsx
from chibo.lib.pages import form_page, posted
from chibo.lib.validity import valid_on
from chibo.lib.xlsx import Column
from chibo.members import forms, operations
from chibo.members.models import (
    MemberAccount,
    MembershipKind,
    Position,
    Status,
    Transfer,
)
from chibo.members.roster import (
    cell_names,
    cells_in,
    cells_query,
    in_transit,
    kept_count,
    labels,
    roster,
)
from chibo.members.timeline import timeline
from chibo.orgs.models import Kind, NameBook, Organization, OrgVersion


@require_GET
def member_list(request):
    """The page costs the page (issue 16): the count and one page of rows in SQL, the names
    of that page's cells only, and no list of every cell in scope for a national user."""
    on = params.as_of(request.GET)
    form, rows = roster(request.user, on, request.GET, choices=True)
    chosen = getattr(form, "cleaned_data", {}).get("cell")
    scope = access.scope(request.user, on)
    if chosen:
        transit_cells = [chosen]
    elif scope.everything:
        transit_cells = None
    elif form.cells is not None:
        transit_cells = [version.organization_id for version in form.cells]
    else:
        transit_cells = cells_query(scope, on).values_list("organization_id", flat=True)
    paginator = Paginator(rows, settings.CHIBO_PAGE_SIZE)
    paginator.count = kept_count(rows)  # kept (a cached_property)
    page = paginator.get_page(request.GET.get("page"))
    names = cell_names(on, {row.cell_id for row in page})
    items = [(row, names.get(row.cell_id, ""), labels(row)) for row in page]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "nav": "members",
        "on": on,
        "form": form,
        "page": page,
        "items": items,
        "transit": in_transit(on, transit_cells, scope),
        "query": query.urlencode(),
        "can_add": scope.can_anywhere(Capability.WRITE),
    }
    return render(request, "members/list.html", context)


@require_GET
def member_export(request):
    on = params.as_of(request.GET)
    _form, rows = roster(request.user, on, request.GET)
    # The names of every cell in scope in one query; the rows are read in chunks (a server
    # side cursor on PostgreSQL) and written as they come: memory does not grow with rows.
    names = cell_names(
        on, cells_query(access.scope(request.user, on), on).values("organization_id")
    )
    columns = [
        Column("STT", xlsx.INTEGER),
        Column("Họ"),
        Column("Tên đệm"),
        Column("Tên"),
        Column("Giới tính"),
        Column("Ngày sinh", xlsx.DATE),
        Column("Chi bộ"),
        Column("Trạng thái"),
        Column("Ngày vào Đảng", xlsx.DATE),
        Column("Ngày chính thức", xlsx.DATE),
        Column("Chức vụ đảng"),
        Column("Chức vụ Công an"),
        Column("Cấp bậc hàm"),
    ]

    def lines():
        for index, row in enumerate(rows.iterator(chunk_size=2000), start=1):
            person, record, shown = row.person, row.party, labels(row)
            yield [
                index,
                person.ho,
                person.ten_dem,
                person.ten,
                person.get_gender_display(),
                person.birth_date,
                names.get(row.cell_id, ""),
                shown["status"],
                record.decision_date,
                record.official_date if row.is_official else None,
                shown["party_role"],
                shown["police"],
                shown["rank"],
            ]

    content = xlsx.render(title="Danh sách đảng viên", as_of=on, columns=columns, rows=lines())
    audit.accessed(
        kind="members.export",
        note=f"Xuất danh sách đảng viên ngày {on:%d/%m/%Y} (.xlsx)",
        details={"query": request.GET.urlencode()},
    )
    return xlsx.response(content, f"dang-vien-{on:%Y-%m-%d}.xlsx")


@require_GET
def person_detail(request, pk: int):
    on = params.as_of(request.GET)
    person = access.get_person(request.user, pk, on)
    # Scope in time (issue 10): a user who saw the person only for part of their life reads
    # that part — the timeline cut to it, the status on its last day, no CCCD.
    window = access.person_window(request.user, person, on)
    day = window.day(on)
    record = getattr(person, "party", None)
    events = [event for event in timeline(person) if window.covers(event.on)]
    writable = window.full and access.can_person(request.user, person, on, Capability.WRITE)
    if writable and person.cccd:
        audit.accessed(person, note="Xem số CCCD trên trang người")
    context = {
        "nav": "members",
        "on": on,
        "day": day,
        "window": window,
        "person": person,
        "record": record,
        "status": record.status_on(day) if record else Status.NOT_MEMBER,
        "party_age": record.party_age_on(day) if record else None,
        "events": events,
        "positions": person.positions.filter(valid_on(day)).select_related("organization"),
        "writable": writable,
        # Each pending transfer, and whether this user may record its receipt (issue 14:
        # the link shows only where ``receive`` would open).
        "pending": [
            (move, may_receive(request.user, move))
            for move in person.transfers.filter(
                received_on__isnull=True, to_cell__isnull=False
            ).select_related("to_cell")
        ]
        if window.full
        else [],
        "exempt_now": person.exemptions.filter(valid_on(day)).exists(),
        # Only those who may make or reset a member's login see it (issue 15 item 4).
        "account": MemberAccount.objects.filter(person=person).select_related("user").first()
        if writable
        else None,
    }
    return render(request, "members/detail.html", context)


def _page(request, form, title: str, context: dict, action, **extra):
    person = context.get("person")
    on = context["on"]
    crumbs = [(params.url_as_of("members:list", on), "Đảng viên")]
    if person is not None:
        crumbs.append((params.url_as_of("members:detail", on, person.pk), person.full_name))
    cancel = crumbs[-1][0]
    base = {"nav": "members", "title": title, "crumbs": crumbs, "cancel_url": cancel, **extra}
    return form_page(request, form, "form_page.html", {**base, **context}, action)


def _writable_cells(request, on: dt.date) -> list[OrgVersion]:
    return cells_in(access.scope(request.user, on), on, Capability.WRITE)


def _require_write(request, org: Organization | None, on: dt.date, field: str) -> None:
    if org is not None and not access.can(request.user, org, on, Capability.WRITE):
        raise ValidationError({field: "Tổ chức này nằm ngoài phạm vi bạn được ghi vào ngày đó."})


@require_http_methods(["GET", "POST"])
def person_new(request):
    on = params.as_of(request.GET)
    scope = access.require_any(request.user, on, Capability.WRITE)
    versions = scope.filter(OrgVersion.objects.on(on), Capability.WRITE, "organization_id")
    versions = versions.sorted_by_name()
    form = forms.NewPersonForm(
        posted(request), versions=versions, cells=[v for v in versions if Kind(v.kind).is_cell]
    )

    def action(data):
        _require_write(request, data["registered_by"], on, "registered_by")
        police = form.police()
        if police is not None:
            _require_write(request, police.cell, police.since, "police_cell")
        person = operations.register_person(
            data=form.person_data(),
            registered_by=data["registered_by"],
            police=police,
            by=request.user,
        )
        return params.url_as_of("members:detail", on, person.pk), f"Đã thêm {person.full_name}."

    return _page(request, form, "Thêm người", {"on": on}, action)


@require_http_methods(["GET", "POST"])
def person_edit(request, pk: int):
    on = params.as_of(request.GET)
    person = access.get_person(request.user, pk, on, Capability.WRITE)
    form = forms.PersonForm(posted(request), initial=forms.PersonForm.initial_of(person))

    def action(data):
        operations.update_person(person=person, data=form.person_data(), by=request.user)
        return params.url_as_of("members:detail", on, person.pk), "Đã cập nhật thông tin cá nhân."

    return _page(request, form, "Sửa thông tin cá nhân", {"on": on, "person": person}, action)


@require_http_methods(["GET", "POST"])
def admit(request, pk: int):
    on = params.as_of(request.GET)
    person = access.get_person(request.user, pk, on, Capability.WRITE)
    form = forms.AdmitForm(posted(request), person=person, cells=_writable_cells(request, on))

    def action(data):
        _require_write(request, data["cell"], data["ceremony_date"], "cell")
        record = operations.admit(
            person=person,
            cell=data["cell"],
            decision_date=data["decision_date"],
            ceremony_date=data["ceremony_date"],
            decision_no=data["decision_no"],
            by=request.user,
        )
        message = (
            f"Đã ghi kết nạp {person.full_name}; dự bị đến hết ngày "
            f"{record.probation_end - dt.timedelta(days=1):%d/%m/%Y}."
        )
        return params.url_as_of("members:detail", data["ceremony_date"], person.pk), message

    intro = "Thời gian dự bị 12 tháng tính từ ngày lễ kết nạp (R-MEM-04)."
    return _page(
        request,
        form,
        "Kết nạp đảng viên",
        {"on": on, "person": person},
        action,
        intro=intro,
        button="Ghi kết nạp",
    )


@require_http_methods(["GET", "POST"])
def existing_member(request, pk: int):
    on = params.as_of(request.GET)
    person = access.get_person(request.user, pk, on, Capability.WRITE)
    form = forms.ExistingMemberForm(posted(request), cells=_writable_cells(request, on))

    def action(data):
        _require_write(request, data["cell"], data["since"], "cell")
        operations.record_existing_member(
            person=person,
            cell=data["cell"],
            since=data["since"],
            decision_date=data["decision_date"],
            ceremony_date=data["ceremony_date"],
            official=data["official"],
            decision_no=data["decision_no"],
            by=request.user,
        )
        return params.url_as_of("members:detail", on, person.pk), "Đã nhập hồ sơ đảng viên."

    return _page(
        request, form, "Nhập hồ sơ đảng viên đang sinh hoạt", {"on": on, "person": person}, action
    )


@require_http_methods(["GET", "POST"])
def recognize(request, pk: int):
    on = params.as_of(request.GET)
    person = access.get_person(request.user, pk, on, Capability.WRITE)
    record = getattr(person, "party", None)
    facts = []
    if record is not None:
        end = record.probation_end
        facts = [
            ("Lễ kết nạp", f"{record.ceremony_date:%d/%m/%Y}"),
            ("Hết 12 tháng dự bị, ngày chính thức (R-MEM-04, R-MEM-06)", f"{end:%d/%m/%Y}"),
            (
                "Hạn xét, đề nghị công nhận: 30 ngày làm việc (R-MEM-05)",
                f"{end:%d/%m/%Y} – {record.recognition_deadline:%d/%m/%Y}",
            ),
        ]
    form = forms.RecognizeForm(posted(request))

    def action(data):
        record = operations.recognize(
            person=person,
            decided_on=data["decided_on"],
            decision_no=data["decision_no"],
            by=request.user,
        )
        message = (
            f"{person.full_name} là đảng viên chính thức từ ngày {record.official_date:%d/%m/%Y}."
        )
        return params.url_as_of("members:detail", data["decided_on"], person.pk), message

    return _page(
        request,
        form,
        "Công nhận đảng viên chính thức",
        {"on": on, "person": person},
        action,
        facts=facts,
        button="Ghi công nhận",
    )


@require_http_methods(["GET", "POST"])
def transfer(request, pk: int):
    on = params.as_of(request.GET)
    person = access.get_person(request.user, pk, on, Capability.WRITE)
    form = forms.TransferForm(posted(request), cells=_cells_everywhere(on))

    def action(data):
        home = person.memberships.filter(valid_on(data["on"]), kind=MembershipKind.OFFICIAL).first()
        _require_write(request, home.cell if home else None, data["on"], "on")
        # The form asks for the last day of temporary activity; intervals end the day after.
        until = data["until"] + dt.timedelta(days=1) if data["until"] else None
        move = operations.transfer(
            person=person,
            kind=data["kind"],
            on=data["on"],
            to_cell=data["to_cell"],
            to_outside=data["to_outside"],
            until=until,
            received_on=data["received_on"],
            reason=data["reason"],
            by=request.user,
        )
        message = "Đã ghi chuyển sinh hoạt."
        if move.is_pending:
            message += f" Hạn nộp giấy giới thiệu: {move.letter_deadline:%d/%m/%Y} (R-MEM-09)."
        return params.url_as_of("members:detail", data["on"], person.pk), message

    return _page(
        request,
        form,
        "Chuyển sinh hoạt đảng",
        {"on": on, "person": person},
        action,
        intro="Chính thức: thôi sinh hoạt ở chi bộ hiện tại từ ngày chuyển (R-MEM-09). "
        "Tạm thời: vẫn thuộc đảng số chi bộ hiện tại (R-MEM-10).",
        button="Ghi chuyển",
    )


def _cells_everywhere(on: dt.date) -> list[OrgVersion]:
    """Any cell can receive a transfer, even one outside the sender's scope."""
    return [v for v in OrgVersion.objects.on(on).sorted_by_name() if Kind(v.kind).is_cell]


def _receiver(move: Transfer, today: dt.date):
    try:  # a receiving cell merged away during the transit: its successor receives
        return operations.continuing(move.to_cell, today)
    except ValidationError:
        return move.to_cell


def may_receive(user, move: Transfer) -> bool:
    """Whether ``receive`` would open for ``user`` on this transfer today."""
    today = timezone.localdate()
    return access.can(user, _receiver(move, today), today, Capability.WRITE)


@require_http_methods(["GET", "POST"])
def receive(request, pk: int):
    on = params.as_of(request.GET)
    move = get_object_or_404(Transfer.objects.select_related("person", "to_cell"), pk=pk)
    today = timezone.localdate()
    if move.to_cell is None:
        raise Http404("Không tìm thấy.")
    receiver = _receiver(move, today)
    if not access.can(request.user, receiver, today):
        raise Http404("Không tìm thấy.")
    if not access.can(request.user, receiver, today, Capability.WRITE):
        raise PermissionDenied("Vai trò của bạn không được thực hiện thao tác này.")
    form = forms.ReceiveForm(posted(request), initial={"on": timezone.localdate()})
    book = NameBook([move.from_cell_id, move.to_cell_id])
    facts = [
        ("Đảng viên", move.person.full_name),
        ("Từ chi bộ", book.name(move.from_cell_id, move.sent_on)),
        ("Đến chi bộ", book.name(move.to_cell_id, move.sent_on)),
        ("Ngày chuyển đi", f"{move.sent_on:%d/%m/%Y}"),
        ("Hạn nộp giấy giới thiệu (R-MEM-09)", f"{move.letter_deadline:%d/%m/%Y}"),
    ]

    def action(data):
        operations.receive(transfer=move, on=data["on"], by=request.user)
        return params.url_as_of(
            "members:detail", data["on"], move.person_id
        ), "Đã tiếp nhận sinh hoạt đảng."

    return _page(
        request,
        form,
        "Tiếp nhận sinh hoạt đảng",
        {"on": on},
        action,
        facts=facts,
        button="Ghi tiếp nhận",
    )


def _simple(request, pk: int, form_class, title: str, run, **extra):
    on = params.as_of(request.GET)
    person = access.get_person(request.user, pk, on, Capability.WRITE)
    form = form_class(posted(request))

    def action(data):
        message = run(person, data)
        return params.url_as_of("members:detail", data["on"], person.pk), message

    return _page(request, form, title, {"on": on, "person": person}, action, **extra)


@require_http_methods(["GET", "POST"])
def exempt(request, pk: int):
    def run(person, data):
        operations.exempt(person=person, on=data["on"], reason=data["reason"], by=request.user)
        return "Đã ghi miễn công tác và sinh hoạt đảng."

    return _simple(request, pk, forms.ExemptForm, "Miễn công tác và sinh hoạt đảng", run)


@require_http_methods(["GET", "POST"])
def end_exemption(request, pk: int):
    def run(person, data):
        operations.end_exemption(person=person, on=data["on"], by=request.user)
        return "Đã ghi sinh hoạt trở lại."

    return _simple(request, pk, forms.EndExemptionForm, "Kết thúc miễn sinh hoạt", run)


@require_http_methods(["GET", "POST"])
def end_membership(request, pk: int):
    def run(person, data):
        operations.end_party_membership(
            person=person,
            on=data["on"],
            reason=data["reason"],
            decision_no=data["decision_no"],
            by=request.user,
        )
        return "Đã ghi."

    return _simple(
        request,
        pk,
        forms.EndMembershipForm,
        "Xóa tên, khai trừ, cho ra khỏi Đảng",
        run,
        button="Ghi",
        button_style="danger",
    )


@require_http_methods(["GET", "POST"])
def death(request, pk: int):
    def run(person, data):
        operations.record_death(person=person, on=data["on"], by=request.user)
        return f"Đã ghi: {person.full_name} từ trần ngày {data['on']:%d/%m/%Y}."

    return _simple(request, pk, forms.DeathForm, "Ghi nhận từ trần", run, button_style="danger")


@require_http_methods(["GET", "POST"])
def police(request, pk: int):
    on = params.as_of(request.GET)
    person = access.get_person(request.user, pk, on, Capability.WRITE)
    form = forms.PoliceForm(posted(request), cells=_writable_cells(request, on))

    def action(data):
        _require_write(request, data["cell"], data["on"], "cell")
        operations.set_police_service(
            person=person,
            on=data["on"],
            cell=data["cell"],
            position=data["position"] or None,
            rank=data["rank"],
            by=request.user,
        )
        return params.url_as_of(
            "members:detail", data["on"], person.pk
        ), "Đã cập nhật công tác Công an."

    return _page(
        request, form, "Công tác Công an, cấp bậc hàm", {"on": on, "person": person}, action
    )


@require_http_methods(["GET", "POST"])
def appoint(request, pk: int):
    on = params.as_of(request.GET)
    person = access.get_person(request.user, pk, on, Capability.WRITE)
    scope = access.scope(request.user, on)
    orgs = scope.filter(OrgVersion.objects.on(on), Capability.WRITE, "organization_id")
    form = forms.AppointForm(posted(request), orgs=orgs.sorted_by_name())

    def action(data):
        _require_write(request, data["organization"], data["on"], "organization")
        operations.appoint(
            person=person,
            organization=data["organization"],
            role=data["role"],
            on=data["on"],
            term=data["term"],
            appointed=data["appointed"],
            government_post=data["government_post"],
            by=request.user,
        )
        return params.url_as_of("members:detail", data["on"], person.pk), "Đã ghi chức vụ."

    return _page(request, form, "Bầu, chỉ định chức vụ", {"on": on, "person": person}, action)


def congress_people(cell: Organization):
    """Who may be elected: anyone who has had official party activity in the cell (``appoint``
    then checks the day)."""
    from chibo.members.models import Person

    people = Person.objects.filter(
        memberships__cell=cell, memberships__kind=MembershipKind.OFFICIAL
    ).distinct()
    return list(people.order_by("sort_key", "pk"))


def congress_of(data) -> operations.Congress:
    return operations.Congress(
        congress_on=data["congress_on"],
        starts_on=data["starts_on"],
        ends_on=data["ends_on"],
        label=data["label"],
        policy=data["policy"],
        secretary=data["secretary"],
        deputy=data["deputy"],
        committee=data["committee"],
        decision=data["decision"],
    )


@require_http_methods(["GET", "POST"])
def congress(request, pk: int):
    """Ghi đại hội chi bộ (R-ORG-06) and the elected leadership (R-ORG-04)."""
    on = params.as_of(request.GET)
    cell = access.get_org(request.user, pk, on, Capability.WRITE)
    version = cell.version_on(cell.nearest_day(on))
    if not Kind(version.kind).is_cell:
        raise Http404("Chỉ ghi đại hội cho chi bộ.")
    from chibo.rules.models import RuleSet

    initial = {"congress_on": on, "starts_on": on, "policy": RuleSet.on(on).term_policy}
    form = forms.CongressForm(posted(request), people=congress_people(cell), initial=initial)

    def action(data):
        _require_write(request, cell, data["starts_on"], "starts_on")
        term = operations.record_congress(
            organization=cell, congress=congress_of(data), by=request.user
        )
        return params.url_as_of("orgs:detail", term.valid_from, cell.pk), (
            f"Đã ghi đại hội, nhiệm kỳ {term.label}."
        )

    crumbs = [(params.url_as_of("orgs:detail", on, cell.pk), version.name)]
    return form_page(
        request,
        form,
        "form_page.html",
        {
            "nav": "orgs",
            "title": f"Ghi đại hội: {version.name}",
            "crumbs": crumbs,
            "cancel_url": crumbs[0][0],
            "on": on,
        },
        action,
    )


@require_http_methods(["GET", "POST"])
def end_position(request, pk: int):
    on = params.as_of(request.GET)
    position = get_object_or_404(Position.objects.select_related("person", "organization"), pk=pk)
    day = position.last_day or on
    if not access.can(request.user, position.organization, min(on, day)):
        raise Http404("Không tìm thấy.")
    if not access.can(request.user, position.organization, min(on, day), Capability.WRITE):
        raise PermissionDenied("Vai trò của bạn không được thực hiện thao tác này.")
    form = forms.EndPositionForm(posted(request))

    def action(data):
        _require_write(request, position.organization, data["on"], "on")
        operations.end_position(position=position, on=data["on"], by=request.user)
        return params.url_as_of(
            "members:detail", data["on"], position.person_id
        ), "Đã ghi thôi giữ chức vụ."

    return _page(
        request,
        form,
        f"Thôi giữ chức vụ {position.get_role_display()}",
        {"on": on, "person": position.person},
        action,
    )


# Member accounts (issue 15 item 4): made by whoever may write on the person today (the
# cell's secretary, the commune committee, the board), never by the member.


@require_http_methods(["GET", "POST"])
def account_create(request, pk: int):
    today = timezone.localdate()
    person = access.get_person(request.user, pk, today, Capability.WRITE)
    form = forms.MemberAccountForm(posted(request))

    def action(data):
        account = operations.create_member_account(
            person=person, username=data["username"], on=today, by=request.user
        )
        return (
            reverse("members:account_link", args=[person.pk]),
            f"Đã tạo tài khoản {account.user.username} cho đồng chí {person.full_name}; hãy "
            "tạo liên kết để đảng viên tự đặt mật khẩu.",
        )

    intro = (
        "Tài khoản đảng viên chỉ xem được hồ sơ của chính mình, tên các đảng viên trong chi bộ, "
        "lịch sinh hoạt và nhiệm vụ của chi bộ; không sửa được gì."
    )
    return _page(
        request,
        form,
        "Tạo tài khoản đảng viên",
        {"on": today, "person": person},
        action,
        intro=intro,
        button="Tạo tài khoản",
    )


@require_http_methods(["GET", "POST"])
def account_link(request, pk: int):
    """A one-time link through which the member sets their password (after creation, or
    when they forgot it)."""
    today = timezone.localdate()
    person = access.get_person(request.user, pk, today, Capability.WRITE)
    account = MemberAccount.objects.filter(person=person).select_related("user").first()
    if account is None:
        raise Http404("Đảng viên này chưa có tài khoản.")
    if not access.may_link_member_account(request.user, account.user, today):
        raise PermissionDenied(
            "Tài khoản này còn có phân quyền khác; hãy đặt lại mật khẩu ở trang Quản lý người dùng."
        )
    form = forms.LinkForm(posted(request))
    if request.method == "POST" and form.is_valid():
        path = account_operations.password_link(user=account.user, by=request.user)
        context = {
            "nav": "members",
            "title": f"Liên kết đặt mật khẩu cho {account.user.username}",
            "person": person,
            "target": account.user,
            "link": request.build_absolute_uri(path),
            "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        }
        return render(request, "members/account_link.html", context)
    detail = params.url_as_of("members:detail", today, person.pk)
    context = {
        "nav": "members",
        "title": f"Liên kết đặt mật khẩu cho {account.user.username}",
        "intro": "Một liên kết dùng một lần sẽ hiện ra; đảng viên mở nó để tự đặt mật khẩu. "
        f"Liên kết hết hiệu lực khi đã dùng, khi đảng viên đăng nhập, hoặc sau "
        f"{settings.PASSWORD_RESET_TIMEOUT // 3600} giờ.",
        "crumbs": [
            (params.url_as_of("members:list", today), "Đảng viên"),
            (detail, person.full_name),
        ],
        "cancel_url": detail,
        "button": "Tạo liên kết",
        "form": form,
    }
    return render(
        request, "form_page.html", context, status=400 if request.method == "POST" else 200
    )
