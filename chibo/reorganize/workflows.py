"""The reorganization workflows that touch the tree and the people; each one transaction."""

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction

from chibo import audit
from chibo.members import operations as members
from chibo.orgs import operations as tree
from chibo.orgs.models import Organization, OrgEvent


def refuse_people(org: Organization, on: dt.date) -> None:
    """An organization that still has members, officers or posts on ``on`` cannot end
    without a successor: nobody is left in an organization that no longer exists."""
    ties = members.ties_on(org, on)
    if ties:
        raise ValidationError(
            f"Tổ chức còn {ties} người sinh hoạt, công tác hoặc giữ chức vụ vào ngày này; hãy "
            "chuyển họ đi, hoặc hợp nhất tổ chức thay vì giải thể, chia tách."
        )


@audit.operation("Hợp nhất tổ chức")
@transaction.atomic
def merge(
    *,
    sources: Sequence[Organization],
    on: dt.date,
    by,
    into: Organization | None = None,
    new: tree.Attrs | None = None,
    decision: str = "",
) -> Organization:
    """Merge the organizations and carry their members and officers to the successor
    (R-GEO-02, R-GEO-03); the receiving organization keeps its own posts."""
    successor = tree.merge(sources=sources, into=into, new=new, on=on, by=by, decision=decision)
    moved = [s for s in sources if s.pk != successor.pk]
    members.follow_reorganization(sources=moved, successor=successor, on=on)
    return successor


@audit.operation("Chia tách tổ chức")
@transaction.atomic
def split(
    *,
    org: Organization,
    on: dt.date,
    by,
    parts: Sequence[tree.Attrs],
    children: dict[int, int] | None = None,
    decision: str = "",
) -> list[Organization]:
    """Split an organization with no people left on the day (they cannot be divided by a
    guess: transfer them first)."""
    refuse_people(org, on)
    return tree.split(org=org, on=on, by=by, parts=parts, children=children, decision=decision)


@audit.operation("Giải thể tổ chức")
@transaction.atomic
def dissolve(*, org: Organization, on: dt.date, by, decision: str = "") -> OrgEvent:
    refuse_people(org, on)
    return tree.dissolve(org=org, on=on, by=by, decision=decision)
