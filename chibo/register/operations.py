"""Writes to the register, the advice records and the dissemination records: one transaction
each, audited."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from chibo import audit
from chibo.documents import numbering
from chibo.lib import vntext
from chibo.meetings.models import Meeting, Stage
from chibo.members.models import Membership, Person, member_on
from chibo.orgs.models import Kind, Organization, Relation
from chibo.register.models import (
    OWN_TYPES,
    REACHED,
    Advice,
    Direction,
    Dissemination,
    Document,
    Method,
    Outcome,
    Participation,
    Presence,
)


def _key(*parts: str) -> str:
    return vntext.search_key(" ".join(p for p in parts if p))


def _attach(document: Document, file) -> None:
    if file is not None:
        document.file_name = vntext.nfc(file.name)[:200]
        document.file.save(file.name, file, save=False)
        document.save(update_fields=["file", "file_name"])


def _cell_on(cell: Organization, on: dt.date, field: str = "issued_on"):
    version = cell.version_on(on)
    if version is None or not Kind(version.kind).is_cell:
        raise ValidationError({field: f"Chi bộ không hoạt động vào ngày {on:%d/%m/%Y}."})
    return version


@audit.operation("Ban hành văn bản của chi bộ")
@transaction.atomic
def issue(
    *,
    cell: Organization,
    doc_type: str,
    title: str,
    issued_on: dt.date,
    summary: str = "",
    meeting: Meeting | None = None,
    implements: Document | None = None,
    security: bool = False,
    file=None,
    by,
) -> Document:
    """Number and record a document of the cell: "Số 03-NQ/CB", from 01 for each type within
    the cell's term, never reset yearly (R-DOC-03, R-DOC-04). A resolution adopted at a
    meeting is dated the meeting's day."""
    version = _cell_on(cell, issued_on)
    if doc_type not in OWN_TYPES:
        raise ValidationError({"doc_type": "Chi bộ không ban hành loại văn bản này."})
    title = vntext.nfc(title).strip()
    if not title:
        raise ValidationError({"title": "Hãy ghi trích yếu."})
    if meeting is not None:
        if meeting.cell_id != cell.pk:
            raise ValidationError({"meeting": "Buổi sinh hoạt phải của cùng chi bộ."})
        if meeting.stage == Stage.PLANNED or meeting.date is None:
            raise ValidationError({"meeting": "Buổi sinh hoạt này chưa họp."})
        if meeting.date != issued_on:
            raise ValidationError(
                {
                    "issued_on": f"Văn bản thông qua tại buổi sinh hoạt ngày "
                    f"{meeting.date:%d/%m/%Y} phải mang ngày đó."
                }
            )
    if implements is not None and implements.issued_on > issued_on:
        raise ValidationError({"implements": "Văn bản được thực hiện ban hành sau văn bản này."})
    number = numbering.allocate(cell, doc_type, issued_on)
    document = Document.objects.create(
        direction=Direction.OWN,
        doc_type=doc_type,
        organization=cell,
        issued_number=number,
        number=number.code,
        issuer_name=version.name,
        title=title,
        summary=vntext.nfc(summary).strip(),
        issued_on=issued_on,
        security=security,
        meeting=meeting,
        implements=implements,
        search_key=_key(number.code, version.name, title, summary),
        created_by=by,
    )
    _attach(document, file)
    return document


@audit.operation("Vào sổ văn bản cấp trên")
@transaction.atomic
def receive(
    *,
    organization: Organization,
    doc_type: str,
    number: str,
    issuer_name: str,
    title: str,
    issued_on: dt.date,
    summary: str = "",
    security: bool = False,
    file=None,
    by,
) -> Document:
    """Record a higher body's document (NQ 12-NQ/TW, a directive, the commune committee's
    resolution) with the number it carries."""
    if organization.version_on(issued_on) is None:
        raise ValidationError(
            {"organization": f"Tổ chức không hoạt động vào ngày {issued_on:%d/%m/%Y}."}
        )
    number = "".join(vntext.nfc(number).split()).removeprefix("Số").removeprefix("số")
    title, issuer_name = vntext.nfc(title).strip(), vntext.nfc(issuer_name).strip()
    if not number or not title or not issuer_name:
        raise ValidationError("Hãy ghi số, ký hiệu, cơ quan ban hành và trích yếu.")
    if Document.objects.filter(organization=organization, number=number, issued_on=issued_on):
        raise ValidationError(
            {"number": f"Văn bản số {number} ngày {issued_on:%d/%m/%Y} đã có trong sổ."}
        )
    document = Document.objects.create(
        direction=Direction.INCOMING,
        doc_type=doc_type,
        organization=organization,
        number=number,
        issuer_name=issuer_name,
        title=title,
        summary=vntext.nfc(summary).strip(),
        issued_on=issued_on,
        security=security,
        search_key=_key(number, issuer_name, title, summary),
        created_by=by,
    )
    _attach(document, file)
    return document


def committee_of(cell: Organization, on: dt.date) -> Organization | None:
    """The cell's territorial superior on ``on`` (its commune committee)."""
    return cell.superior_on(on, Relation.TERRITORIAL)


@audit.operation("Ghi tham mưu về an ninh, trật tự")
@transaction.atomic
def submit_advice(
    *, cell: Organization, doc_type: str, title: str, submitted_on: dt.date, note: str = "", by
) -> Advice:
    """The cell submits a draft to its commune committee (F-8)."""
    _cell_on(cell, submitted_on, "submitted_on")
    committee = committee_of(cell, submitted_on)
    if committee is None:
        raise ValidationError({"cell": "Chi bộ không có đảng ủy cấp trên vào ngày trình."})
    title = vntext.nfc(title).strip()
    if not title:
        raise ValidationError({"title": "Hãy ghi trích yếu."})
    return Advice.objects.create(
        cell=cell,
        committee=committee,
        doc_type=doc_type,
        title=title,
        submitted_on=submitted_on,
        note=vntext.nfc(note).strip(),
        created_by=by,
    )


@audit.operation("Ghi kết quả tham mưu")
@transaction.atomic
def decide_advice(
    *,
    advice: Advice,
    outcome: str,
    decided_on: dt.date,
    resolution: Document | None = None,
    note: str = "",
    by,
) -> Advice:
    """What the commune committee did with the draft: adopted as its document ``resolution``
    (an incoming document of the register, issued by that committee), or returned."""
    advice = Advice.objects.select_for_update().get(pk=advice.pk)
    if outcome == Outcome.PENDING:
        raise ValidationError({"outcome": "Hãy chọn đã ban hành hoặc trả lại."})
    if decided_on < advice.submitted_on:
        raise ValidationError({"decided_on": "Ngày có kết quả không thể trước ngày trình."})
    if outcome == Outcome.ADOPTED:
        if resolution is None:
            raise ValidationError({"resolution": "Hãy chọn văn bản đảng ủy đã ban hành."})
        if resolution.direction != Direction.INCOMING or (
            resolution.organization_id != advice.committee_id
        ):
            raise ValidationError(
                {"resolution": "Văn bản phải do đảng ủy xã nhận tham mưu ban hành."}
            )
        if resolution.issued_on != decided_on:
            decided_on = resolution.issued_on  # adopted on the day the committee issued it
        if decided_on < advice.submitted_on:
            raise ValidationError({"resolution": "Văn bản ban hành trước ngày trình."})
    else:
        resolution = None
    advice.outcome, advice.decided_on, advice.resolution = outcome, decided_on, resolution
    if note:
        advice.note = vntext.nfc(note).strip()
    advice.save(update_fields=["outcome", "decided_on", "resolution", "note"])
    return advice


@audit.operation("Lập kế hoạch học tập, quán triệt")
@transaction.atomic
def plan(
    *,
    document: Document,
    cell: Organization,
    method: str,
    session_on: dt.date,
    due_on: dt.date,
    meeting: Meeting | None = None,
    by,
) -> Dissemination:
    """The cell's plan to study a higher document (F-9): at a meeting or a session of its own,
    finished by ``due_on``."""
    # At a meeting the session is the meeting's day: decided first, so the checks below judge
    # the day the members actually study (found in review).
    if method == Method.MEETING:
        if meeting is None or meeting.cell_id != cell.pk:
            raise ValidationError({"meeting": "Hãy chọn buổi sinh hoạt của chi bộ."})
        session_on = meeting.date or meeting.planned_date
        field = "meeting"
    else:
        meeting, field = None, "session_on"
    _cell_on(cell, session_on, field)
    if document.direction != Direction.INCOMING:
        raise ValidationError({"document": "Chỉ học tập, quán triệt văn bản cấp trên."})
    if session_on < document.issued_on:
        raise ValidationError({field: "Ngày học tập trước ngày ban hành văn bản."})
    if due_on < session_on:
        raise ValidationError({"due_on": "Hạn hoàn thành không thể trước ngày học tập."})
    if Dissemination.objects.filter(document=document, cell=cell).exists():
        raise ValidationError({"document": "Chi bộ đã có kế hoạch học tập văn bản này."})
    return Dissemination.objects.create(
        document=document,
        cell=cell,
        method=method,
        meeting=meeting,
        session_on=session_on,
        due_on=due_on,
        created_by=by,
    )


def members_on(cell_id: int, on: dt.date) -> list[int]:
    """People who are party members active in the cell on ``on`` (official or temporary)."""
    return list(
        Membership.objects.on(on)
        .filter(member_on(on, "person__party__"), cell_id=cell_id)
        .values_list("person_id", flat=True)
        .distinct()
    )


@audit.operation("Ghi tham gia học tập")
@transaction.atomic
def record(
    *,
    dissemination: Dissemination,
    person: Person,
    presence: str,
    on: dt.date,
    reason: str = "",
    by,
) -> Participation:
    """One member's participation: present at the session, absent with reason, studied at a
    make-up session, or acknowledged having studied. A later record replaces an earlier one
    (an absence followed by a make-up session); an absence keeps its reason."""
    if on < dissemination.session_on and presence != Presence.SELF:
        raise ValidationError({"on": "Ngày tham gia trước ngày học tập của chi bộ."})
    if on < dissemination.document.issued_on:
        raise ValidationError({"on": "Ngày tham gia trước ngày ban hành văn bản."})
    if person.pk not in members_on(dissemination.cell_id, on):
        raise ValidationError({"person": "Người này không sinh hoạt ở chi bộ vào ngày đó."})
    reason = vntext.nfc(reason).strip()
    if presence == Presence.ABSENT and not reason:
        raise ValidationError({"reason": "Vắng phải ghi lý do."})
    if presence == Presence.PRESENT and on != dissemination.session_on:
        raise ValidationError({"on": "Có mặt là có mặt tại buổi học tập của chi bộ."})
    existing = (
        Participation.objects.select_for_update()
        .filter(dissemination=dissemination, person=person)
        .first()
    )
    if existing is None:
        return Participation.objects.create(
            dissemination=dissemination,
            person=person,
            presence=presence,
            on=on,
            reason=reason,
            recorded_by=by,
        )
    if existing.presence in REACHED and presence == Presence.ABSENT:
        raise ValidationError({"presence": "Đồng chí này đã học; không ghi vắng được."})
    if on < existing.on:
        raise ValidationError({"on": "Đã có ghi nhận sau ngày này."})
    existing.presence, existing.on, existing.recorded_by = presence, on, by
    if reason or presence == Presence.ABSENT:
        existing.reason = reason
    existing.save(update_fields=["presence", "on", "reason", "recorded_by"])
    return existing


def acknowledge(
    person: Person, dissemination: Dissemination, on: dt.date, by_user
) -> Participation:
    """The member's own "đã học" (issue 15 item 4): counts towards completion from ``on``. A
    member already recorded as having studied keeps that record."""
    return _acknowledge(person=person, dissemination=dissemination, on=on, by=by_user)


@audit.operation("Xác nhận đã học")
@transaction.atomic
def _acknowledge(*, person: Person, dissemination: Dissemination, on: dt.date, by):
    done = Participation.objects.filter(
        dissemination=dissemination,
        person=person,
        presence__in=[Presence.PRESENT, Presence.MAKEUP, Presence.SELF],
    ).first()
    if done is not None:
        return done
    return record(dissemination=dissemination, person=person, presence=Presence.SELF, on=on, by=by)
