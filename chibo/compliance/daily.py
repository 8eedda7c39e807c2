"""The daily run: record the day's findings so the board shows when a problem appeared and
when it went away (new / still open / resolved), and keep a late recognition (R-MEM-05)
recorded as late, with its deadline and the day it was done, even when it was entered after
the fact or the run never saw it open."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from chibo.compliance import checks
from chibo.lib import vndates
from chibo.lib.vndates import format_date
from chibo.members.models import Membership, MembershipKind, PartyRecord
from chibo.rules.models import FindingRecord, RuleSet, working_calendar


@dataclass
class Outcome:
    new: int = 0
    still_open: int = 0
    resolved: int = 0
    late: int = 0


@transaction.atomic
def record(on: dt.date) -> Outcome:
    found = {f.key: f for f in checks.run(scope_ids=None, on=on, include_dismissed=True)}
    outcome = Outcome()
    open_records = {r.key: r for r in FindingRecord.objects.filter(resolved_on__isnull=True)}
    for key, finding in found.items():
        record_ = open_records.pop(key, None)
        if record_ is None:
            FindingRecord.objects.update_or_create(
                key=key,
                defaults={
                    "rule_id": finding.rule_id,
                    "organization_id": finding.organization_id,
                    "message": finding.message[:500],
                    "first_seen": on,
                    "last_seen": on,
                    "resolved_on": None,
                },
            )
            outcome.new += 1
        else:
            record_.last_seen = on
            record_.save(update_fields=["last_seen"])
            outcome.still_open += 1
    for record_ in open_records.values():
        record_.resolved_on = on
        record_.save(update_fields=["resolved_on"])
        outcome.resolved += 1
    outcome.late = record_late_recognitions(on)
    return outcome


def record_late_recognitions(on: dt.date) -> int:
    """R-MEM-05: every recognition decided after its deadline (30 working days after the
    probation) and on or before ``on`` is kept as the overdue finding's record, closed on
    the decision day: first seen the day after the deadline, resolved on the decision day,
    the message naming both dates. The official date itself is back-dated to the end of
    probation (R-MEM-06), so it cannot tell lateness. Returns how many records it wrote."""
    rule_sets = list(RuleSet.objects.order_by("valid_from"))
    calendar = working_calendar()

    def rules_on(day: dt.date) -> RuleSet:
        return next((r for r in rule_sets if r.holds_on(day)), None) or RuleSet.on(day)

    late = {}
    records = PartyRecord.objects.filter(recognition_decided_on__lte=on).values_list(
        "person_id",
        "person__ho",
        "person__ten_dem",
        "person__ten",
        "ceremony_date",
        "recognition_decided_on",
    )
    for person_id, ho, ten_dem, ten, ceremony, decided in records.iterator(chunk_size=5000):
        rules = rules_on(ceremony)
        end = vndates.add_months(ceremony, rules.probation_months)
        window = rules_on(end).recognition_window_days
        # Cheap bound first: n working days are never fewer than n calendar days.
        if decided <= end + dt.timedelta(days=window):
            continue
        deadline = calendar.add_working_days(end, window)
        if decided > deadline:
            name = " ".join(p for p in (ho, ten_dem, ten) if p)
            late[person_id] = (name, deadline, decided)
    if not late:
        return 0
    keys = {f"R-MEM-05:{person_id}:overdue": person_id for person_id in late}
    existing = {r.key: r for r in FindingRecord.objects.filter(key__in=list(keys))}
    cells = {}
    for person_id, cell_id, start, end in Membership.objects.filter(
        person_id__in=list(late), kind=MembershipKind.OFFICIAL
    ).values_list("person_id", "cell_id", "valid_from", "valid_to"):
        deadline = late[person_id][1]
        if start <= deadline and (end is None or end > deadline):
            cells[person_id] = cell_id
    written = 0
    for key, person_id in keys.items():
        name, deadline, decided = late[person_id]
        if person_id not in cells:  # in no cell on the deadline: nobody's finding to keep
            continue
        wanted = {
            "rule_id": "R-MEM-05",
            "organization_id": cells[person_id],
            "message": (
                f"{name}: quyết định công nhận chính thức trễ hạn, ngày {format_date(decided)}; "
                f"hạn xét đến hết ngày {format_date(deadline)}."
            )[:500],
            "first_seen": deadline + dt.timedelta(days=1),
            "last_seen": decided - dt.timedelta(days=1),
            "resolved_on": decided,
        }
        record_ = existing.get(key)
        if record_ is not None and all(getattr(record_, f) == v for f, v in wanted.items()):
            continue
        FindingRecord.objects.update_or_create(key=key, defaults=wanted)
        written += 1
    return written
