"""The data's generation: a number that changes whenever a recorded change is committed.

Every write of a domain record leaves an audit ``Entry`` (``tracking``), in the same
transaction as the write, so the id of the latest change names the state of the data: what
is computed from the data on a date can be kept under (date, generation) and served until
the next change (issue 16: findings and figures served, not recomputed per view). Rule sets
and the working calendar are audited data too, so a new rule set is a new generation.

Ids are handed out in order, but on PostgreSQL transactions may commit out of order: a long
writer that took id 100 can commit after a quick one that took 101, and a reader who saw 101
before the long one committed would name by 101 a state without change 100. ``settled()``
tells whether that can still happen: a transaction that has written an entry holds a ROW
EXCLUSIVE lock on the table until it ends, so if no other session holds one after the
generation was read, every entry up to it has committed (or rolled back), and what is
computed from then on includes them. SQLite has one writer at a time: ids commit in order.
"""

from django.db import connection

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


def settled() -> bool:
    """Whether no other transaction is still writing history: true once every change named
    by a generation read earlier has committed (see above). Asked before computing what will
    be kept; one look at PostgreSQL's lock table, in this database only."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT NOT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'relation'"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            " AND relation = %s::regclass AND mode = 'RowExclusiveLock'"
            " AND pid IS DISTINCT FROM pg_backend_pid())",
            [Entry._meta.db_table],
        )
        return cursor.fetchone()[0]
