"""The data's generation: a number that changes whenever a recorded change is committed.

Every write of a domain record leaves an audit ``Entry`` (``tracking``), in the same
transaction as the write, so the id of the latest change names the state of the data: what
is computed from the data on a date can be kept under (date, generation) and served until
the next change (issue 16: findings and figures served, not recomputed per view). Rule sets
and the working calendar are audited data too, so a new rule set is a new generation.

One case it cannot see: on PostgreSQL, a transaction that took a lower id and commits after
one that took a higher id. Whatever is kept under a generation therefore also expires
(``CHIBO_COMPUTED_SECONDS``), which bounds that staleness.
"""

from chibo.audit.models import Action, Entry


def current() -> int:
    """The id of the latest committed change (0 before any): one index lookup."""
    latest = (
        Entry.objects.exclude(action=Action.ACCESS)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    return latest or 0
