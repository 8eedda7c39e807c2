"""The member list as of a date: one query, filtered like the page's form (R-TXT-04/05)."""

import datetime as dt

from django.db.models import Exists, OuterRef, Q

from chibo.accounts import access
from chibo.accounts.access import Capability
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
from chibo.orgs.models import Kind, OrgVersion, with_predecessors

CELL_KINDS = [kind.value for kind in Kind if kind.is_cell]


def cells_in(scope, on: dt.date, capability=Capability.VIEW) -> list[OrgVersion]:
    """Cells of ``scope`` existing on ``on``, in Vietnamese name order. The kind is filtered
    in SQL: a national scope would otherwise build as many committees as cells for nothing
    (each model instance costs its init signals)."""
    versions = scope.filter(OrgVersion.objects.on(on), capability, "organization_id")
    return versions.filter(kind__in=CELL_KINDS).sorted_by_name()


def roster(user, on: dt.date, query):
    """The member list of ``user``'s scope on ``on``, filtered by ``query`` (page and API)."""
    scope = access.scope(user, on)
    cells = cells_in(scope, on)
    form = MemberFilterForm(query or None, cells=cells)
    # The cells as a subquery, not thousands of ids sent back (none for a user who sees
    # everything): the same rows as ``cells``, found by the database (issue 16).
    in_scope = scope.filter(
        OrgVersion.objects.on(on).filter(kind__in=CELL_KINDS),
        Capability.VIEW,
        "organization_id",
    ).values("organization_id")
    rows = Membership.objects.roster(on).filter(cell_id__in=in_scope)
    form.is_valid()  # the fields that are valid still filter; the page says which are not
    data = {name: None for name in form.fields} | getattr(form, "cleaned_data", {})
    if data["q"]:
        rows = rows.filter(name_matches(data["q"], "person__"))
    if data["cell"]:
        rows = rows.filter(cell_id=data["cell"])
    status = data["status"]
    official = Q(person__party__official_date__lte=on)
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
    return form, rows, {c.organization_id: c.name for c in cells}


def labels(row) -> dict:
    return {
        "rank": Rank(row.rank).label if row.rank else "",
        "police": PolicePosition(row.police_position).label if row.police_position else "",
        "party_role": Role(row.party_role).label if row.party_role else "",
        "status": ("Chính thức" if row.is_official else "Dự bị")
        + (" · tạm thời" if row.kind == MembershipKind.TEMPORARY else "")
        + (" · miễn sinh hoạt" if row.exempt else ""),
    }


def in_transit(on: dt.date, cell_ids, names: dict[int, str], receivers=()) -> list[dict]:
    """Official transfers pending on ``on`` from or to ``cell_ids``, with their R-MEM-09
    deadlines: shown in both cells' lists (the member counts in the sending cell). A
    transfer to one of ``receivers`` (cells the user writes for) offers the receive page."""
    ids = set(cell_ids)
    # A receiving cell merged away during the transit: its successor receives (R-GEO-03).
    receiving = with_predecessors(ids)
    moves = (
        Transfer.objects.pending_on(on)
        .filter(Q(from_cell_id__in=ids) | Q(to_cell_id__in=receiving))
        .select_related("person")
        .order_by("sent_on", "pk")
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
                "can_receive": bool(with_predecessors(receivers) & {move.to_cell_id}),
            }
        )
    return rows
