"""Issue 12, "no member is ever lost": on a day, every person with an active party record
is in exactly one cell or in exactly one pending transfer. Used by the tests over the demo
and the bench data, and usable on a real database (``nobody_lost``)."""

import datetime as dt
from collections import Counter

from chibo.lib import vndates
from chibo.members.models import Membership, MembershipKind, PartyRecord, Transfer, member_on
from chibo.orgs.models import OrgVersion


def misplaced_on(on: dt.date) -> dict[int, str]:
    """Person id → what is wrong on ``on``; empty when the invariant holds. Four queries.

    A member who left the system (an official transfer to an organization outside it) is
    no longer the system's to place, and is not counted.
    """
    members = set(PartyRecord.objects.filter(member_on(on, "")).values_list("person_id", flat=True))
    alive = set(OrgVersion.objects.on(on).values_list("organization_id", flat=True))
    cells = Counter()
    dead = {}
    for person_id, cell_id in (
        Membership.objects.on(on)
        .filter(kind=MembershipKind.OFFICIAL, person_id__in=members)
        .values_list("person_id", "cell_id")
    ):
        cells[person_id] += 1
        if cell_id not in alive:
            dead[person_id] = cell_id
    pending = Counter(
        Transfer.objects.pending_on(on)
        .filter(person_id__in=members)
        .values_list("person_id", flat=True)
    )
    gone = set(
        Transfer.objects.filter(
            kind=MembershipKind.OFFICIAL, to_cell__isnull=True, sent_on__lte=on
        ).values_list("person_id", flat=True)
    )
    wrong = {}
    for person_id in members - gone:
        place = (cells[person_id], pending[person_id])
        if person_id in dead:
            wrong[person_id] = f"sinh hoạt ở tổ chức đã kết thúc #{dead[person_id]}"
        elif place not in {(1, 0), (0, 1)}:
            wrong[person_id] = f"{place[0]} chi bộ, {place[1]} lần chuyển đang chờ"
    return wrong


def nobody_lost(first: dt.date, last: dt.date) -> dict[dt.date, dict[int, str]]:
    """``misplaced_on`` on every first day of a month from ``first`` to ``last``."""
    day, found = dt.date(first.year, first.month, 1), {}
    while day <= last:
        wrong = misplaced_on(day)
        if wrong:
            found[day] = wrong
        day = vndates.add_months(day, 1)
    return found
