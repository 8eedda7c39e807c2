"""``/api/v1/members``, ``/api/v1/people``, ``/api/v1/positions``: scoped like the pages;
writes validated by the pages' forms and done by the same operations."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status

from chibo.accounts import access
from chibo.accounts.access import Capability
from chibo.lib import apiforms, params
from chibo.lib.params import InvalidParam
from chibo.lib.validity import valid_on
from chibo.members import forms, operations
from chibo.members.models import Position
from chibo.members.roster import cells_in, labels, roster
from chibo.orgs.models import NameBook, OrgVersion

members = Router(tags=["members"])
people = Router(tags=["people"])
positions = Router(tags=["positions"])
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
    form, rows, cell_names = roster(request.user, on, query)
    if query and not form.is_valid():
        raise apiforms.FormInvalid(apiforms.errors_of(form))
    page = list(rows[offset : offset + limit])
    items = []
    for row in page:
        shown = labels(row)
        person, record = row.person, row.person.party
        items.append(
            MemberOut(
                person=person.pk,
                full_name=person.full_name,
                ho=person.ho,
                ten_dem=person.ten_dem,
                ten=person.ten,
                cell=row.cell_id,
                cell_name=cell_names.get(row.cell_id, ""),
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
    return MemberList(as_of=on, count=rows.count(), limit=limit, offset=offset, items=items)


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
    window = access.person_window(request.user, person, on)
    day = window.day(on)
    writable = window.full and access.can_person(request.user, person, on, Capability.WRITE)
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
def get_person(request: HttpRequest, person_id: int, as_of: str = ""):
    on = params.as_of({"as_of": as_of})
    return _person_out(request, access.get_person(request.user, person_id, on), on)


Value = str | int | bool | None


class PersonIn(Schema):
    """The fields of the page "Thêm người"; dates as dd/mm/yyyy or yyyy-mm-dd."""

    ho: Value = None
    ten_dem: Value = None
    ten: Value = None
    gender: Value = None
    birth_date: Value = None
    ethnicity: Value = None
    home_town: Value = None
    cccd: Value = None
    phone: Value = None
    registered_by: Value = None
    police_cell: Value = None
    police_position: Value = None
    rank: Value = None
    police_since: Value = None
    confirm_warnings: Value = None


class PositionIn(Schema):
    person: Value = None
    organization: Value = None
    role: Value = None
    on: Value = None
    term: Value = None
    appointed: Value = None
    government_post: Value = None


@people.post("", response={201: PersonOut}, summary="Thêm người (như trang Thêm người)")
def create_person(request: HttpRequest, body: PersonIn):
    payload = body.dict()
    on = timezone.localdate()
    scope = access.require_any(request.user, on, Capability.WRITE)
    versions = scope.filter(OrgVersion.objects.on(on), Capability.WRITE, "organization_id")
    versions = versions.sorted_by_name()
    form = forms.NewPersonForm(
        apiforms.payload_data(payload),
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
    payload = body.dict()
    data = apiforms.payload_data(payload)
    person_id = params.optional_int({"person": data.get("person", "")}, "person", "người")
    if person_id is None:
        raise apiforms.FormInvalid({"person": ["Trường này là bắt buộc."]})
    today = timezone.localdate()
    person = access.get_person(request.user, person_id, today, Capability.WRITE)
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


class AdmitIn(Schema):
    cell: Value = None
    decision_date: Value = None
    decision_no: Value = None
    ceremony_date: Value = None
    confirm_warnings: Value = None


class RecognizeIn(Schema):
    decided_on: Value = None
    decision_no: Value = None


class TransferIn(Schema):
    kind: Value = None
    on: Value = None
    to_cell: Value = None
    to_outside: Value = None
    until: Value = None
    received_on: Value = None
    reason: Value = None


def _writable(request, person_id: int):
    return access.get_person(request.user, person_id, timezone.localdate(), Capability.WRITE)


def _require_write(request, org, on: dt.date, field: str) -> None:
    if org is not None and not access.can(request.user, org, on, Capability.WRITE):
        raise ValidationError({field: "Tổ chức này nằm ngoài phạm vi bạn được ghi vào ngày đó."})


@people.post("/{person_id}/admit", response=PersonOut, summary="Kết nạp (như trang Kết nạp)")
def admit(request: HttpRequest, person_id: int, body: AdmitIn):
    person = _writable(request, person_id)
    today = timezone.localdate()
    form = forms.AdmitForm(
        apiforms.payload_data(body.dict()),
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
def recognize(request: HttpRequest, person_id: int, body: RecognizeIn):
    person = _writable(request, person_id)
    form = forms.RecognizeForm(apiforms.payload_data(body.dict()))
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
def transfer(request: HttpRequest, person_id: int, body: TransferIn):
    person = _writable(request, person_id)
    today = timezone.localdate()
    cells = [
        v
        for v in OrgVersion.objects.on(today).sorted_by_name()
        if v.kind in {"grassroots_cell", "subordinate_cell"}
    ]
    form = forms.TransferForm(apiforms.payload_data(body.dict()), cells=cells)

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


class CongressIn(Schema):
    organization: Value = None
    congress_on: Value = None
    starts_on: Value = None
    ends_on: Value = None
    label: Value = None
    policy: Value = None
    secretary: Value = None
    deputy: Value = None
    committee: Value = None
    decision: Value = None


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

    data = apiforms.payload_data(body.dict())
    org_id = params.optional_int(
        {"organization": data.get("organization", "")}, "organization", "chi bộ"
    )
    if org_id is None:
        raise apiforms.FormInvalid({"organization": ["Trường này là bắt buộc."]})
    today = timezone.localdate()
    cell = access.get_org(request.user, org_id, today, Capability.WRITE)
    form = forms.CongressForm(data, people=congress_people(cell))

    def action(data):
        _require_write(request, cell, data["starts_on"], "starts_on")
        return operations.record_congress(
            organization=cell, congress=congress_of(data), by=request.user
        )

    return Status(201, _term_out(apiforms.run(form, action)))
