"""The monthly board: cells × months for a scope (R-MTG-01/02, F-6).

Each cell-month shows whether the month's regular meeting was held (late when held after
its planned day), its kind, the attendance rate, whether the assigned superior came, and
the confirmed quality level. A fixed number of queries, whatever the number of cells.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from chibo.lib import vntext
from chibo.meetings.models import Evaluation, Meeting, Presence, Side, Stage
from chibo.orgs.models import Kind as OrgKind
from chibo.orgs.models import OrgVersion

MAX_MONTHS = 36


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def next(self) -> "Month":
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    @property
    def label(self) -> str:
        return f"{self.month:02d}/{self.year}"


def months(start: Month, end: Month) -> list[Month]:
    result, current = [], start
    while current.first <= end.first and len(result) < MAX_MONTHS:
        result.append(current)
        current = current.next
    return result


@dataclass
class Slot:
    exists: bool
    meetings: list[Meeting] = field(default_factory=list)
    state: str = ""  # held | late | missed | planned | none

    @property
    def main(self) -> Meeting | None:
        regular = [m for m in self.meetings if m.is_main_regular]
        return (regular or self.meetings or [None])[0]

    @property
    def label(self) -> str:
        return {
            "held": "Đã họp",
            "late": "Họp muộn",
            "missed": "Không họp",
            "planned": "Kế hoạch",
            "none": "",
        }.get(self.state, "")


@dataclass
class Row:
    organization_id: int
    name: str
    slots: list[Slot]

    @property
    def missed(self) -> int:
        return sum(1 for s in self.slots if s.state == "missed")


def build(
    scope_ids: frozenset[int] | None, start: Month, end: Month, *, today: dt.date | None = None
) -> tuple[list[Month], list[Row]]:
    """The rows of the board; a month counts as missed once ``today`` (default: the real
    one) is past it."""
    period = months(start, end)
    first, after = period[0].first, period[-1].next.first
    versions = OrgVersion.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=first),
        valid_from__lt=after,
        organization__is_police=True,
        kind__in=[OrgKind.GRASSROOTS_CELL, OrgKind.SUBORDINATE_CELL],
    ).order_by("valid_from")
    if scope_ids is not None:
        versions = versions.filter(organization_id__in=scope_ids)
    spans: dict[int, list[OrgVersion]] = {}
    for version in versions:
        spans.setdefault(version.organization_id, []).append(version)

    final = Evaluation.objects.filter(meeting=OuterRef("pk"), side=Side.FINAL).values("level")[:1]
    meetings = (
        Meeting.objects.filter(cell_id__in=spans)
        .filter(
            Q(date__gte=first, date__lt=after)
            | Q(date__isnull=True, planned_date__gte=first, planned_date__lt=after)
        )
        .annotate(
            attended=Count(
                "attendance", filter=Q(attendance__status__in=[Presence.PRESENT, Presence.LATE])
            ),
            counted=Count(
                "attendance",
                filter=~Q(attendance__status__in=[Presence.SPECIAL_DUTY, Presence.EXEMPT]),
            ),
            final_level=Subquery(final),
        )
        .order_by("planned_date")
    )
    by_slot: dict[tuple[int, Month], list[Meeting]] = {}
    for meeting in meetings:
        day = meeting.day
        by_slot.setdefault((meeting.cell_id, Month(day.year, day.month)), []).append(meeting)

    today = today or timezone.localdate()
    rows = []
    for org_id, org_versions in spans.items():
        slots = []
        for month in period:
            exists = any(
                v.valid_from < month.next.first and (v.valid_to is None or v.valid_to > month.first)
                for v in org_versions
            )
            slot = Slot(exists=exists, meetings=by_slot.get((org_id, month), []))
            slot.state = _state(slot, month, today)
            slots.append(slot)
        rows.append(Row(org_id, org_versions[-1].name, slots))
    rows.sort(key=lambda r: vntext.sort_key(r.name))
    return period, rows


def _state(slot: Slot, month: Month, today: dt.date) -> str:
    if not slot.exists:
        return "none"
    # A make-up (R-MTG-01) is extra: it does not stand in for the month's own meeting.
    regular = [m for m in slot.meetings if m.is_main_regular]
    held = [m for m in regular if m.stage != Stage.PLANNED]
    if held:
        return "late" if any(m.is_late for m in held) else "held"
    if month.next.first <= today:
        return "missed"
    return "planned" if regular else "none"
