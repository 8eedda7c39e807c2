"""Workflows of party life, police service and leadership; each one transaction.

Every function is keyword-only, validates before it writes and raises ``ValidationError``
with a Vietnamese message keyed by form field where one applies. Intervals follow
``chibo.lib.validity``.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from chibo import audit
from chibo.lib import cccd as cccd_lib
from chibo.lib import vndates, vntext
from chibo.lib.forms import Caution
from chibo.lib.validity import valid_on
from chibo.lib.vndates import format_date
from chibo.members.models import (
    EndReason,
    Exemption,
    MemberAccount,
    Membership,
    MembershipKind,
    PartyRecord,
    Person,
    PoliceService,
    Position,
    RankHolding,
    Reason,
    Role,
    Status,
    Transfer,
)
from chibo.orgs.models import Kind, Organization, Term, TermPolicy


def _close(rows, on: dt.date, **fields) -> None:
    """End rows at ``on``; a row that would end on its first day never held, so it goes."""
    for row in rows:
        if row.valid_from >= on:
            row.delete()
            continue
        row.valid_to = on
        for name, value in fields.items():
            setattr(row, name, value)
        row.save()


def _cell_on(cell: Organization, on: dt.date, field: str) -> None:
    version = cell.version_on(on)
    if version is None or not Kind(version.kind).is_cell:
        raise ValidationError(
            {field: f"Chi bộ được chọn không hoạt động vào ngày {format_date(on)}."}
        )


def _successor_from(cell: Organization, end: dt.date, field: str) -> Organization:
    """The one organization ``cell`` continues as from ``end``, its last day + 1 (a merge).

    A split or a dissolution names no single continuation: the person's later cell cannot be
    guessed, so the entry is refused with the choices (issue 12, "no member is ever lost").
    """
    successors = list(
        Organization.objects.filter(
            predecessor_links__predecessor=cell, predecessor_links__event__on=end
        ).distinct()
    )
    if len(successors) != 1:
        names = ", ".join(str(s) for s in successors) or "không có tổ chức kế thừa"
        raise ValidationError(
            {
                field: f"{cell} đã kết thúc từ ngày {format_date(end)} ({names}); không thể "
                "ghi sinh hoạt kéo dài qua ngày đó. Hãy ghi đến trước ngày kết thúc rồi chuyển "
                "sinh hoạt, hoặc ghi vào tổ chức kế thừa."
            }
        )
    return successors[0]


def continuing(cell: Organization, on: dt.date, field: str = "cell") -> Organization:
    """``cell`` itself if it exists on ``on``; else, if it ended before ``on`` by a merge,
    the organization it continues as on ``on`` (through several merges: Hiệp Thuận → Quế Tân
    in 2024 → Hiệp Đức on 1/7/2025, R-GEO-02, R-GEO-03)."""
    seen = set()
    while cell.version_on(on) is None and cell.pk not in seen:
        seen.add(cell.pk)
        end = cell.lifetime()[1]
        if end is None or end > on:
            break  # not yet born on ``on``: the caller's check names the problem
        cell = _successor_from(cell, end, field)
    return cell


def _carry_forward(row, field: str = "cell") -> None:
    """A membership or police post that starts in ``row.cell`` and runs past the cell's end
    (an entry back-dated before a merge) continues in the successor from the merge day, as
    ``follow_reorganization`` did for the people present on that day (R-GEO-03, issue 12)."""
    while True:
        end = row.cell.lifetime()[1]
        if end is None or (row.valid_to is not None and row.valid_to <= end):
            return
        successor = _successor_from(row.cell, end, field)
        until, reason_out = row.valid_to, getattr(row, "reason_out", "")
        row.valid_to = end
        if isinstance(row, Membership):
            row.reason_out = Reason.REORGANIZATION
        row.save()
        row.pk = None
        row._state.adding = True
        row.cell = successor
        row.valid_from, row.valid_to = end, until
        row.reason_in = Reason.REORGANIZATION
        if isinstance(row, Membership):
            row.reason_out = reason_out if until else ""
        row.save()


def _fold_continuations(current, later: list) -> bool:
    """``later`` rows that only continue ``current`` through reorganizations (made by
    ``_carry_forward`` or ``follow_reorganization``) are folded back into it, so a change
    back-dated before a merge can close ``current`` itself. False, and nothing changed, if
    any later row is a real change (a transfer, a new post)."""
    previous = current
    for row in later:
        if (
            row.reason_in != Reason.REORGANIZATION
            or row.valid_from != previous.valid_to
            or getattr(row, "kind", None) != getattr(current, "kind", None)
        ):
            return False
        previous = row
    if not later:
        return True
    current.valid_to = previous.valid_to
    if isinstance(current, Membership):
        current.reason_out = previous.reason_out
    for row in later:
        row.delete()
    current.save()
    return True


def _end_with_organization(position: Position) -> None:
    """Posts end with their organization: a successor elects its own leadership."""
    end = position.organization.lifetime()[1]
    if end is not None and (position.valid_to is None or position.valid_to > end):
        position.valid_to = end
        position.save(update_fields=["valid_to"])


@dataclass
class PersonData:
    ho: str
    ten_dem: str
    ten: str
    gender: str
    birth_date: dt.date | None = None
    ethnicity: str = "Kinh"
    home_town: str = ""
    cccd: str | None = None
    phone: str = ""


def _fill(person: Person, data: PersonData) -> None:
    person.set_name(data.ho, data.ten_dem, data.ten)
    person.gender = data.gender
    person.birth_date = data.birth_date
    person.ethnicity = vntext.nfc(data.ethnicity)
    person.home_town = vntext.nfc(data.home_town)
    person.cccd = cccd_lib.normalize(data.cccd) if data.cccd else None
    person.phone = vntext.nfc(data.phone)


def _save_person(person: Person) -> None:
    if person.cccd and Person.objects.filter(cccd=person.cccd).exclude(pk=person.pk).exists():
        raise ValidationError({"cccd": "Số CCCD này đã có trong hệ thống."})
    person.full_clean(exclude=["registered_by", "cccd"])
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        raise ValidationError({"cccd": "Số CCCD này đã có trong hệ thống."}) from None


@audit.operation("Thêm người")
@transaction.atomic
def add_person(*, data: PersonData, registered_by: Organization, by) -> Person:
    """Record a person (not yet a party member, or before their history is entered)."""
    person = Person(registered_by=registered_by)
    _fill(person, data)
    _save_person(person)
    return person


@dataclass
class Police:
    cell: Organization
    position: str
    rank: int | None
    since: dt.date


@audit.operation("Thêm người")
@transaction.atomic
def register_person(
    *, data: PersonData, registered_by: Organization, police: Police | None = None, by
) -> Person:
    """Thêm người, and when they are a regular officer, their post from ``police.since``."""
    person = add_person(data=data, registered_by=registered_by, by=by)
    if police is not None:
        set_police_service(
            person=person,
            on=police.since,
            cell=police.cell,
            position=police.position,
            rank=police.rank,
            by=by,
        )
    return person


@audit.operation("Sửa thông tin người")
@transaction.atomic
def update_person(*, person: Person, data: PersonData, by) -> Person:
    _fill(person, data)
    _save_person(person)
    return person


def admission_warnings(
    person: Person, decision_date: dt.date, ceremony_date: dt.date
) -> list[Caution]:
    """Facts that need a confirmation, not a refusal (R-MEM-01, R-MEM-03); codes
    ``admission_age`` and ``ceremony_late``."""
    warnings = []
    if person.birth_date:
        months = vndates.months_between(person.birth_date, decision_date)
        if months < 18 * 12 or months > 60 * 12:
            warnings.append(
                Caution(
                    "admission_age",
                    f"Tuổi khi kết nạp là {months // 12} tuổi {months % 12} tháng, ngoài khoảng "
                    "18–60 tuổi (R-MEM-01); trên 60 tuổi phải do cấp ủy cấp tỉnh quyết định.",
                )
            )
    from chibo.rules.models import working_calendar  # policy data, as RuleSet is read

    deadline = working_calendar().add_working_days(decision_date, 30)
    if ceremony_date > deadline:
        warnings.append(
            Caution(
                "ceremony_late",
                "Lễ kết nạp sau hạn 30 ngày làm việc kể từ quyết định "
                f"(hạn đến hết ngày {format_date(deadline)}; R-MEM-03); cần có ý kiến của cấp ủy cấp trên "
                "trực tiếp.",
            )
        )
    return warnings


CELL_ROLES = {Role.SECRETARY, Role.DEPUTY, Role.CELL_COMMITTEE}


def _new_record(
    person: Person, decision_date: dt.date, ceremony_date: dt.date, decision_no: str
) -> PartyRecord:
    if hasattr(person, "party"):
        raise ValidationError(
            "Người này đã có hồ sơ đảng viên. Kết nạp lại chưa được hỗ trợ; người bỏ sinh "
            "hoạt đảng thì không được kết nạp lại (R-MEM-14)."
        )
    if ceremony_date < decision_date:
        raise ValidationError(
            {"ceremony_date": "Lễ kết nạp không thể trước ngày quyết định kết nạp."}
        )
    return PartyRecord.objects.create(
        person=person,
        decision_date=decision_date,
        decision_no=vntext.nfc(decision_no),
        ceremony_date=ceremony_date,
    )


@audit.operation("Kết nạp đảng viên")
@transaction.atomic
def admit(
    *,
    person: Person,
    cell: Organization,
    decision_date: dt.date,
    ceremony_date: dt.date,
    decision_no: str = "",
    by,
) -> PartyRecord:
    """Kết nạp: the decision, the ceremony, and party activity in ``cell`` from the ceremony."""
    _cell_on(cell, ceremony_date, "cell")
    record = _new_record(person, decision_date, ceremony_date, decision_no)
    membership = Membership.objects.create(
        person=person,
        cell=cell,
        kind=MembershipKind.OFFICIAL,
        valid_from=ceremony_date,
        reason_in=Reason.ADMISSION,
    )
    _carry_forward(membership)
    return record


@audit.operation("Ghi đảng viên đã có")
@transaction.atomic
def record_existing_member(
    *,
    person: Person,
    cell: Organization,
    since: dt.date,
    decision_date: dt.date,
    ceremony_date: dt.date,
    official: bool,
    decision_no: str = "",
    by,
) -> PartyRecord:
    """Enter a member admitted before the system was used, active in ``cell`` from ``since``.

    ``official`` records recognition at the end of probation (R-MEM-06).
    """
    if since < ceremony_date:
        raise ValidationError({"since": "Ngày bắt đầu sinh hoạt không thể trước lễ kết nạp."})
    _cell_on(cell, since, "cell")
    record = _new_record(person, decision_date, ceremony_date, decision_no)
    if official:
        record.official_date = record.probation_end
        record.save(update_fields=["official_date"])
    membership = Membership.objects.create(
        person=person,
        cell=cell,
        kind=MembershipKind.OFFICIAL,
        valid_from=since,
        reason_in=Reason.INITIAL,
    )
    _carry_forward(membership)
    return record


@audit.operation("Công nhận đảng viên chính thức")
@transaction.atomic
def recognize(*, person: Person, decided_on: dt.date, decision_no: str = "", by) -> PartyRecord:
    """Chuyển chính thức: official from the end of probation, whenever decided (R-MEM-06)."""
    record = getattr(person, "party", None)
    if record is None or record.ended_on is not None:
        raise ValidationError("Người này không phải đảng viên dự bị.")
    if record.official_date is not None:
        raise ValidationError(
            f"Đảng viên đã được công nhận chính thức từ ngày {format_date(record.official_date)}."
        )
    if decided_on < record.probation_end:
        raise ValidationError(
            {
                "decided_on": "Chưa hết 12 tháng dự bị (đến ngày "
                f"{format_date(record.probation_end)}, R-MEM-04); "
                "chưa thể xét công nhận chính thức."
            }
        )
    record.official_date = record.probation_end
    record.recognition_decided_on = decided_on
    record.recognition_decision_no = vntext.nfc(decision_no)
    record.save()
    return record


def _membership_on(person: Person, on: dt.date, kind: str, field: str) -> Membership:
    membership = person.memberships.filter(valid_on(on), kind=kind).first()
    if membership is None:
        label = "chính thức" if kind == MembershipKind.OFFICIAL else "tạm thời"
        raise ValidationError(
            {field: f"Vào ngày {format_date(on)} người này không sinh hoạt {label} ở chi bộ nào."}
        )
    return membership


@audit.operation("Chuyển sinh hoạt đảng")
@transaction.atomic
def transfer(
    *,
    person: Person,
    kind: str,
    on: dt.date,
    to_cell: Organization | None = None,
    to_outside: str = "",
    until: dt.date | None = None,
    received_on: dt.date | None = None,
    reason: str = "",
    by,
) -> Transfer:
    """Chuyển sinh hoạt (R-MEM-09 official, R-MEM-10 temporary), sending side.

    Official: activity in the home cell ends on ``on``. Temporary: the member stays in the
    home cell's đảng số and is active, outside it, in ``to_cell`` until ``until``.
    If ``received_on`` is given, the receiving side is recorded at once.
    """
    record = getattr(person, "party", None)
    if record is None or record.status_on(on) in {Status.NOT_MEMBER, Status.ENDED}:
        raise ValidationError({"on": f"Vào ngày {format_date(on)} người này không phải đảng viên."})
    home = _membership_on(person, on, MembershipKind.OFFICIAL, "on")
    later = list(person.memberships.filter(valid_from__gt=on).order_by("valid_from"))
    folded = _fold_continuations(home, later)
    if not folded or person.transfers.filter(sent_on__gt=on).exists() or home.valid_to:
        raise ValidationError(
            {
                "on": "Đã có sinh hoạt hoặc chuyển sinh hoạt được ghi sau ngày này; chỉ chuyển "
                "được từ nơi đảng viên đang sinh hoạt."
            }
        )
    if to_cell is not None:
        _cell_on(to_cell, on, "to_cell")
    if to_cell is None and not vntext.nfc(to_outside):
        raise ValidationError({"to_cell": "Hãy chọn chi bộ nhận hoặc ghi nơi nhận."})
    if to_cell is not None and to_cell.pk == home.cell_id:
        raise ValidationError(
            {"to_cell": "Chi bộ nhận trùng với chi bộ đang sinh hoạt; không thể chuyển."}
        )
    if kind == MembershipKind.TEMPORARY:
        if to_cell is None:
            raise ValidationError({"to_cell": "Sinh hoạt tạm thời phải chọn chi bộ nhận."})
        if until is None or until <= on:
            raise ValidationError(
                {"until": "Hãy ghi thời hạn sinh hoạt tạm thời (sau ngày chuyển)."}
            )
    elif kind != MembershipKind.OFFICIAL:
        raise ValidationError({"kind": "Hình thức chuyển sinh hoạt không hợp lệ."})
    if kind == MembershipKind.OFFICIAL:
        _close([home], on, reason_out=Reason.TRANSFER)
        # Posts in the cell left behind end with the membership (R-ORG-04 counts).
        _close(person.positions.filter(valid_on(on), organization_id=home.cell_id), on)
    move = Transfer.objects.create(
        person=person,
        kind=kind,
        from_cell_id=home.cell_id,
        to_cell=to_cell,
        to_outside=vntext.nfc(to_outside),
        sent_on=on,
        until=until,
        reason=vntext.nfc(reason),
        created_by=by,
    )
    if received_on is not None and to_cell is not None:
        receive(transfer=move, on=received_on, by=by)
    return move


@audit.operation("Tiếp nhận sinh hoạt đảng")
@transaction.atomic
def receive(*, transfer: Transfer, on: dt.date, by) -> Membership:
    """The receiving cell records the day the member presented the letter."""
    if not transfer.is_pending:
        raise ValidationError(
            "Việc chuyển sinh hoạt này đã được tiếp nhận hoặc không có chi bộ nhận."
        )
    if on < transfer.sent_on:
        raise ValidationError({"on": "Ngày tiếp nhận không thể trước ngày chuyển đi."})
    record = getattr(transfer.person, "party", None)
    if record is None or record.status_on(on) in {Status.NOT_MEMBER, Status.ENDED}:
        raise ValidationError(
            {"on": f"Vào ngày {format_date(on)} người này không còn là đảng viên."}
        )
    if transfer.until is not None and on >= transfer.until:
        raise ValidationError({"on": "Ngày tiếp nhận đã quá thời hạn sinh hoạt tạm thời."})
    # A receiving cell merged away while the member was in transit: its successor receives.
    cell = continuing(transfer.to_cell, on, "on")
    _cell_on(cell, on, "on")
    transfer.received_on = on
    transfer.save(update_fields=["received_on"])
    membership = Membership.objects.create(
        person=transfer.person,
        cell=cell,
        kind=transfer.kind,
        valid_from=on,
        valid_to=transfer.until,
        reason_in=Reason.TRANSFER,
        reason_out=Reason.TEMPORARY_END if transfer.until else "",
    )
    _carry_forward(membership, "on")
    return membership


@audit.operation("Miễn sinh hoạt đảng")
@transaction.atomic
def exempt(*, person: Person, on: dt.date, reason: str, by) -> Exemption:
    """Miễn công tác và sinh hoạt đảng (R-MEM-11), decided by the cell."""
    record = getattr(person, "party", None)
    if record is None or record.status_on(on) in {Status.NOT_MEMBER, Status.ENDED}:
        raise ValidationError({"on": f"Vào ngày {format_date(on)} người này không phải đảng viên."})
    if person.exemptions.filter(valid_on(on)).exists():
        raise ValidationError({"on": "Đảng viên đang được miễn sinh hoạt vào ngày này."})
    reason = vntext.nfc(reason)
    if not reason:
        raise ValidationError({"reason": "Hãy ghi lý do miễn sinh hoạt."})
    return Exemption.objects.create(person=person, valid_from=on, reason=reason)


@audit.operation("Kết thúc miễn sinh hoạt")
@transaction.atomic
def end_exemption(*, person: Person, on: dt.date, by) -> Exemption:
    current = person.exemptions.filter(valid_on(on)).first()
    if current is None:
        raise ValidationError({"on": "Vào ngày này đảng viên không được miễn sinh hoạt."})
    _close([current], on)
    return current


@audit.operation("Ra khỏi Đảng")
@transaction.atomic
def end_party_membership(
    *, person: Person, on: dt.date, reason: str, decision_no: str = "", by
) -> PartyRecord:
    """Xóa tên, khai trừ, cho ra khỏi Đảng, từ trần (R-MEM-12..14)."""
    if reason not in EndReason.values:
        raise ValidationError({"reason": "Lý do không hợp lệ."})
    record = getattr(person, "party", None)
    if record is None or record.status_on(on) in {Status.NOT_MEMBER, Status.ENDED}:
        raise ValidationError({"on": f"Vào ngày {format_date(on)} người này không phải đảng viên."})
    current = person.memberships.filter(valid_on(on), kind=MembershipKind.OFFICIAL).first()
    later = list(person.memberships.filter(valid_from__gt=on).order_by("valid_from"))
    if later and (current is None or not _fold_continuations(current, later)):
        raise ValidationError(
            {"on": "Có sinh hoạt đảng được ghi sau ngày này; hãy kiểm tra lại ngày."}
        )

    out = Reason.DEATH if reason == EndReason.DIED else Reason.PARTY_END
    _close(person.memberships.filter(valid_on(on)), on, reason_out=out)
    _close(person.positions.filter(valid_on(on)), on)
    _close(person.exemptions.filter(valid_on(on)), on)
    record.ended_on = on
    record.end_reason = reason
    record.end_decision_no = vntext.nfc(decision_no)
    record.save()
    return record


@audit.operation("Ghi nhận từ trần")
@transaction.atomic
def record_death(*, person: Person, on: dt.date, by) -> None:
    """Từ trần: ends party membership (if any), posts and police service."""
    record = getattr(person, "party", None)
    if record is not None and record.status_on(on) not in {Status.NOT_MEMBER, Status.ENDED}:
        end_party_membership(person=person, on=on, reason=EndReason.DIED, by=by)
    service = person.police_service.filter(valid_on(on)).first()
    if service is not None:  # a death back-dated before a merge ends the post it held then
        _fold_continuations(
            service, list(person.police_service.filter(valid_from__gt=on).order_by("valid_from"))
        )
    _close(person.police_service.filter(valid_on(on)), on)
    _close(person.ranks.filter(valid_on(on)), on)
    _close(person.positions.filter(valid_on(on)), on)


@audit.operation("Bổ nhiệm chức vụ đảng")
@transaction.atomic
def appoint(
    *,
    person: Person,
    organization: Organization,
    role: str,
    on: dt.date,
    term: str = "",
    appointed: bool = False,
    government_post: str = "",
    by,
) -> Position:
    """Bầu hoặc chỉ định một chức vụ đảng (R-ORG-04, R-ORG-05)."""
    version = organization.version_on(on)
    if version is None:
        raise ValidationError({"on": f"Tổ chức không hoạt động vào ngày {format_date(on)}."})
    if person.positions.filter(valid_on(on), organization=organization, role=role).exists():
        raise ValidationError({"role": "Người này đang giữ chức vụ này vào ngày đó."})
    is_cell = Kind(version.kind).is_cell
    if is_cell and role not in CELL_ROLES:
        raise ValidationError({"role": "Chức vụ này không có ở chi bộ (R-ORG-04)."})
    if not is_cell and role == Role.CELL_COMMITTEE:
        raise ValidationError({"role": "Chi ủy viên chỉ có ở chi bộ."})
    if (
        role == Role.SECRETARY
        and Position.objects.filter(
            valid_on(on), organization=organization, role=Role.SECRETARY
        ).exists()
    ):
        raise ValidationError(
            {"role": "Tổ chức đã có Bí thư vào ngày này; hãy ghi thôi giữ chức vụ trước."}
        )
    if is_cell:
        counted = Membership.objects.counted_on(on).filter(person=person, cell=organization)
        if not counted.exists():
            message = "Chức vụ trong chi bộ phải là đảng viên sinh hoạt chính thức ở chi bộ đó."
            raise ValidationError({"person": message})
    position = Position.objects.create(
        person=person,
        organization=organization,
        role=role,
        valid_from=on,
        term=vntext.nfc(term),
        appointed=appointed,
        government_post=vntext.nfc(government_post),
    )
    _end_with_organization(position)
    return position


@dataclass
class Congress:
    """What a cell's congress decided (R-ORG-04, R-ORG-06): the term and who was elected."""

    congress_on: dt.date
    starts_on: dt.date
    label: str
    policy: str
    secretary: Person
    ends_on: dt.date | None = None
    deputy: Person | None = None
    committee: tuple[Person, ...] = ()
    decision: str = ""


@audit.operation("Ghi đại hội chi bộ")
@transaction.atomic
def record_congress(*, organization: Organization, congress: Congress, by) -> Term:
    """Đại hội chi bộ: close the current term, open the new one under its own policy
    (R-ORG-06), end the outgoing leadership and record the elected Bí thư, Phó Bí thư and
    chi ủy viên as positions through ``appoint`` (R-ORG-04)."""
    c = congress
    version = organization.version_on(c.starts_on)
    if version is None or not Kind(version.kind).is_cell:
        raise ValidationError(
            {"starts_on": f"Chi bộ không hoạt động vào ngày {format_date(c.starts_on)}."}
        )
    if c.congress_on > c.starts_on:
        raise ValidationError({"starts_on": "Nhiệm kỳ bắt đầu từ ngày đại hội hoặc sau đó."})
    if c.ends_on is not None and c.ends_on <= c.starts_on:
        raise ValidationError({"ends_on": "Nhiệm kỳ phải kết thúc sau ngày bắt đầu."})
    if c.policy not in TermPolicy.values:
        raise ValidationError({"policy": "Chế độ đại hội không hợp lệ."})
    label = vntext.nfc(c.label)
    if not label:
        raise ValidationError({"label": "Hãy ghi tên nhiệm kỳ, ví dụ 2025–2030."})
    terms = organization.terms.all()
    if terms.filter(valid_from__gte=c.starts_on).exists():
        raise ValidationError(
            {"starts_on": "Đã có nhiệm kỳ bắt đầu từ ngày này hoặc sau; hãy kiểm tra lại ngày."}
        )
    people = [c.secretary, *([c.deputy] if c.deputy else []), *c.committee]
    if len({p.pk for p in people}) != len(people):
        raise ValidationError(
            {"committee": "Mỗi người chỉ ghi một lần: Bí thư, Phó Bí thư đã là chi ủy viên."}
        )
    from chibo.rules.models import RuleSet  # policy data by date, read by every layer

    limit = RuleSet.on(c.starts_on).committee_max
    if c.committee and len(people) > limit:
        raise ValidationError(
            {"committee": f"Chi ủy có {len(people)} người, quá {limit} (R-ORG-04)."}
        )
    for term in terms.filter(valid_on(c.starts_on)):
        term.valid_to = c.starts_on
        term.save(update_fields=["valid_to"])
    term = Term.objects.create(
        organization=organization,
        label=label,
        policy=c.policy,
        congress_on=c.congress_on,
        valid_from=c.starts_on,
        ends_on=c.ends_on,
        decision=vntext.nfc(c.decision),
    )
    # The outgoing leadership's mandate ends with its term.
    _close(
        Position.objects.filter(
            valid_on(c.starts_on), organization=organization, role__in=CELL_ROLES
        ),
        c.starts_on,
    )
    elected = [(c.secretary, Role.SECRETARY)]
    if c.deputy is not None:
        elected.append((c.deputy, Role.DEPUTY))
    if c.committee:  # a chi ủy: the Bí thư and Phó Bí thư sit on it too (R-ORG-04)
        elected += [(p, Role.CELL_COMMITTEE) for p in (*people[: len(elected)], *c.committee)]
    for person, role in elected:
        try:
            appoint(
                person=person,
                organization=organization,
                role=role,
                on=c.starts_on,
                term=label,
                by=by,
            )
        except ValidationError as error:
            field = {Role.SECRETARY: "secretary", Role.DEPUTY: "deputy"}.get(role, "committee")
            messages = [f"{person.full_name}: {m}" for m in error.messages]
            raise ValidationError({field: messages}) from None
    return term


@audit.operation("Kết thúc chức vụ đảng")
@transaction.atomic
def end_position(*, position: Position, on: dt.date, by) -> Position:
    if not position.holds_on(on) or on == position.valid_from:
        raise ValidationError({"on": "Ngày thôi giữ chức vụ phải nằm trong thời gian giữ chức vụ."})
    _close([position], on)
    return position


@audit.operation("Ghi chức vụ, cấp bậc Công an")
@transaction.atomic
def set_police_service(
    *,
    person: Person,
    on: dt.date,
    cell: Organization | None,
    position: str | None,
    rank: int | None,
    by,
) -> None:
    """From ``on``: post and unit (``cell`` None ends the service) and rank, if changed."""
    current = person.police_service.filter(valid_on(on)).first()
    later = list(person.police_service.filter(valid_from__gt=on).order_by("valid_from"))
    folded = not later or (current is not None and _fold_continuations(current, later))
    if not folded or (rank is not None and person.ranks.filter(valid_from__gt=on).exists()):
        raise ValidationError(
            {"on": "Đã có thay đổi công tác hoặc cấp bậc được ghi sau ngày này; hãy chọn ngày sau."}
        )
    if cell is not None:
        _cell_on(cell, on, "cell")
        if not cell.is_police:
            raise ValidationError({"cell": "Đơn vị phải là chi bộ Công an (R-POL-02)."})
        if current is None or current.cell_id != cell.pk or current.position != position:
            _close([current] if current else [], on)
            service = PoliceService.objects.create(
                person=person, cell=cell, position=position, valid_from=on
            )
            _carry_forward(service)
    elif current is not None:
        _close([current], on)
    held = person.ranks.filter(valid_on(on)).first()
    if rank is not None and (held is None or held.rank != rank):
        _close([held] if held else [], on)
        RankHolding.objects.create(person=person, rank=rank, valid_from=on)


@audit.operation("Chuyển sinh hoạt theo sắp xếp tổ chức")
@transaction.atomic
def follow_reorganization(*, sources, successor: Organization, on: dt.date) -> None:
    """After a merge, carry the cells' members and officers to the successor (R-GEO-03).

    Posts end: the successor elects or is given its own leadership. Rows already entered
    after the merge day in a source (a merge recorded late) move to the successor whole.
    """
    open_after = Q(valid_to__isnull=True) | Q(valid_to__gt=on)
    for membership in Membership.objects.filter(open_after, cell__in=sources):
        if membership.valid_from >= on:
            membership.cell = successor
            membership.save(update_fields=["cell"])
            continue
        until = membership.valid_to
        _close([membership], on, reason_out=Reason.REORGANIZATION)
        Membership.objects.create(
            person_id=membership.person_id,
            cell=successor,
            kind=membership.kind,
            valid_from=on,
            valid_to=until,
            reason_in=Reason.REORGANIZATION,
            reason_out=membership.reason_out if until else "",
        )
    for service in PoliceService.objects.filter(open_after, cell__in=sources):
        if service.valid_from >= on:
            service.cell = successor
            service.save(update_fields=["cell"])
            continue
        until = service.valid_to
        _close([service], on)
        PoliceService.objects.create(
            person_id=service.person_id,
            cell=successor,
            position=service.position,
            valid_from=on,
            valid_to=until,
            reason_in=Reason.REORGANIZATION,
        )
    _close(Position.objects.filter(valid_on(on), organization__in=sources), on)


@transaction.atomic
def follow_ended_cells() -> tuple[int, list[str]]:
    """Repair records entered before back-dated entries followed reorganizations: every
    membership or police post left open past its cell's end continues in the successor
    (``_carry_forward``). Returns how many were carried and, for rows whose cell ended
    without a single successor (split, dissolution), a message each to settle by hand."""
    from django.db.models import Count, Max

    from chibo.orgs.models import OrgVersion

    ended = {
        span["organization_id"]: span["end"]
        for span in OrgVersion.objects.values("organization_id")
        .annotate(end=Max("valid_to"), open=Count("pk", filter=Q(valid_to__isnull=True)))
        .filter(open=0)
    }
    carried, unsettled = 0, []
    for model in (Membership, PoliceService):
        for row in model.objects.filter(cell_id__in=ended).select_related("cell"):
            end = ended[row.cell_id]
            if row.valid_to is not None and row.valid_to <= end:
                continue
            try:
                with transaction.atomic():
                    _carry_forward(row)
            except ValidationError as error:
                unsettled.append(f"#{row.person_id}: {' '.join(error.messages)}")
            else:
                carried += 1
    return carried, unsettled


def ties_on(org: Organization, on: dt.date) -> int:
    """How many memberships, police posts and party posts are open at ``org`` on ``on``:
    an organization that still has them cannot simply end (dissolve, split)."""
    return sum(
        model.objects.filter(valid_on(on), **{field: org}).count()
        for model, field in (
            (Membership, "cell"),
            (PoliceService, "cell"),
            (Position, "organization"),
        )
    )


@audit.operation("Tạo tài khoản đảng viên")
@transaction.atomic
def create_member_account(*, person: Person, username: str, on: dt.date, by) -> MemberAccount:
    """A login for one party member (design §1, role ``member``; issue 15 item 4).

    The person must be a party member in a cell on ``on``; one account per person. The user
    gets no usable password: they set it through a one-time link the creator hands over
    (``chibo.accounts.operations.password_link``), so nobody else ever knows it. No grant is
    made: what the account reads follows the person's memberships, not an organization.
    """
    from chibo.accounts.models import User

    if MemberAccount.objects.filter(person=person).exists():
        raise ValidationError("Đảng viên này đã có tài khoản.")
    record = PartyRecord.objects.filter(person=person).first()
    if record is None or record.status_on(on) not in (Status.OFFICIAL, Status.PROBATIONARY):
        raise ValidationError(
            f"Người này không phải là đảng viên vào ngày {format_date(on)}; chỉ đảng viên "
            "mới có tài khoản đảng viên."
        )
    if not Membership.objects.on(on).filter(person=person).exists():
        raise ValidationError(
            f"Đảng viên này không sinh hoạt ở chi bộ nào vào ngày {format_date(on)}."
        )
    username = vntext.nfc(username.strip())
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "Tên đăng nhập này đã có người dùng."})
    user = User(username=username, full_name=person.full_name)
    user.set_unusable_password()
    user.full_clean()
    user.save()
    return MemberAccount.objects.create(person=person, user=user, created_by=by)
