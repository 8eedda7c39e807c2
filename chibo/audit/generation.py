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

``Reading`` keeps what is computed from the data under a key, with the generation it was
computed at, in a per-process cache of the objects themselves: the findings and figures in
``CACHES["computed"]`` (``compliance.served``), the organization tree's subtrees that scopes
are made of in ``CACHES["subtrees"]`` (``orgs``).
"""

import hashlib
import time
from array import array
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction

from chibo.audit.models import Action, Entry, Link
from chibo.audit.tracking import TRACKED


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


_TRACKS = {label.lower(): track for label, track in TRACKED.items()}  # entries name label_lower


@dataclass(frozen=True)
class Changes:
    """What the recorded changes between two generations touched: the kinds of rows written
    (``"members.membership"``) and the objects whose history shows them, as (kind, id)
    pairs (``("organization", 12)``), with, for a row that was moved, the object it was
    moved from (an update of ``cell_id`` names both cells)."""

    types: frozenset[str]
    subjects: frozenset[tuple[str, int]]


def changes(
    since: int, upto: int, *, limit: int, unread: frozenset[str] = frozenset()
) -> Changes | None:
    """The changes committed after generation ``since`` up to ``upto``, or ``None`` when
    there are more than ``limit`` of them (an import: cheaper to compute everything again).
    Rows of the ``unread`` kinds count in ``types`` but name no subjects. Asked only once
    ``settled()`` has held for ``upto``: every entry up to it has committed."""
    rows = list(
        Entry.objects.filter(pk__gt=since, pk__lte=upto)
        .exclude(action=Action.ACCESS)
        .order_by("pk")
        .values_list("pk", "object_type", "action", "changes")[: limit + 1]
    )
    if len(rows) > limit:
        return None
    types = frozenset(object_type for _pk, object_type, *_ in rows)
    rows = [row for row in rows if row[1] not in unread]
    named = [pk for pk, *_ in rows]
    subjects = set(Link.objects.filter(entry_id__in=named).values_list("kind", "object_id"))
    for _pk, object_type, action, changed in rows:
        track = _TRACKS.get(object_type)
        if action != Action.UPDATE or track is None:
            continue
        # A link names the row as it is after a save, as it was before a queryset update
        # (``tracking.updated``): a moved row names both ends, whichever it is.
        for kind, path in track.subjects:
            if "__" in path:  # one relation away: moved if the relation's column changed
                if f"{path.split('__', 1)[0]}_id" in changed:
                    return None
                continue
            for value in changed.get(path, []) if path != "pk" else []:
                if type(value) is int:
                    subjects.add((kind, value))
    return Changes(types, frozenset(subjects))


CACHE = "computed"


def digest(data: bytes) -> str:
    """A short name for ``data`` in a key of what is kept."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def ids_key(ids: Iterable[int] | None) -> str:
    """A short name for a set of ids (a scope, roots) in a key; ``all`` for ``None``."""
    if ids is None:
        return "all"
    return digest(array("q", sorted(ids)).tobytes())


class Reading:
    """One view's reading of the data: the generation is read once, however many results
    the view asks for, and each is served from the cache while the generation is the same.

    A result is kept only when it cannot be older than its generation: the generation is read
    first, then ``settled()`` must show no other transaction still writing history, and only
    then is it computed. It is stored once the transaction that computed it has committed
    (``on_commit``): a view that wrote and then rolled back never leaves behind results of data
    that did not happen. What is served is shared by every view of the process: read it, never
    change it."""

    def __init__(self):
        self.generation = current()
        self._settled: bool | None = None

    def kept(self, where: str, compute, alias: str = CACHE, refresh=None):
        """What ``compute()`` returns, kept under ``where`` in ``CACHES[alias]`` until the
        data changes: the key must name everything else it depends on (date, scope, settings,
        script prefix).

        ``refresh(since, value)``, when given, brings a value kept at an earlier generation
        up to this one from the changes in between (``changes``), without changing the kept
        value, or returns ``None`` to have it computed afresh. Asked only when settled: the
        changes it reads are then all the changes there were."""
        cache = caches[alias]
        held = cache.get(where)
        if held is not None and held[0] == self.generation:
            return held[1]
        if self._settled is None:  # asked once, after the generation and before computing
            self._settled = settled()
        value, born = None, time.monotonic()
        # A result brought up to date is computed whole again once as old as an entry may
        # live (CHIBO_COMPUTED_SECONDS): a dependency a refresh missed lasts no longer than
        # a kept result did before refreshes (review of issue 16).
        if (
            refresh is not None
            and held is not None
            and self._settled
            and held[0] < self.generation
            and born - held[2] < settings.CHIBO_COMPUTED_SECONDS
        ):
            value = refresh(held[0], held[1])
            if value is not None:
                born = held[2]
        if value is None:
            value = compute()
        if self._settled:
            entry = (self.generation, value, born)
            transaction.on_commit(lambda: cache.set(where, entry), robust=True)
        return value
