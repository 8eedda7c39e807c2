"""``GET /api/v1/me``: who the caller is — roles, scope, and for a member their own person
summary with the CCCD masked (issue 15 item 5). Every role may ask; it reads only the
caller's own account, so there is nothing to scope."""

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from chibo.accounts import access
from chibo.accounts.access import Capability
from chibo.lib import apiforms, params
from chibo.me import views
from chibo.me.card import card
from chibo.orgs.models import NameBook
from chibo.register import operations as register
from chibo.register.api import ParticipationOut

router = Router(tags=["me"])


class GrantOut(Schema):
    role: str
    role_label: str
    organization: int
    organization_name: str
    valid_from: dt.date
    valid_to: dt.date | None
    can_write: bool


class CellOut(Schema):
    id: int
    name: str
    temporary: bool


class PersonSummaryOut(Schema):
    id: int
    full_name: str
    gender: str
    birth_date: dt.date | None
    cccd_masked: str | None
    status: str
    status_label: str
    decision_date: dt.date | None
    official_date: dt.date | None
    party_age: int | None
    cells: list[CellOut]


class MeOut(Schema):
    username: str
    full_name: str
    as_of: dt.date
    superuser: bool
    roles: list[str]
    grants: list[GrantOut]
    scope_everything: bool
    may_write: bool
    member: PersonSummaryOut | None


@router.get("", response=MeOut, summary="Người dùng hiện tại: vai trò, phạm vi, hồ sơ đảng viên")
def me(request: HttpRequest, as_of: str = ""):
    on = params.as_of({"as_of": as_of})
    user = request.user
    grants = sorted(access.active_grants(user), key=lambda g: (g.valid_from, g.pk))
    book = NameBook(g.organization_id for g in grants)
    roles = sorted({g.role for g in grants})
    person = access.own_person(user)
    member = None
    if person is not None:
        roles.append("member")
        shown = card(person, on)
        record = shown.record
        member = PersonSummaryOut(
            id=person.pk,
            full_name=person.full_name,
            gender=person.gender,
            birth_date=person.birth_date,
            cccd_masked=shown.cccd_masked,
            status=shown.status.value,
            status_label=shown.status.label,
            decision_date=record.decision_date if record else None,
            official_date=record.official_date if record else None,
            party_age=shown.party_age,
            cells=[CellOut(id=c.id, name=c.name, temporary=c.temporary) for c in shown.cells],
        )
    today = timezone.localdate()
    return MeOut(
        username=user.get_username(),
        full_name=user.full_name,
        as_of=on,
        superuser=user.is_superuser,
        roles=roles,
        grants=[
            GrantOut(
                role=g.role,
                role_label=g.get_role_display(),
                organization=g.organization_id,
                organization_name=book.name(g.organization_id, on),
                valid_from=g.valid_from,
                valid_to=g.valid_to,
                can_write=g.role_enum.can_write,
            )
            for g in grants
        ],
        scope_everything=user.is_superuser,
        may_write=access.scope(user, today).can_anywhere(Capability.WRITE),
        member=member,
    )


@router.post(
    "/studies/{dissemination_id}/acknowledge",
    response={200: ParticipationOut},
    summary="Đảng viên xác nhận đã học một tài liệu (hôm nay)",
)
def acknowledge(request: HttpRequest, dissemination_id: apiforms.PathId):
    """The member's "đã học" (issue 15 item 4; F-9): the one write a member account makes.
    404 for a plan of a cell the member is not in today, or for a user who is no member."""
    person, plan, today = views.studied(request.user, dissemination_id)
    mark = register.acknowledge(person, plan, today, request.user)
    return ParticipationOut(
        id=mark.pk,
        dissemination=plan.pk,
        person=mark.person_id,
        presence=mark.presence,
        on=mark.on,
        reason=mark.reason,
    )
