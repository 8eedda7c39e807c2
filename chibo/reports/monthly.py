"""The monthly report of a committee on its police cells (issue 14, item 3), exact as of the
month's last day: per cell, the meetings held and missed (R-MTG-01), attendance (R-MTG-12),
the superior present (F-6), the confirmed quality level (R-MTG-14), members admitted,
recognized as official (R-MEM-06) and transferred (R-MEM-09), and the findings still open on
that day; the same rows feed the page, the .xlsx, the Party-format .docx and the API.

Meetings come from the monthly board (``chibo.meetings.board``), members from the overview
(``chibo.figures.stats``), findings from the compliance checks: the figures agree with those
pages. A fixed number of queries, whatever the number of cells.
"""

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.utils import timezone

from chibo.compliance import served
from chibo.lib import vntext
from chibo.lib.idlist import IdList
from chibo.lib.params import MAX_YEAR, MIN_YEAR, InvalidParam
from chibo.meetings import board
from chibo.meetings.models import Stage
from chibo.members.models import Membership, MembershipKind, Reason, Transfer
from chibo.orgs.models import Organization

MONTH = re.compile(r"^\s*(?:(\d{1,2})[/.-](\d{4})|(\d{4})-(\d{1,2}))\s*$")


def parse_month(raw: str | None, today: dt.date) -> board.Month:
    """ "05/2023" or "2023-05"; the last whole month when empty; not a month yet to begin."""
    if not raw or not raw.strip():
        last = today.replace(day=1) - dt.timedelta(days=1)
        return board.Month(last.year, last.month)
    found = MONTH.match(raw)
    if found is None:
        raise InvalidParam(
            f"Tháng “{raw.strip()[:20]}” không hợp lệ; hãy nhập theo dạng mm/yyyy, ví dụ 05/2023."
        )
    month, year = (found[1], found[2]) if found[1] else (found[4], found[3])
    month, year = int(month), int(year)
    if not 1 <= month <= 12:
        raise InvalidParam("Tháng không tồn tại; hãy nhập tháng từ 01 đến 12.")
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidParam(f"Năm phải từ {MIN_YEAR} đến {MAX_YEAR}.")
    chosen = board.Month(year, month)
    if chosen.first > today:
        raise InvalidParam(f"Tháng {chosen.label} chưa bắt đầu; chưa có số liệu để báo cáo.")
    return chosen


@dataclass
class CellMonth:
    organization_id: int
    name: str
    members: int = 0
    official: int = 0
    probationary: int = 0
    state: str = ""  # the board's: held | late | missed | planned | none
    held: int = 0  # meetings held in the month, of every kind
    regular_held: int = 0  # the month's regular meeting (R-MTG-01): 1 or 0
    missed: int = 0  # 1 when the month is over and its regular meeting was not held
    thematic: int = 0
    attended: int = 0
    counted: int = 0
    superior: int = 0  # meetings held with the superior committee member present (F-6)
    level: str = ""  # the confirmed level of the month's regular meeting
    meeting_days: list[dt.date] = field(default_factory=list)
    admitted: int = 0
    recognized: int = 0
    transferred_out: int = 0
    transferred_in: int = 0
    findings: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float | None:
        """Attendance over the month's meetings held, special duty and exemption aside."""
        return self.attended / self.counted if self.counted else None

    @property
    def open_findings(self) -> int:
        return len(self.findings)


TOTALS = [
    "members",
    "official",
    "probationary",
    "held",
    "regular_held",
    "missed",
    "thematic",
    "attended",
    "counted",
    "superior",
    "admitted",
    "recognized",
    "transferred_out",
    "transferred_in",
    "open_findings",
]


@dataclass
class MonthlyReport:
    organization: Organization
    name: str
    month: board.Month
    as_of: dt.date
    complete: bool  # False while the month is still running (figures up to today)
    cells: list[CellMonth]
    levels: Counter
    other_findings: int  # findings of the committee itself or of bodies that are not cells
    scope_ids: frozenset[int] | None = None  # what the figures were computed over

    @property
    def totals(self) -> dict[str, int]:
        return {key: sum(getattr(c, key) for c in self.cells) for key in TOTALS}

    @property
    def rate(self) -> float | None:
        totals = self.totals
        return totals["attended"] / totals["counted"] if totals["counted"] else None

    def as_json(self) -> dict:
        return {
            "organization": self.organization.pk,
            "organization_name": self.name,
            "month": f"{self.month.year:04d}-{self.month.month:02d}",
            "as_of": self.as_of,
            "complete": self.complete,
            "totals": self.totals,
            "attendance_rate": self.rate,
            "levels": dict(self.levels),
            "other_findings": self.other_findings,
            "cells": [
                {
                    "organization": c.organization_id,
                    "name": c.name,
                    **{key: getattr(c, key) for key in TOTALS},
                    "state": c.state,
                    "attendance_rate": c.rate,
                    "level": c.level,
                    "meeting_days": c.meeting_days,
                    "findings": c.findings,
                }
                for c in self.cells
            ],
        }


def compute(
    *,
    organization: Organization,
    scope_ids: frozenset[int] | None,
    month: board.Month,
    today: dt.date | None = None,
) -> MonthlyReport:
    """The report of ``organization`` on the police cells in ``scope_ids`` (its subtree as the
    reader may see it) for ``month``, as of the month's last day (or today, mid-month)."""
    today = today or timezone.localdate()
    last = month.next.first - dt.timedelta(days=1)
    as_of = min(last, today)
    first, after = month.first, month.next.first

    _period, board_rows = board.build(scope_ids, month, month, today=today)
    cells = {r.organization_id: CellMonth(r.organization_id, r.name) for r in board_rows}
    levels: Counter = Counter()
    for row in board_rows:
        cell, slot = cells[row.organization_id], row.slots[0]
        cell.state = slot.state
        cell.missed = 1 if slot.state == "missed" else 0
        for meeting in slot.meetings:
            if meeting.stage == Stage.PLANNED or meeting.date > as_of:
                continue  # a report for a running month counts to its day, not beyond
            cell.held += 1
            cell.meeting_days.append(meeting.date)
            cell.attended += meeting.attended
            cell.counted += meeting.counted
            cell.superior += 1 if meeting.superior_present else 0
            cell.thematic += 1 if meeting.kind_enum.counts_as_thematic else 0
            if meeting.is_main_regular and not cell.regular_held:
                cell.regular_held = 1
                cell.level = meeting.final_level or ""
                if cell.level:
                    levels[cell.level] += 1

    reading = served.Reading()
    overview = reading.overview(scope_ids=scope_ids, on=as_of)
    for row in overview.cells:
        cell = cells.setdefault(
            row.organization_id, CellMonth(row.organization_id, row.version.name)
        )
        cell.members, cell.official, cell.probationary = row.members, row.official, row.probationary

    ids = IdList(cells)
    in_month = {"valid_from__gte": first, "valid_from__lt": min(after, as_of + dt.timedelta(1))}
    for cell_id, n in _per_cell(
        Membership.objects.filter(cell_id__in=ids, reason_in=Reason.ADMISSION, **in_month)
    ):
        cells[cell_id].admitted = n
    # Recognized (R-MEM-06): the official date falls in the month, counted in the cell the
    # member was in that day.
    recognized = Membership.objects.filter(
        cell_id__in=ids,
        kind=MembershipKind.OFFICIAL,
        person__party__official_date__gte=first,
        person__party__official_date__lte=as_of,
        valid_from__lte=F("person__party__official_date"),
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=F("person__party__official_date")))
    for cell_id, n in _per_cell(recognized):
        cells[cell_id].recognized = n
    sent = Transfer.objects.filter(from_cell_id__in=ids, sent_on__gte=first, sent_on__lte=as_of)
    for cell_id, n in sent.values_list("from_cell_id").annotate(n=Count("pk")):
        cells[cell_id].transferred_out = n
    received = Transfer.objects.filter(
        to_cell_id__in=ids, received_on__gte=first, received_on__lte=as_of
    )
    for cell_id, n in received.values_list("to_cell_id").annotate(n=Count("pk")):
        cells[cell_id].transferred_in = n

    other = 0
    for finding in reading.findings(scope_ids=scope_ids, on=as_of):
        if finding.organization_id in cells:
            cells[finding.organization_id].findings.append(finding.message)
        else:
            other += 1

    version = organization.version_on(as_of) or organization.versions.order_by("-valid_from")[0]
    return MonthlyReport(
        organization=organization,
        name=version.name,
        month=month,
        as_of=as_of,
        complete=last <= today,
        cells=sorted(cells.values(), key=lambda c: vntext.sort_key(c.name)),
        levels=levels,
        other_findings=other,
        scope_ids=scope_ids,
    )


def _per_cell(memberships):
    return memberships.values_list("cell_id").annotate(n=Count("person_id", distinct=True))
