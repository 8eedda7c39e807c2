"""``/api/v1/members``, ``/api/v1/people``, ``/api/v1/positions``: scoped like the pages;
writes validated by the pages' forms and done by the same operations."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from pydantic import Field

from chibo import audit
from chibo.accounts import access
from chibo.accounts import operations as account_operations
from chibo.accounts.access import Capability
from chibo.lib import apiforms, params
from chibo.lib.params import InvalidParam
from chibo.lib.validity import valid_on
from chibo.members import forms, operations
from chibo.members.models import Position, Transfer
from chibo.members.roster import cell_names, cells_in, kept_count, labels, roster
from chibo.orgs.models import NameBook, OrgVersion

members = Router(tags=["members"])
people = Router(tags=["people"])
positions = Router(tags=["positions"])
transfers = Router(tags=["people"])
MAX_LIMIT = 1000


class MemberOut(Schema):
    person: int
    full_name: str
    ho: str
    ten_dem: str
    ten: str
    cell: int
    cell_name: str
    membership: str
    official: bool
    exempt: bool
    decision_date: dt.date
    official_date: dt.date | None
    party_role: str
    police_position: str
    rank: str


class MemberList(Schema):
    as_of: dt.date
    count: int
    limit: int
    offset: int
    items: list[MemberOut]


def _limits(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_LIMIT or not 0 <= offset <= 10_000_000:
        raise InvalidParam(f"limit phải từ 1 đến {MAX_LIMIT}; offset từ 0 đến 10.000.000.")


@members.get("", response=MemberList, summary="Đảng viên trong phạm vi vào một ngày")
def list_members(
    request: HttpRequest,
    as_of: str = "",
    q: str = "",
    cell: str = "",
    status: str = "",
    rank: str = "",
    position: str = "",
    limit: int = 100,
    offset: int = 0,
):
    on = params.as_of({"as_of": as_of})
    _limits(limit, offset)
    query = {
        k: v
        for k, v in {
            "q": q,
            "cell": cell,
            "status": status,
            "rank": rank,
            "position": position,
        }.items()
        if v
    }
    # Counted and sliced in SQL; the names of the page's cells only (issue 16).
    form, rows = roster(request.user, on, query)
    if query and not form.is_valid():
        raise apiforms.FormInvalid(apiforms.errors_of(form))
    page = list(rows[offset : offset + limit])
    names = cell_names(on, {row.cell_id for row in page})
    items = []
    for row in page:
        shown = labels(row)
        person, record = row.person, row.party
        items.append(
            MemberOut(
                person=person.pk,
                full_name=person.full_name,
                ho=person.ho,
                ten_dem=person.ten_dem,
                ten=person.ten,
                cell=row.cell_id,
                cell_name=names.get(row.cell_id, ""),
                membership=row.kind,
                official=row.is_official,
                exempt=row.exempt,
                decision_date=record.decision_date,
                official_date=record.official_date if row.is_official else None,
                party_role=shown["party_role"],
                police_position=shown["police"],
                rank=shown["rank"],
            )
        )
    return MemberList(
        as_of=on,
        count=kept_count(rows),
        limit=limit,
        offset=offset,
        items=items,
    )


class PersonOut(Schema):
    id: int
    full_name: str
    ho: str
    ten_dem: str
    ten: str
    gender: str
    birth_date: dt.date | None
    ethnicity: str
    home_town: str
    cccd: str | None
    status: str
    decision_date: dt.date | None
    ceremony_date: dt.date | None
    probation_end: dt.date | None
    official_date: dt.date | None
    party_age: int | None
    status_on: dt.date
    in_scope_until: dt.date | None


def _person_out(request, person, on: dt.date) -> PersonOut:
    record = getattr(person, "party", None)
    # Scope in time (issue 10): the part of the person's life the caller's scope covers.
    access.forget_ties(person)  # a write just before may have changed them
    window = access.person_window(request.user, person, on)
    day = window.day(on)
    writable = window.full and access.can_person(request.user, person, on, Capability.WRITE)
    if writable and person.cccd:
        audit.accessed(person, note="Đọc số CCCD qua API")
    return PersonOut(
        id=person.pk,
        full_name=person.full_name,
        ho=person.ho,
        ten_dem=person.ten_dem,
        ten=person.ten,
        gender=person.gender,
        birth_date=person.birth_date,
        ethnicity=person.ethnicity,
        home_town=person.home_town,
        cccd=person.cccd if writable else None,  # sensitive: only for those who may edit
        status=record.status_on(day).value if record else "none",
        decision_date=record.decision_date if record else None,
        ceremony_date=record.ceremony_date if record else None,
        probation_end=record.probation_end if record else None,
        official_date=record.official_date if record else None,
        party_age=record.party_age_on(day) if record else None,
        status_on=day,
        in_scope_until=window.last_day,
    )


@people.get("/{person_id}", response=PersonOut, summary="Một người vào một ngày")
def get_person(request: HttpRequest, person_id: apiforms.PathId, as_of: str = ""):
    on = params.as_of({"as_of": as_of})
    return _person_out(request, access.get_person(request.user, person_id, on), on)


PersonIn = apiforms.schema_of(forms.NewPersonForm, "PersonIn")
PersonUpdateIn = apiforms.schema_of(forms.PersonForm, "PersonUpdateIn", partial=True)
PositionIn = apiforms.schema_of(
    forms.AppointForm,
    "PositionIn",
    extra={"person": (apiforms.Id, Field(..., title="Người được bầu, chỉ định"))},
)


@people.post("", response={201: PersonOut}, summary="Thêm người (như trang Thêm người)")
def create_person(request: HttpRequest, body: PersonIn):
    on = timezone.localdate()
    scope = access.require_any(request.user, on, Capability.WRITE)
    versions = scope.filter(OrgVersion.objects.on(on), Capability.WRITE, "organization_id")
    versions = versions.sorted_by_name()
    form = forms.NewPersonForm(
        apiforms.form_data(body),
        versions=versions,
        cells=cells_in(scope, on, Capability.WRITE),
    )

    def action(data):
        return operations.register_person(
            data=form.person_data(),
            registered_by=data["registered_by"],
            police=form.police(),
            by=request.user,
        )

    person = apiforms.run(form, action)
    return Status(201, _person_out(request, person, on))


class PositionOut(Schema):
    id: int
    person: int
    full_name: str
    organization: int
    organization_name: str
    role: str
    role_label: str
    term: str
    appointed: bool
    government_post: str
    valid_from: dt.date
    valid_to: dt.date | None


def _position_out(position: Position, book: NameBook, on: dt.date) -> PositionOut:
    return PositionOut(
        id=position.pk,
        person=position.person_id,
        full_name=position.person.full_name,
        organization=position.organization_id,
        organization_name=book.name(position.organization_id, on),
        role=position.role,
        role_label=position.get_role_display(),
        term=position.term,
        appointed=position.appointed,
        government_post=position.government_post,
        valid_from=position.valid_from,
        valid_to=position.valid_to,
    )


@positions.get("", response=list[PositionOut], summary="Chức vụ đảng vào một ngày")
def list_positions(request: HttpRequest, as_of: str = "", org: str = ""):
    on = params.as_of({"as_of": as_of})
    org_id = params.optional_int({"org": org}, "org", "tổ chức")
    rows = access.scope(request.user, on).filter(
        Position.objects.filter(valid_on(on)), field="organization_id"
    )
    if org_id is not None:
        rows = rows.filter(organization_id=org_id)
    rows = list(rows.select_related("person").order_by("organization_id", "role"))
    book = NameBook({p.organization_id for p in rows})
    return [_position_out(p, book, on) for p in rows]


@positions.post("", response={201: PositionOut}, summary="Bầu, chỉ định chức vụ")
def create_position(request: HttpRequest, body: PositionIn):
    data = apiforms.form_data(body)
    today = timezone.localdate()
    person = access.get_person(request.user, body.person, today, Capability.WRITE)
    scope = access.scope(request.user, today)
    orgs = scope.filter(OrgVersion.objects.on(today), Capability.WRITE, "organization_id")
    form = forms.AppointForm(data, orgs=orgs.sorted_by_name())

    def action(data):
        if not access.can(request.user, data["organization"], data["on"], Capability.WRITE):
            raise ValidationError({"organization": "Ngoài phạm vi bạn được ghi vào ngày đó."})
        return operations.appoint(
            person=person,
            organization=data["organization"],
            role=data["role"],
            on=data["on"],
            term=data["term"],
            appointed=data["appointed"],
            government_post=data["government_post"],
            by=request.user,
        )

    position = apiforms.run(form, action)
    return Status(
        201, _position_out(position, NameBook([position.organization_id]), position.valid_from)
    )


AdmitIn = apiforms.schema_of(forms.AdmitForm, "AdmitIn")
RecognizeIn = apiforms.schema_of(forms.RecognizeForm, "RecognizeIn")
TransferIn = apiforms.schema_of(forms.TransferForm, "TransferIn")


def _writable(request, person_id: int):
    return access.get_person(request.user, person_id, timezone.localdate(), Capability.WRITE)


def _require_write(request, org, on: dt.date, field: str) -> None:
    if org is not None and not access.can(request.user, org, on, Capability.WRITE):
        raise ValidationError({field: "Tổ chức này nằm ngoài phạm vi bạn được ghi vào ngày đó."})


@people.post("/{person_id}/admit", response=PersonOut, summary="Kết nạp (như trang Kết nạp)")
def admit(request: HttpRequest, person_id: apiforms.PathId, body: AdmitIn):
    person = _writable(request, person_id)
    today = timezone.localdate()
    form = forms.AdmitForm(
        apiforms.form_data(body),
        person=person,
        cells=cells_in(access.scope(request.user, today), today, Capability.WRITE),
    )

    def action(data):
        _require_write(request, data["cell"], data["ceremony_date"], "cell")
        return operations.admit(
            person=person,
            cell=data["cell"],
            decision_date=data["decision_date"],
            ceremony_date=data["ceremony_date"],
            decision_no=data["decision_no"],
            by=request.user,
        )

    apiforms.run(form, action)
    person.refresh_from_db()
    return _person_out(request, person, today)


@people.post("/{person_id}/recognize", response=PersonOut, summary="Công nhận đảng viên chính thức")
def recognize(request: HttpRequest, person_id: apiforms.PathId, body: RecognizeIn):
    person = _writable(request, person_id)
    form = forms.RecognizeForm(apiforms.form_data(body))
    apiforms.run(
        form,
        lambda data: operations.recognize(
            person=person,
            decided_on=data["decided_on"],
            decision_no=data["decision_no"],
            by=request.user,
        ),
    )
    person.party.refresh_from_db()
    return _person_out(request, person, timezone.localdate())


@people.post("/{person_id}/transfer", response=PersonOut, summary="Chuyển sinh hoạt đảng")
def transfer(request: HttpRequest, person_id: apiforms.PathId, body: TransferIn):
    person = _writable(request, person_id)
    today = timezone.localdate()
    cells = [
        v
        for v in OrgVersion.objects.on(today).sorted_by_name()
        if v.kind in {"grassroots_cell", "subordinate_cell"}
    ]
    form = forms.TransferForm(apiforms.form_data(body), cells=cells)

    def action(data):
        home = person.memberships.filter(valid_on(data["on"]), kind="official").first()
        _require_write(request, home.cell if home else None, data["on"], "on")
        until = data["until"] + dt.timedelta(days=1) if data["until"] else None  # last day given
        return operations.transfer(
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

    apiforms.run(form, action)
    return _person_out(request, person, today)


@people.put(
    "/{person_id}",
    response=PersonOut,
    summary='Sửa thông tin cá nhân (trường không gửi giữ nguyên; gửi "" để xóa)',
)
def update_person(request: HttpRequest, person_id: apiforms.PathId, body: PersonUpdateIn):
    person = _writable(request, person_id)
    # Like the page: the form starts from what is stored, so a field left out keeps its value
    # (the phone, which the answer does not carry) and an unchanged birth date is not judged
    # again; only what the body sends changes.
    initial = forms.PersonForm.initial_of(person)
    stored = {
        name: value.isoformat() if isinstance(value, dt.date) else value
        for name, value in initial.items()
    }
    form = forms.PersonForm({**stored, **apiforms.form_data(body)}, initial=initial)
    apiforms.run(
        form,
        lambda data: operations.update_person(
            person=person, data=form.person_data(), by=request.user
        ),
    )
    person.refresh_from_db()
    return _person_out(request, person, timezone.localdate())


ExistingIn = apiforms.schema_of(forms.ExistingMemberForm, "ExistingMemberIn")


@people.post(
    "/{person_id}/existing", response=PersonOut, summary="Nhập hồ sơ đảng viên đang sinh hoạt"
)
def existing_member(request: HttpRequest, person_id: apiforms.PathId, body: ExistingIn):
    person = _writable(request, person_id)
    today = timezone.localdate()
    form = forms.ExistingMemberForm(
        apiforms.form_data(body),
        cells=cells_in(access.scope(request.user, today), today, Capability.WRITE),
    )

    def action(data):
        _require_write(request, data["cell"], data["since"], "cell")
        return operations.record_existing_member(
            person=person,
            cell=data["cell"],
            since=data["since"],
            decision_date=data["decision_date"],
            ceremony_date=data["ceremony_date"],
            official=data["official"],
            decision_no=data["decision_no"],
            by=request.user,
        )

    apiforms.run(form, action)
    person.refresh_from_db()
    return _person_out(request, person, today)


def _person_step(request, person_id: int, form_class, body, step) -> PersonOut:
    """A one-form step on a person (exempt, end, death…), like the page of the same name."""
    person = _writable(request, person_id)
    form = form_class(apiforms.form_data(body))
    apiforms.run(form, lambda data: step(person, data))
    person.refresh_from_db()
    return _person_out(request, person, timezone.localdate())


ExemptIn = apiforms.schema_of(forms.ExemptForm, "ExemptIn")
EndExemptionIn = apiforms.schema_of(forms.EndExemptionForm, "EndExemptionIn")
EndMembershipIn = apiforms.schema_of(forms.EndMembershipForm, "EndMembershipIn")
DeathIn = apiforms.schema_of(forms.DeathForm, "DeathIn")
PoliceIn = apiforms.schema_of(forms.PoliceForm, "PoliceIn")
ReceiveIn = apiforms.schema_of(forms.ReceiveForm, "ReceiveIn")
EndPositionIn = apiforms.schema_of(forms.EndPositionForm, "EndPositionIn")


@people.post(
    "/{person_id}/exempt", response=PersonOut, summary="Miễn công tác và sinh hoạt đảng (R-MEM-11)"
)
def exempt(request: HttpRequest, person_id: apiforms.PathId, body: ExemptIn):
    return _person_step(
        request,
        person_id,
        forms.ExemptForm,
        body,
        lambda person, data: operations.exempt(
            person=person, on=data["on"], reason=data["reason"], by=request.user
        ),
    )


@people.post("/{person_id}/exempt/end", response=PersonOut, summary="Kết thúc miễn sinh hoạt")
def end_exemption(request: HttpRequest, person_id: apiforms.PathId, body: EndExemptionIn):
    return _person_step(
        request,
        person_id,
        forms.EndExemptionForm,
        body,
        lambda person, data: operations.end_exemption(
            person=person, on=data["on"], by=request.user
        ),
    )


@people.post("/{person_id}/end", response=PersonOut, summary="Xóa tên, khai trừ, cho ra khỏi Đảng")
def end_membership(request: HttpRequest, person_id: apiforms.PathId, body: EndMembershipIn):
    return _person_step(
        request,
        person_id,
        forms.EndMembershipForm,
        body,
        lambda person, data: operations.end_party_membership(
            person=person,
            on=data["on"],
            reason=data["reason"],
            decision_no=data["decision_no"],
            by=request.user,
        ),
    )


@people.post("/{person_id}/death", response=PersonOut, summary="Ghi nhận từ trần")
def death(request: HttpRequest, person_id: apiforms.PathId, body: DeathIn):
    return _person_step(
        request,
        person_id,
        forms.DeathForm,
        body,
        lambda person, data: operations.record_death(person=person, on=data["on"], by=request.user),
    )


@people.post("/{person_id}/police", response=PersonOut, summary="Công tác Công an, cấp bậc hàm")
def police(request: HttpRequest, person_id: apiforms.PathId, body: PoliceIn):
    person = _writable(request, person_id)
    today = timezone.localdate()
    form = forms.PoliceForm(
        apiforms.form_data(body),
        cells=cells_in(access.scope(request.user, today), today, Capability.WRITE),
    )

    def action(data):
        _require_write(request, data["cell"], data["on"], "cell")
        return operations.set_police_service(
            person=person,
            on=data["on"],
            cell=data["cell"],
            position=data["position"] or None,
            rank=data["rank"],
            by=request.user,
        )

    apiforms.run(form, action)
    return _person_out(request, person, today)


@positions.post("/{position_id}/end", response=PositionOut, summary="Thôi giữ chức vụ")
def end_position(request: HttpRequest, position_id: apiforms.PathId, body: EndPositionIn):
    position = (
        Position.objects.select_related("person", "organization").filter(pk=position_id).first()
    )
    today = timezone.localdate()
    day = min(today, position.last_day or today) if position else today
    if position is None or not access.can(request.user, position.organization, day):
        raise Http404
    if not access.can(request.user, position.organization, day, Capability.WRITE):
        raise PermissionDenied
    form = forms.EndPositionForm(apiforms.form_data(body))

    def action(data):
        _require_write(request, position.organization, data["on"], "on")
        return operations.end_position(position=position, on=data["on"], by=request.user)

    apiforms.run(form, action)
    position.refresh_from_db()
    return _position_out(position, NameBook([position.organization_id]), position.valid_from)


class TransferOut(Schema):
    id: int
    person: int
    from_cell: int | None
    to_cell: int | None
    sent_on: dt.date
    received_on: dt.date | None


@transfers.post(
    "/{transfer_id}/receive", response=TransferOut, summary="Tiếp nhận sinh hoạt đảng (R-MEM-09)"
)
def receive(request: HttpRequest, transfer_id: apiforms.PathId, body: ReceiveIn):
    move = Transfer.objects.select_related("person", "to_cell").filter(pk=transfer_id).first()
    today = timezone.localdate()
    if move is None or move.to_cell is None or not access.can(request.user, move.to_cell, today):
        raise Http404
    if not access.can(request.user, move.to_cell, today, Capability.WRITE):
        raise PermissionDenied
    form = forms.ReceiveForm(apiforms.form_data(body))
    apiforms.run(
        form, lambda data: operations.receive(transfer=move, on=data["on"], by=request.user)
    )
    move.refresh_from_db()
    return TransferOut(
        id=move.pk,
        person=move.person_id,
        from_cell=move.from_cell_id,
        to_cell=move.to_cell_id,
        sent_on=move.sent_on,
        received_on=move.received_on,
    )


congresses = Router(tags=["congresses"])


class TermOut(Schema):
    id: int
    organization: int
    label: str
    policy: str
    policy_label: str
    congress_on: dt.date | None
    valid_from: dt.date
    valid_to: dt.date | None
    ends_on: dt.date | None
    due_on: dt.date
    decision: str


CongressIn = apiforms.schema_of(
    forms.CongressForm,
    "CongressIn",
    extra={"organization": (apiforms.Id, Field(..., title="Chi bộ"))},
)


def _term_out(term) -> TermOut:
    return TermOut(
        id=term.pk,
        organization=term.organization_id,
        label=term.label,
        policy=term.policy,
        policy_label=term.get_policy_display(),
        congress_on=term.congress_on,
        valid_from=term.valid_from,
        valid_to=term.valid_to,
        ends_on=term.ends_on,
        due_on=term.due_on,
        decision=term.decision,
    )


@congresses.get("", response=list[TermOut], summary="Nhiệm kỳ, đại hội của một chi bộ")
def list_terms(request: HttpRequest, org: str = "", as_of: str = ""):
    on = params.as_of({"as_of": as_of})
    org_id = params.optional_int({"org": org}, "org", "tổ chức")
    if org_id is None:
        raise InvalidParam("Hãy chọn tổ chức (tham số org).")
    cell = access.get_org(request.user, org_id, on)
    return [_term_out(t) for t in cell.terms.order_by("valid_from")]


@congresses.post("", response={201: TermOut}, summary="Ghi đại hội chi bộ (như trang Ghi đại hội)")
def record_congress(request: HttpRequest, body: CongressIn):
    from chibo.members.views import congress_of, congress_people

    today = timezone.localdate()
    cell = access.get_org(request.user, body.organization, today, Capability.WRITE)
    form = forms.CongressForm(apiforms.form_data(body), people=congress_people(cell))

    def action(data):
        _require_write(request, cell, data["starts_on"], "starts_on")
        return operations.record_congress(
            organization=cell, congress=congress_of(data), by=request.user
        )

    return Status(201, _term_out(apiforms.run(form, action)))


MemberAccountIn = apiforms.schema_of(forms.MemberAccountForm, "MemberAccountIn")


class MemberAccountOut(Schema):
    person: int
    user: int
    username: str
    password_link: str = Field(
        ..., description="Đường dẫn dùng một lần để đảng viên tự đặt mật khẩu; chỉ trả về lúc tạo."
    )


@people.post(
    "/{person_id}/account",
    response={201: MemberAccountOut},
    summary="Tạo tài khoản đảng viên (như trang Tạo tài khoản đảng viên)",
)
def create_account(request: HttpRequest, person_id: apiforms.PathId, body: MemberAccountIn):
    today = timezone.localdate()
    person = access.get_person(request.user, person_id, today, Capability.WRITE)
    form = forms.MemberAccountForm(apiforms.form_data(body))

    def action(data):
        return operations.create_member_account(
            person=person, username=data["username"], on=today, by=request.user
        )

    account = apiforms.run(form, action)
    path = account_operations.password_link(user=account.user, by=request.user)
    return Status(
        201,
        MemberAccountOut(
            person=person.pk,
            user=account.user_id,
            username=account.user.username,
            password_link=path,
        ),
    )
