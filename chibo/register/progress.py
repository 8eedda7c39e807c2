"""Dissemination completion as of a date (F-9), per cell and per committee, in a fixed number
of queries whatever the number of cells; what a member must study; the BÁO CÁO's paragraph.

Members to reach on a date D are the party members active in the cell on min(D, deadline):
someone who joins after the deadline was never due to study with the cell. Reached are those
among them recorded present, at a make-up session or acknowledging having studied, on or
before D.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q

from chibo.lib.idlist import IdList
from chibo.members.models import Membership, Person
from chibo.register.models import REACHED, Direction, Dissemination, Participation, Presence


@dataclass
class Completion:
    dissemination: Dissemination
    to_reach: int
    reached: int
    makeup: int
    absent: int
    # Person ids still to reach, for the page that lists them.
    missing: list[int] = field(default_factory=list)

    @property
    def percent(self) -> int:
        """Rounded down: 10 of 11 is 90%, never "100%" before everyone studied."""
        return 100 * self.reached // self.to_reach if self.to_reach else 100

    @property
    def complete(self) -> bool:
        return self.reached >= self.to_reach

    def overdue(self, on: dt.date) -> bool:
        return self.dissemination.due_on < on and not self.complete


def _day(dissemination: Dissemination, on: dt.date) -> dt.date:
    return min(on, dissemination.due_on)


def _members(pairs: set[tuple[int, dt.date]]) -> dict[tuple[int, dt.date], set[int]]:
    """Members per (cell, day), from one query over the cells' memberships."""
    if not pairs:
        return {}
    cells = {cell for cell, _ in pairs}
    first, last = min(day for _, day in pairs), max(day for _, day in pairs)
    rows = (
        Membership.objects.filter(cell_id__in=cells, valid_from__lte=last)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=first))
        .values_list(
            "cell_id",
            "person_id",
            "valid_from",
            "valid_to",
            "person__party__ceremony_date",
            "person__party__ended_on",
        )
    )
    days: dict[int, set[dt.date]] = defaultdict(set)
    for cell, day in pairs:
        days[cell].add(day)
    found: dict[tuple[int, dt.date], set[int]] = defaultdict(set)
    for cell, person, start, end, ceremony, ended in rows:
        for day in days[cell]:  # usually one day per cell: the plans' common deadline
            if start > day or (end is not None and end <= day):
                continue
            if ceremony is None or ceremony > day or (ended is not None and ended <= day):
                continue
            found[(cell, day)].add(person)
    return found


def completions(disseminations: Iterable[Dissemination], on: dt.date) -> list[Completion]:
    """Completion of each plan as of ``on``: two queries for any number of plans."""
    plans = list(disseminations)
    pairs = {(d.cell_id, _day(d, on)) for d in plans}
    members = _members(pairs)
    status: dict[int, dict[int, tuple[str, dt.date]]] = defaultdict(dict)
    for dis, person, presence, day in Participation.objects.filter(
        dissemination__in=IdList(d.pk for d in plans)
    ).values_list("dissemination_id", "person_id", "presence", "on"):
        status[dis][person] = (presence, day)
    result = []
    for plan in plans:
        due = members.get((plan.cell_id, _day(plan, on)), set())
        marks = status.get(plan.pk, {})
        reached = {p for p, (presence, day) in marks.items() if presence in REACHED and day <= on}
        result.append(
            Completion(
                dissemination=plan,
                to_reach=len(due),
                reached=len(due & reached),
                makeup=sum(1 for p in due & reached if marks[p][0] == Presence.MAKEUP),
                absent=sum(
                    1
                    for p in due - reached
                    if p in marks and marks[p][0] == Presence.ABSENT and marks[p][1] <= on
                ),
                missing=sorted(due - reached),
            )
        )
    return result


@dataclass
class Total:
    """Completion of one document over several cells (a committee's, a district's)."""

    cells: int
    cells_complete: int
    to_reach: int
    reached: int
    makeup: int

    @property
    def percent(self) -> int:
        return 100 * self.reached // self.to_reach if self.to_reach else 100


def total(rows: Iterable[Completion]) -> Total:
    rows = list(rows)
    return Total(
        cells=len(rows),
        cells_complete=sum(1 for r in rows if r.complete),
        to_reach=sum(r.to_reach for r in rows),
        reached=sum(r.reached for r in rows),
        makeup=sum(1 for r in rows if r.makeup),
    )


@dataclass
class Study:
    """One document a member must study, with where they stand on a date."""

    dissemination: Dissemination
    status: str  # a Presence value, or "" when nothing is recorded yet
    status_label: str
    on: dt.date | None
    done: bool
    overdue: bool


def studies_for(person: Person, on: dt.date) -> list[Study]:
    """The higher documents ``person`` must study as of ``on`` (issue 15 item 4): the plans
    of the cells the person is a member of on ``on`` whose session is planned by then or
    whose deadline is still ahead, with the person's status. Most urgent first."""
    cells = list(Membership.objects.on(on).filter(person=person).values_list("cell_id", flat=True))
    plans = list(
        Dissemination.objects.filter(
            cell_id__in=cells, document__issued_on__lte=on, document__direction=Direction.INCOMING
        ).select_related("document")
    )
    marks = {
        p.dissemination_id: p
        for p in Participation.objects.filter(person=person, dissemination__in=plans)
    }
    labels = dict(Presence.choices)
    result = []
    for plan in plans:
        mark = marks.get(plan.pk)
        known = mark is not None and mark.on <= on
        done = known and mark.presence in REACHED
        result.append(
            Study(
                dissemination=plan,
                status=mark.presence if known else "",
                status_label=labels[mark.presence] if known else "Chưa học",
                on=mark.on if known else None,
                done=done,
                overdue=not done and plan.due_on < on,
            )
        )
    return sorted(result, key=lambda s: (s.done, s.dissemination.due_on, s.dissemination.pk))


def _vn(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


def report_paragraph(cell_ids: Iterable[int], start: dt.date, end: dt.date) -> str | None:
    """The BÁO CÁO's paragraph on dissemination (F-9), from the records: for each higher
    document the cells planned to study in the period, how many cells and members studied it
    by ``end``, with make-up sessions. ``None`` when nothing was planned in the period."""
    plans = list(
        Dissemination.objects.filter(
            cell_id__in=IdList(cell_ids), session_on__gte=start, session_on__lte=end
        )
        .select_related("document")
        .order_by("document__issued_on", "document_id", "cell_id")
    )
    if not plans:
        return None
    by_document: dict[int, list[Completion]] = defaultdict(list)
    for row in completions(plans, end):
        by_document[row.dissemination.document_id].append(row)
    parts = []
    for rows in by_document.values():
        document = rows[0].dissemination.document
        sums = total(rows)
        text = (
            f"{sums.cells} chi bộ đã tổ chức học tập, quán triệt {document.get_doc_type_display()} "
            f"số {document.number} ngày {_vn(document.issued_on)} của {document.issuer_name} "
            f"về {document.title}; {sums.reached}/{sums.to_reach} đảng viên đã học "
            f"(đạt {sums.percent}%), {sums.cells_complete}/{sums.cells} chi bộ hoàn thành"
        )
        if sums.makeup:
            text += f"; {sums.makeup} chi bộ tổ chức học bù cho đảng viên vắng"
        parts.append(text)
    return "Về học tập, quán triệt nghị quyết, chỉ thị của cấp trên: " + "; ".join(parts) + "."
