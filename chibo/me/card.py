"""What the member's page shows, as of one date (issue 15 item 4): read from the records of
the member's own person and of the cells they are in on that date, never of anyone else
beyond the names of those cells' members."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Q
from django.db.models.functions import Coalesce

from chibo.briefings.models import Assignment
from chibo.lib import cccd
from chibo.lib.validity import valid_on
from chibo.meetings.models import Attendance, Meeting, Presence
from chibo.members.models import (
    Membership,
    MembershipKind,
    PartyRecord,
    Person,
    PoliceService,
    Position,
    RankHolding,
    Status,
    member_on,
)
from chibo.orgs.models import NameBook
from chibo.register import progress

UPCOMING = 5  # meetings shown ahead: a phone screen, not a calendar
ATTENDANCE = 12  # the last year of monthly meetings


def studies_for(person: Person, on: dt.date) -> list:
    """Documents the member has to study (học tập, quán triệt; F-9) as of ``on``, each with
    its status and the "đã học" acknowledgement, from the register (issue 15 items 3–4)."""
    return progress.studies_for(person, on)


@dataclass
class CellCard:
    id: int
    name: str
    temporary: bool
    names: list[str] = field(default_factory=list)


@dataclass
class MemberCard:
    person: Person
    on: dt.date
    record: PartyRecord | None
    status: Status
    party_age: int | None
    cccd_masked: str | None
    rank: str
    police_position: str
    positions: list[str]
    cells: list[CellCard]
    upcoming: list[Meeting]
    attendance: list[Attendance]
    year_counts: list[tuple[str, int]]
    tasks: list[Assignment]
    studies: list


def card(person: Person, on: dt.date) -> MemberCard:
    """Everything the page shows, in a fixed number of queries whatever the records."""
    record = PartyRecord.objects.filter(person=person).first()
    memberships = list(Membership.objects.on(on).filter(person=person).order_by("kind"))
    cell_ids = [m.cell_id for m in memberships]
    book = NameBook(cell_ids)
    cells = {
        m.cell_id: CellCard(m.cell_id, book.name(m.cell_id, on), m.kind == MembershipKind.TEMPORARY)
        for m in memberships
    }
    # The names of the members of the member's own cells on that date, and nothing else.
    fellows = (
        Membership.objects.on(on)
        .filter(member_on(on, "person__party__"), cell_id__in=cell_ids)
        .select_related("person")
        .order_by("cell_id", "person__sort_key", "person_id")
    )
    for row in fellows:
        cells[row.cell_id].names.append(row.person.full_name)
    meeting_day = Coalesce("date", "planned_date")
    upcoming = list(
        Meeting.objects.filter(cell_id__in=cell_ids)
        .alias(day=meeting_day)
        .filter(day__gte=on)
        .order_by("day", "pk")[:UPCOMING]
    )
    attended = (
        Attendance.objects.filter(person=person)
        .select_related("meeting")
        .alias(day=Coalesce("meeting__date", "meeting__planned_date"))
        .filter(day__lte=on)
    )
    recent = list(attended.order_by("-day", "-pk")[:ATTENDANCE])
    counts = Counter(
        attended.filter(day__gte=on.replace(month=1, day=1)).values_list("status", flat=True)
    )
    tasks = list(
        Assignment.objects.filter(
            Q(closed_on__isnull=True) | Q(closed_on__gt=on),
            organization_id__in=cell_ids,
            conclusion__conference__date__lte=on,
        )
        .select_related("conclusion", "conclusion__conference")
        .order_by("conclusion__due_on", "pk")
    )
    rank = RankHolding.objects.filter(valid_on(on), person=person).first()
    police = PoliceService.objects.filter(valid_on(on), person=person).first()
    positions = Position.objects.filter(valid_on(on), person=person).order_by("role")
    book_positions = NameBook([p.organization_id for p in positions])
    return MemberCard(
        person=person,
        on=on,
        record=record,
        status=record.status_on(on) if record else Status.NOT_MEMBER,
        party_age=record.party_age_on(on) if record else None,
        cccd_masked=cccd.mask(person.cccd),
        rank=rank.get_rank_display() if rank else "",
        police_position=police.get_position_display() if police else "",
        positions=[
            f"{p.get_role_display()} – {book_positions.name(p.organization_id, on)}"
            for p in positions
        ],
        cells=list(cells.values()),
        upcoming=upcoming,
        attendance=recent,
        year_counts=[(p.label, counts[p.value]) for p in Presence if counts[p.value]],
        tasks=tasks,
        studies=studies_for(person, on),
    )
