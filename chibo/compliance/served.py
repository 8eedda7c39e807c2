"""Findings and figures served, not recomputed per view (issue 16, item 4).

The overview, the alerts board, the monthly report and the API ask here rather than running
the checks themselves. What the checks and the figures return depends only on the data, the
date, the scope and a few settings, so each result is kept under (what, engine version,
settings, script prefix, date, scope) together with the data's generation it was computed
at, and served while the generation is the same: any recorded write is a new generation
(``chibo.audit.generation``), and the rule set in force on a date is data too. Today and past
dates are served alike; the first view after a change computes, the next ones read. One entry
per key: a new generation replaces the old value rather than piling up beside it.

How a result is kept with its generation, and when it is not kept, is
``chibo.audit.generation.Reading``: the cache is ``CACHES["computed"]``, per process, holding
the objects themselves, so what is served must be read, never changed (a view that annotates
findings copies them first). Entries expire after ``CHIBO_COMPUTED_SECONDS`` to bound
memory.
"""

import datetime as dt
import hashlib
from array import array

from django.conf import settings
from django.urls import get_script_prefix

from chibo.audit import generation
from chibo.compliance import checks
from chibo.figures import stats

# Raised whenever a change of the checks or of the figures' code changes what they return
# for the same data (a shared cache then serves nothing computed by the previous code).
ENGINE = 2
CACHE = generation.CACHE
# Settings the checks or the figures read: a result computed under other values is another.
SETTINGS = ("CHIBO_TRANSIT_COUNTS_IN", "CHIBO_SECURITY_RESOLUTION_BY", "TIME_ZONE")


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _scope(scope_ids: frozenset[int] | None) -> str:
    if scope_ids is None:
        return "all"
    return _digest(array("q", sorted(scope_ids)).tobytes())


def key(what: str, scope_ids: frozenset[int] | None, on: dt.date, *flags) -> str:
    """Where ``what`` for this scope and date is kept: everything it depends on except the
    data, whose generation is kept beside the value. Links in findings carry the script
    prefix, so a site served under two prefixes keeps two answers."""
    fixed = repr([getattr(settings, name, None) for name in SETTINGS]).encode()
    parts = [what, str(ENGINE), _digest(fixed), get_script_prefix(), on.isoformat()]
    return ":".join(parts + [_scope(scope_ids)] + [str(f) for f in flags])


class Reading(generation.Reading):
    """One view's reading of the data (``generation.Reading``): the overview asks for three
    results at one generation."""

    def computed(self, what: str, scope_ids, on: dt.date, compute, *flags):
        """What ``compute()`` returns for ``scope_ids`` on ``on``, kept under ``what`` until
        the data changes (the result must depend on nothing else: no user, no request)."""
        return self.kept(key(what, scope_ids, on, *flags), compute)

    def overview(self, *, scope_ids: frozenset[int] | None, on: dt.date) -> stats.Overview:
        """``stats.compute``, served."""
        return self.computed(
            "overview", scope_ids, on, lambda: stats.compute(scope_ids=scope_ids, on=on)
        )

    def findings(
        self, *, scope_ids: frozenset[int] | None, on: dt.date, include_dismissed: bool = False
    ) -> list[checks.Finding]:
        """``checks.run``, served. Its figures are this reading's (``overview``): kept at
        the same generation, or computed now and kept with it, never figures kept at an
        earlier generation. The first view after a change computes the figures once, not
        once for the cards and again for the checks (issue 16)."""
        return self.computed(
            "findings",
            scope_ids,
            on,
            lambda: checks.run(
                scope_ids=scope_ids,
                on=on,
                include_dismissed=include_dismissed,
                overview=self.overview(scope_ids=scope_ids, on=on),
            ),
            include_dismissed,
        )


def computed(what: str, scope_ids, on: dt.date, compute, *flags):
    return Reading().computed(what, scope_ids, on, compute, *flags)


def overview(*, scope_ids: frozenset[int] | None, on: dt.date) -> stats.Overview:
    return Reading().overview(scope_ids=scope_ids, on=on)


def findings(
    *, scope_ids: frozenset[int] | None, on: dt.date, include_dismissed: bool = False
) -> list[checks.Finding]:
    return Reading().findings(scope_ids=scope_ids, on=on, include_dismissed=include_dismissed)
