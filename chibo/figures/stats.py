"""The article's figures and the per-cell table, as of a date, for a scope (design §2.11).

One function computes them for the overview page, ``chibo stats`` and ``/api/v1/stats``,
so the three always agree. Queries: a fixed handful, whatever the number of cells.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from django.db.models import Count

from chibo.documents.models import WorkingRegulation
from chibo.lib import vntext
from chibo.lib.idlist import IdList
from chibo.members.models import (
    Membership,
    PartyRecord,
    PoliceService,
    Position,
    Role,
    member_on,
    official_on,
)
from chibo.orgs.models import Kind, OrgLink, OrgVersion, Relation
from chibo.rules.models import RuleSet

KEYS = [
    "commune_committees",
    "police_cells",
    "members",
    "official_members",
    "probationary_members",
    "cells_with_secretary_and_deputy",
    "cells_with_secretary_only",
    "cells_with_committee",
    "cells_without_secretary",
    "regular_officers",
    "regular_officers_party_members",
    "cells_with_working_regulations",
]


class CellVersion(NamedTuple):
    """What the overview shows of a cell: fetched as plain values, not model instances."""

    organization_id: int
    name: str
    kind: str
    place_name: str


@dataclass(slots=True)  # thousands per national overview: no per-row __dict__
class CellRow:
    version: CellVersion
    rules: RuleSet
    members: int = 0
    official: int = 0
    probationary: int = 0
    secretaries: list[str] = field(default_factory=list)
    deputies: list[str] = field(default_factory=list)
    # Shared empty defaults: most cells have no chi ủy and no officer outside the party, and
    # thousands of empty containers per national overview were work for the collector.
    committee: set[int] | frozenset[int] = frozenset()
    regulation: str = ""
    officers: int = 0
    officers_members: int = 0
    officers_not_members: list[str] | tuple[str, ...] = ()

    @property
    def organization_id(self) -> int:
        return self.version.organization_id

    @property
    def warnings(self) -> list[str]:
        """Warnings, never blocks (R-ORG-01, R-ORG-04, R-POL-02, F-7)."""
        found, rules = [], self.rules
        if self.official < rules.min_official:
            found.append(f"Dưới {rules.min_official} đảng viên chính thức (R-ORG-01).")
        if not self.secretaries:
            found.append("Chưa có Bí thư chi bộ.")
        if self.official >= rules.committee_from and not self.committee:
            found.append(
                f"Có {self.official} đảng viên chính thức (từ {rules.committee_from} trở lên) "
                "nhưng chưa có chi ủy (R-ORG-04)."
            )
        if self.official < rules.committee_from and len(self.deputies) > 1:
            found.append(
                f"Dưới {rules.committee_from} đảng viên chính thức nhưng có {len(self.deputies)} "
                "Phó Bí thư (R-ORG-04)."
            )
        if len(self.committee) > rules.committee_max:
            found.append(
                f"Chi ủy có {len(self.committee)} người, quá {rules.committee_max} (R-ORG-04)."
            )
        if not self.regulation:
            found.append("Chưa có quy chế làm việc còn hiệu lực (F-7).")
        if self.officers_not_members:
            found.append(
                f"{len(self.officers_not_members)} cán bộ chính quy chưa là đảng viên "
                f"(R-POL-02): {', '.join(self.officers_not_members)}."
            )
        return found


@dataclass
class Overview:
    as_of: dt.date
    figures: dict[str, int]
    cells: list[CellRow]
    # The officers holding posts in more than one cell on the day: person -> (cells, party
    # member), the correction to the cells' sums, kept so that a refresh re-reads only the
    # people of the changed cells (``refresh``).
    overlaps: dict[int, tuple[int, bool]] = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"as_of": self.as_of.isoformat(), **self.figures}


CELL_KINDS = [kind.value for kind in Kind if kind.is_cell]


def cells_in(scope_ids: frozenset[int] | None, on: dt.date):
    """The police cells on ``on`` among ``scope_ids`` (``None``: all), as a subquery of ids;
    for a user who sees everything it carries no id at all."""
    cells = OrgVersion.objects.on(on).filter(kind__in=CELL_KINDS, organization__is_police=True)
    if scope_ids is not None:
        cells = cells.filter(organization_id__in=IdList(scope_ids))
    return cells.values("organization_id")


@lru_cache(maxsize=16384)  # the cells' names: the same thousands on every national overview
def _name_key(name: str) -> bytes:
    return vntext.sort_key(name)


def compute(*, scope_ids: frozenset[int] | None, on: dt.date) -> Overview:
    """Figures for the organizations in ``scope_ids`` (``None``: everything) on ``on``."""
    versions = OrgVersion.objects.on(on)
    if scope_ids is not None:
        versions = versions.filter(organization_id__in=IdList(scope_ids))
    rules = RuleSet.on(on)
    rows: dict[int, CellRow] = {}
    fields = ("organization_id", "name", "kind", "place_name")
    cell_versions = versions.filter(kind__in=CELL_KINDS, organization__is_police=True)
    for org_id, name, kind, place in cell_versions.values_list(*fields):
        rows[org_id] = CellRow(CellVersion(org_id, name, kind, place), rules)
    # Every later query filters on this subquery, not on a list of thousands of ids: the
    # database joins it once (make bench: the literals cost more than the SQL itself).
    in_scope = cells_in(scope_ids, on)
    # The article counts the commune committees the police cells sit under (F-2): one
    # number counted in SQL for a user who sees everything; a scope's few, intersected here
    # (its ids are sent once per statement).
    committees = OrgVersion.objects.on(on).filter(
        kind=Kind.GRASSROOTS_COMMITTEE, organization__is_police=False
    )
    parents = OrgLink.objects.on(on).filter(
        child_id__in=in_scope,
        relation=Relation.TERRITORIAL,
        parent_id__in=committees.values("organization_id"),
    )
    if scope_ids is None:
        communes = parents.values("parent_id").distinct().count()
    else:
        communes = len(set(parents.values_list("parent_id", flat=True)) & scope_ids)

    counts = (
        Membership.objects.counted_on(on)
        .filter(cell_id__in=in_scope)
        .values("cell_id")
        .annotate(
            members=Count("person_id", distinct=True),
            official=Count("person_id", filter=official_on(on, "party__"), distinct=True),
        )
    )
    for item in counts:
        row = rows[item["cell_id"]]
        row.members, row.official = item["members"], item["official"]
        row.probationary = row.members - row.official

    # Plain values, not model instances: thousands of posts on a national scope.
    positions = list(
        Position.objects.on(on)
        .filter(organization_id__in=in_scope)
        .order_by("person__sort_key")
        .values_list(
            "organization_id", "role", "person_id", "person__ho", "person__ten_dem", "person__ten"
        )
    )
    leaders: dict[int, set[int]] = {}
    for org_id, role, person_id, ho, ten_dem, ten in positions:
        row = rows[org_id]
        if role == Role.SECRETARY:
            row.secretaries.append(vntext.join_name(ho, ten_dem, ten))
        elif role == Role.DEPUTY:
            row.deputies.append(vntext.join_name(ho, ten_dem, ten))
        if role == Role.CELL_COMMITTEE:
            if not row.committee:
                row.committee = set()
            row.committee.add(person_id)
        elif role in {Role.SECRETARY, Role.DEPUTY}:
            leaders.setdefault(org_id, set()).add(person_id)
    for org_id, people in leaders.items():
        if rows[org_id].committee:  # with a chi ủy, Bí thư and Phó Bí thư sit on it
            rows[org_id].committee.update(people)

    regulations = (
        WorkingRegulation.objects.in_force_on(on)
        .filter(cell_id__in=in_scope)
        .order_by("issued_on")
        .values_list("cell_id", "number")
    )
    for cell_id, number in regulations:
        rows[cell_id].regulation = number

    # Officers per cell, and how many are party members on the day, counted in SQL; names are
    # fetched only for the few who are not members (R-POL-02). Rows are counted, not
    # distinct people (a sort per count); the people with more than one post, the only ones
    # counted twice, are then taken off (``_overlaps``).
    services = PoliceService.objects.on(on).filter(cell_id__in=in_scope)
    member = member_on(on, "party__")
    per_cell = (
        services.order_by()
        .values("cell_id")
        .annotate(officers=Count("person_id"), members=Count("person_id", filter=member))
    )
    for item in per_cell:
        row = rows[item["cell_id"]]
        row.officers, row.officers_members = item["officers"], item["members"]
    overlaps = _overlaps(services, on, rows=rows)
    # Names only where a cell has officers outside the party (usually a few cells).
    short = [org_id for org_id, row in rows.items() if row.officers > row.officers_members]
    outsiders = (
        services.filter(cell_id__in=IdList(short))
        .exclude(member)
        .order_by("person__sort_key")
        .values_list("cell_id", "person_id", "person__ho", "person__ten_dem", "person__ten")
    )
    named = set()  # two posts of one person in one cell: named once there
    for cell_id, person_id, ho, ten_dem, ten in outsiders:
        if (cell_id, person_id) in named:
            continue
        named.add((cell_id, person_id))
        row = rows[cell_id]
        if not row.officers_not_members:
            row.officers_not_members = []
        row.officers_not_members.append(vntext.join_name(ho, ten_dem, ten))
    cells = sorted(rows.values(), key=lambda r: _name_key(r.version.name))
    return Overview(on, _figures(cells, communes, overlaps), cells, overlaps)


def refresh(
    old: Overview, changed: frozenset[int], *, scope_ids: frozenset[int] | None, on: dt.date
) -> Overview | None:
    """``old`` with the rows of the ``changed`` cells counted again and the totals added up
    again: what ``compute`` returns when nothing but those cells' records and their people's
    has changed since ``old`` (issue 16: a write in one cell does not recount the country).

    A row reads only its own cell's memberships, posts, regulation and officers (and the
    rule set, the same for every cell); the commune committees are counted from the tree,
    which the caller knows has not changed. ``None`` when the cells are not the same ones
    (a changed tree): the caller computes everything."""
    ids = {row.organization_id for row in old.cells}
    changed = changed & ids  # cells outside the scope are not counted here
    if not changed:  # none of the scope's cells: the same overview (a person's change
        return old  # touches every cell of theirs, so one in scope would be named)
    fresh = compute(scope_ids=changed, on=on).cells
    by_id = {row.organization_id: row for row in fresh}
    if set(by_id) != changed:
        return None
    cells = [by_id.get(row.organization_id, row) for row in old.cells]
    services = PoliceService.objects.on(on).filter(cell_id__in=cells_in(scope_ids, on))
    overlaps = _overlaps(services, on, changed=changed, before=old.overlaps)
    figures = _figures(cells, old.figures["commune_committees"], overlaps)
    return Overview(on, figures, cells, overlaps)


def _figures(
    cells: list[CellRow], communes: int, overlaps: dict[int, tuple[int, bool]]
) -> dict[str, int]:
    """The totals: the cells' sums, less the officers counted in more than one cell (each
    taken off as many times as it was counted more than once)."""
    officers = sum(row.officers for row in cells)
    officers -= sum(count - 1 for count, _ in overlaps.values())
    officers_members = sum(row.officers_members for row in cells)
    officers_members -= sum(count - 1 for count, member in overlaps.values() if member)
    return {
        "commune_committees": communes,
        "police_cells": len(cells),
        "members": sum(r.members for r in cells),
        "official_members": sum(r.official for r in cells),
        "probationary_members": sum(r.probationary for r in cells),
        "cells_with_secretary_and_deputy": sum(1 for r in cells if r.secretaries and r.deputies),
        "cells_with_secretary_only": sum(1 for r in cells if r.secretaries and not r.deputies),
        "cells_with_committee": sum(1 for r in cells if r.committee),
        "cells_without_secretary": sum(1 for r in cells if not r.secretaries),
        "regular_officers": officers,
        "regular_officers_party_members": officers_members,
        "cells_with_working_regulations": sum(1 for r in cells if r.regulation),
    }


def more_than_once(rows, *, changed: frozenset[int] | None = None, before=()) -> list[int]:
    """The people with more than one of ``rows`` (posts, memberships, each with a cell): the
    only ones a sum of per-cell counts can count twice. One pass grouped by person, no join
    (and before it, given ``changed``, one for the changed cells' people).

    Given ``changed`` cells, only among the people with rows in them and the people found
    ``before``: after a write in a few cells, no one else can have gained or lost a row
    (issue 16: the whole pass is a tenth of a second for the country, this one a few ms)."""
    if changed is not None:
        people = set(rows.filter(cell_id__in=IdList(changed)).values_list("person_id", flat=True))
        people.update(before)
        if not people:
            return []
        rows = rows.filter(person_id__in=IdList(people))
    return list(
        rows.order_by()
        .values("person_id")
        .annotate(rows=Count("*"))
        .filter(rows__gt=1)
        .values_list("person_id", flat=True)
    )


def _overlaps(
    services,
    on: dt.date,
    *,
    rows: dict[int, CellRow] | None = None,
    changed: frozenset[int] | None = None,
    before=(),
) -> dict[int, tuple[int, bool]]:
    """The officers with posts in more than one of the cells on the day, each with the
    number of cells and whether they are a party member then; given the cells' ``rows``
    counted row by row, two posts of one person in one cell are made one there.

    The cells' own counts add up to the totals unless someone holds two posts on the day
    (the operations end one post before the next begins, but nothing in the database
    forbids it): such people are found by a pass over the posts' index alone, with no join
    to the party records. Counting rows and then this pass took 150 ms for the country's
    officers on SQLite against 200 ms for distinct people (five-year bench data, fastest of
    nine), the same answer. With ``changed``, see ``more_than_once``.

    Counted whole, the rows and the distinct people are first compared in one aggregate:
    when they are equal (what the operations write), no one holds two posts and the pass is
    not run (36 ms against 62 on SQLite, 110 on PostgreSQL, for the country)."""
    if changed is None:
        counted = services.order_by().aggregate(
            rows=Count("person_id"), people=Count("person_id", distinct=True)
        )
        if counted["rows"] == counted["people"]:
            return {}
    twice = more_than_once(services, changed=changed, before=before)
    if not twice:
        return {}
    posts = Counter(
        services.filter(person_id__in=IdList(twice)).values_list("person_id", "cell_id")
    )
    in_party = set(
        PartyRecord.objects.filter(member_on(on, ""), person_id__in=IdList(twice)).values_list(
            "person_id", flat=True
        )
    )
    for (person, cell_id), count in posts.items():
        if rows is not None and count > 1:  # one person, one cell: counted once
            rows[cell_id].officers -= count - 1
            if person in in_party:
                rows[cell_id].officers_members -= count - 1
    shared = Counter(person for person, _ in posts)
    return {person: (cells, person in in_party) for person, cells in shared.items() if cells > 1}


def cells_with_warnings(overview: Overview) -> int:
    return sum(1 for row in overview.cells if row.warnings)
