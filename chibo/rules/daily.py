"""The daily run: record the day's findings so the board shows when a problem appeared and
when it went away (new / still open / resolved)."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from chibo.rules import checks
from chibo.rules.models import FindingRecord


@dataclass
class Outcome:
    new: int = 0
    still_open: int = 0
    resolved: int = 0


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
    return outcome
