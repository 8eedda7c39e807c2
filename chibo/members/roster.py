"""The member list as of a date: one query, filtered like the page's form (R-TXT-04/05)."""

import datetime as dt

from django.core.exceptions import EmptyResultSet
from django.db.models import Exists, OuterRef, Q, QuerySet

from chibo.accounts import access
from chibo.accounts.access import Capability
from chibo.audit import generation
from chibo.lib import vntext
from chibo.lib.validity import valid_on
from chibo.members.forms import MemberFilterForm
from chibo.members.models import (
    Membership,
    MembershipKind,
    PolicePosition,
    Position,
    Rank,
    Role,
    Status,
    Transfer,
    name_matches,
)
from chibo.orgs.models import Kind, OrgSuccession, OrgVersion, with_predecessors

CELL_KINDS = [kind.value for kind in Kind if kind.is_cell]


def cells_in(scope, on: dt.date, capability=Capability.VIEW) -> list[OrgVersion]:
    """Cells of ``scope`` existing on ``on``, in Vietnamese name order. The kind is filtered
    in SQL: a national scope would otherwise build as many committees as cells for nothing
    (each model instance costs its init signals)."""
    versions = scope.filter(OrgVersion.objects.on(on), capability, "organization_id")
    return versions.filter(kind__in=CELL_KINDS).sorted_by_name()


# Up to this many cells, the list's cell filter offers them all; above, the page would carry
# the whole country (3,321 options, most of its weight): the cell is chosen in the tree.
CELL_CHOICES_MAX = 300


def cells_query(scope, on: dt.date, capability=Capability.VIEW) -> QuerySet[OrgVersion]:
    """Versions of the cells of ``scope`` on ``on``, as a query (a subquery, not thousands
    of ids sent back; no condition at all for a user who sees everything: issue 16)."""
    versions = OrgVersion.objects.on(on).filter(kind__in=CELL_KINDS)
    return scope.filter(versions, capability, "organization_id")


def cell_names(on: dt.date, ids) -> dict[int, str]:
    """The names on ``on`` of the cells ``ids`` (ids or a subquery of ids), in one query."""
    versions = OrgVersion.objects.on(on).filter(organization_id__in=ids)
    return dict(versions.values_list("organization_id", "name"))


def roster(
    user, on: dt.date, query, *, choices: bool = False
) -> tuple[MemberFilterForm, QuerySet[Membership]]:
    """The member list of ``user``'s scope on ``on``, filtered by ``query`` (page and API):
    the form and the rows as a query, to be counted and sliced in SQL. With ``choices``
    (the page), a scope of at most CELL_CHOICES_MAX cells offers them all in the form."""
    scope = access.scope(user, on)
    in_scope = cells_query(scope, on)
    # One more than the cap tells a small scope from a big one in the same query.
    cells = list(in_scope[: CELL_CHOICES_MAX + 1]) if choices else []
    if choices and len(cells) <= CELL_CHOICES_MAX:
        form = MemberFilterForm(
            query or None, cells=sorted(cells, key=lambda v: vntext.sort_key(v.name))
        )
        form.cells = cells
    else:
        form = MemberFilterForm(query or None, in_scope=in_scope)
    rows = Membership.objects.roster(on).filter(cell_id__in=in_scope.values("organization_id"))
    form.is_valid()  # the fields that are valid still filter; the page says which are not
    data = {name: None for name in form.fields} | getattr(form, "cleaned_data", {})
    if data["q"]:
        rows = rows.filter(name_matches(data["q"], "person__"))
    if data["cell"]:
        rows = rows.filter(cell_id=data["cell"])
    status = data["status"]
    official = Q(party__official_date__lte=on)
    if status == Status.OFFICIAL:
        rows = rows.filter(official, kind=MembershipKind.OFFICIAL)
    elif status == Status.PROBATIONARY:
        rows = rows.filter(~official, kind=MembershipKind.OFFICIAL)
    elif status == "temporary":
        rows = rows.filter(kind=MembershipKind.TEMPORARY)
    elif status == "exempt":
        rows = rows.filter(exempt=True)
    if data["rank"]:
        rows = rows.filter(rank=data["rank"])
    if data["position"]:
        side, value = data["position"].split(":", 1)
        if side == "party":
            rows = rows.filter(
                Exists(
                    Position.objects.filter(
                        valid_on(on),
                        person=OuterRef("person_id"),
                        organization=OuterRef("cell_id"),
                        role=value,
                    )
                )
            )
        else:
            rows = rows.filter(police_position=value)
    return form, rows


COUNTS = "counts"  # the cache the lists' lengths are kept in (settings.CACHES)


def kept_count(rows: QuerySet[Membership]) -> int:
    """How many ``rows`` there are: counted in SQL once per statement and kept until the
    data changes (``chibo.audit.generation``), as the findings are. The key is the
    statement with its values, which name the date, the scope's cells and every filter
    applied: two lists share a count only when they are the same list (the page and the
    API's, however their empty filters were sent).

    The rows of one page cost the page (50 rows through the name index: 8 ms for the whole
    country on PostgreSQL), but their count costs the country (120,000 memberships joined to
    their party records: 80-100 ms, make bench), and it is the same for every page of a list
    and every reader of it: turning the pages counts once (issue 16)."""
    try:
        statement = rows.query.sql_with_params()
    except EmptyResultSet:  # an empty scope: no statement to send, nothing to count
        return 0
    key = f"roster:{generation.digest(repr(statement).encode())}"
    return generation.Reading().kept(key, rows.count, COUNTS)


def labels(row) -> dict:
    return {
        "rank": Rank(row.rank).label if row.rank else "",
        "police": PolicePosition(row.police_position).label if row.police_position else "",
        "party_role": Role(row.party_role).label if row.party_role else "",
        "status": ("Chính thức" if row.is_official else "Dự bị")
        + (" · tạm thời" if row.kind == MembershipKind.TEMPORARY else "")
        + (" · miễn sinh hoạt" if row.exempt else ""),
    }


def _heirs(org_ids: set[int]) -> dict[int, set[int]]:
    """Each organization with, transitively, every organization that continues it (merges,
    splits, R-GEO-03): one query per generation of successors, not per organization."""
    edges: dict[int, set[int]] = {}
    found, frontier = set(org_ids), set(org_ids)
    while frontier:
        pairs = OrgSuccession.objects.filter(predecessor_id__in=frontier).values_list(
            "predecessor_id", "successor_id"
        )
        for predecessor, successor in pairs:
            edges.setdefault(predecessor, set()).add(successor)
        frontier = {successor for following in edges.values() for successor in following} - found
        found |= frontier
    heirs = {}
    for org in org_ids:
        reached, todo = {org}, [org]
        while todo:
            for successor in edges.get(todo.pop(), ()):
                if successor not in reached:
                    reached.add(successor)
                    todo.append(successor)
        heirs[org] = reached
    return heirs


def in_transit(on: dt.date, cell_ids, scope) -> list[dict]:
    """Official transfers pending on ``on`` from or to ``cell_ids`` (None: every cell, for a
    user who sees everything), with their R-MEM-09 deadlines: shown in both cells' lists
    (the member counts in the sending cell). A transfer to a cell that ``scope`` writes for,
    or whose successor it writes for (R-GEO-03), offers the receive page. The queries do not
    grow with the number of cells in scope (issue 16)."""
    moves = Transfer.objects.pending_on(on).select_related("person").order_by("sent_on", "pk")
    if cell_ids is not None:
        ids = set(cell_ids)
        # A receiving cell merged away during the transit: its successor receives (R-GEO-03).
        receiving = with_predecessors(ids)
        moves = moves.filter(Q(from_cell_id__in=ids) | Q(to_cell_id__in=receiving))
    moves = list(moves)
    if not moves:
        return []
    heirs = _heirs({move.to_cell_id for move in moves if move.to_cell_id})
    writable = set(
        cells_query(scope, on, Capability.WRITE)
        .filter(organization_id__in=set().union(*heirs.values()))
        .values_list("organization_id", flat=True)
    )
    names = cell_names(
        on, {move.from_cell_id for move in moves} | {move.to_cell_id for move in moves}
    )
    labels = {
        "waiting": "Đang chờ nộp giấy giới thiệu",
        "late_letter": "Quá 30 ngày làm việc chưa nộp giấy giới thiệu",
        "late": "Quá 60 ngày làm việc chưa hoàn thành",
    }
    rows = []
    for move in moves:
        state = move.state_on(on)
        rows.append(
            {
                "transfer": move,
                "from_name": names.get(move.from_cell_id) or str(move.from_cell),
                "to_name": names.get(move.to_cell_id) or str(move.to_cell),
                "state": state,
                "state_label": labels[state],
                "late": state != "waiting",
                "can_receive": bool(heirs.get(move.to_cell_id, set()) & writable),
            }
        )
    return rows
