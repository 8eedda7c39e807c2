"""Findings and figures served, not recomputed per view (issue 16, item 4).

The overview, the alerts board, the monthly report and the API ask here rather than running
the checks themselves. What the checks and the figures return depends only on the data, the
date and the scope, so each result is kept under (what, engine version, date, the data's
generation, scope) and served until the data changes: any recorded write is a new generation
(``chibo.audit.generation``), and the rule set in force on a date is data too. Today and past
dates are served alike; the first view after a change computes, the next ones read.

A result is kept only once the transaction that computed it has committed (``on_commit``):
a view that wrote and then rolled back never leaves behind figures of data that did not
happen. The cache is ``CACHES["computed"]`` (per process by default; one shared backend
serves every worker if configured), and every entry also expires after
``CHIBO_COMPUTED_SECONDS``.
"""

import datetime as dt
import hashlib
from array import array

from django.core.cache import caches
from django.db import transaction

from chibo.audit import generation
from chibo.compliance import checks
from chibo.figures import stats

# Raised whenever a change of the checks or of the figures' code changes what they return
# for the same data (a deploy then serves nothing computed by the previous code).
ENGINE = 1
CACHE = "computed"


def _scope(scope_ids: frozenset[int] | None) -> str:
    if scope_ids is None:
        return "all"
    ids = array("q", sorted(scope_ids))
    return hashlib.blake2b(ids.tobytes(), digest_size=16).hexdigest()


def computed(what: str, scope_ids, on: dt.date, compute, *flags):
    """What ``compute()`` returns for ``scope_ids`` on ``on``, kept under ``what`` until the
    data changes (the result must depend on nothing else: no user, no request)."""
    key = ":".join(
        [what, str(ENGINE), on.isoformat(), str(generation.current()), _scope(scope_ids)]
        + [str(f) for f in flags]
    )
    cache = caches[CACHE]
    value = cache.get(key)
    if value is None:
        value = compute()
        transaction.on_commit(lambda: cache.set(key, value), robust=True)
    return value


def overview(*, scope_ids: frozenset[int] | None, on: dt.date) -> stats.Overview:
    """``stats.compute``, served."""
    return computed("overview", scope_ids, on, lambda: stats.compute(scope_ids=scope_ids, on=on))


def findings(
    *,
    scope_ids: frozenset[int] | None,
    on: dt.date,
    include_dismissed: bool = False,
    overview: stats.Overview | None = None,
) -> list[checks.Finding]:
    """``checks.run``, served. ``overview`` is accepted for the callers' convenience and not
    used: figures computed before the generation was read could be older than it, and
    findings built on them would be kept under a newer generation (review of issue 16)."""
    del overview
    return computed(
        "findings",
        scope_ids,
        on,
        lambda: checks.run(scope_ids=scope_ids, on=on, include_dismissed=include_dismissed),
        include_dismissed,
    )
