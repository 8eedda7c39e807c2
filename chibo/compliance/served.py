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
from collections import defaultdict
from typing import NamedTuple

from django.conf import settings
from django.urls import get_script_prefix

from chibo.audit import generation
from chibo.audit.tracking import MEETING, ORG, PERSON
from chibo.compliance import checks
from chibo.figures import stats
from chibo.lib.idlist import IdList
from chibo.meetings.models import Attendance, Meeting, SuperiorAssignment
from chibo.members.models import Membership, PoliceService, Position, Transfer
from chibo.register.models import Participation

# Raised whenever a change of the checks or of the figures' code changes what they return
# for the same data (a shared cache then serves nothing computed by the previous code).
ENGINE = 3
CACHE = generation.CACHE
# Settings the checks or the figures read: a result computed under other values is another.
SETTINGS = ("CHIBO_TRANSIT_COUNTS_IN", "CHIBO_SECURITY_RESOLUTION_BY", "TIME_ZONE")


# Rows of a cell's own work and its people's: a change to them changes the figures and the
# per-cell findings of the cells it names, directly or through its person or meeting, and
# nothing else that is kept (``stats.refresh``, ``checks.rerun``). A change to any other
# kind of row (the tree, a rule set, the calendar, a rubric, a higher document) but those
# below has everything computed again. Named as the entries name them (label_lower).
PER_CELL_ROWS = frozenset(
    {
        "members.person",
        "members.partyrecord",
        "members.exemption",
        "members.membership",
        "members.transfer",
        "members.policeservice",
        "members.rankholding",
        "members.position",
        "members.memberaccount",
        "imports.partycard",
        "meetings.meeting",
        "meetings.attendance",
        "meetings.superiorassignment",
        "meetings.evaluation",
        "meetings.score",
        "documents.workingregulation",
        # A cell's terms (its congresses, R-ORG-06): read by check_terms for that cell only.
        "orgs.term",
        "register.dissemination",
        "register.participation",
        "rules.dismissal",
    }
)
# Rows no figure or check reads: who may sign in and see what (a scope is part of the key,
# not of the result), the daily run's record of what it found, an import's own record (the
# rows it writes are recorded each as itself), the numbers given to papers (closing the
# minutes of a meeting takes one).
UNREAD_ROWS = frozenset(
    {
        "documents.issuednumber",
        "accounts.user",
        "accounts.grant",
        "accounts.apitoken",
        "rules.findingrecord",
        "imports.batch",
        "imports.savedmapping",
    }
)
# Rows only ``checks.STILL`` reads (the conferences' records: briefings), none of the figures
# and no other check (test: ``test_only_the_still_checks_read_the_conferences``): a change to
# them leaves the figures and every other check's findings as they were, and has the still
# checks run again (``Touched.still``), not everything: a secretary of a party committee
# entering a conference's recommendations and conclusions writes dozens of them in a row.
STILL_ROWS = frozenset(
    {
        "briefings.conference",
        "briefings.cellreport",
        "briefings.recommendation",
        "briefings.conclusion",
        "briefings.assignment",
        "briefings.progress",
        "briefings.issuedpaper",
    }
)
# More changes than this since a result was kept (an import) are cheaper computed afresh
# than looked through; so are changes in more cells than this.
CHANGES_LIMIT = 500
CELLS_LIMIT = 200

# Where a person's records are read, by cell: their findings and figures are those cells'.
_PERSON_CELLS = (
    (Membership, "cell_id"),
    (PoliceService, "cell_id"),
    (Position, "organization_id"),
    (SuperiorAssignment, "cell_id"),
    (Transfer, "from_cell_id"),
    (Transfer, "to_cell_id"),
    (Attendance, "meeting__cell_id"),
    (Participation, "dissemination__cell_id"),
)


class Touched(NamedTuple):
    """What the changes since a result was kept may have changed in it (``touched``)."""

    # The organizations whose figures and per-cell findings may have changed.
    cells: frozenset[int]
    # Whether the still checks' findings may have (``STILL_ROWS``).
    still: bool = False


def touched(since: int, upto: int) -> Touched | None:
    """What the changes after generation ``since`` up to ``upto`` may have changed, or
    ``None`` when what changed is read across cells (computed again whole). A person's
    change touches every cell the person has a record in, at any date; a meeting's, its
    cell; a conference's, only the still checks."""
    unread = UNREAD_ROWS | STILL_ROWS  # counted in the types, naming no cell
    changes = generation.changes(since, upto, limit=CHANGES_LIMIT, unread=unread)
    if changes is None or not changes.types <= PER_CELL_ROWS | unread:
        return None
    still = bool(changes.types & STILL_ROWS)
    named = defaultdict(set)
    for kind, pk in changes.subjects:
        named[kind].add(pk)
    orgs = set(named[ORG])
    if named[MEETING]:
        cells = dict(
            Meeting.objects.filter(pk__in=IdList(named[MEETING])).values_list("pk", "cell_id")
        )
        if len(cells) < len(named[MEETING]):  # a meeting deleted: compute everything again
            return None
        orgs.update(cells.values())
    if named[PERSON]:
        people = IdList(named[PERSON])
        for model, column in _PERSON_CELLS:
            rows = model.objects.filter(person_id__in=people).exclude(**{f"{column}__isnull": True})
            orgs.update(rows.order_by().values_list(column, flat=True).distinct())
    if len(orgs) > CELLS_LIMIT:
        return None
    return Touched(frozenset(orgs), still)


def key(what: str, scope_ids: frozenset[int] | None, on: dt.date, *flags) -> str:
    """Where ``what`` for this scope and date is kept: everything it depends on except the
    data, whose generation is kept beside the value. Links in findings carry the script
    prefix, so a site served under two prefixes keeps two answers."""
    fixed = repr([getattr(settings, name, None) for name in SETTINGS]).encode()
    parts = [what, str(ENGINE), generation.digest(fixed), get_script_prefix(), on.isoformat()]
    return ":".join(parts + [generation.ids_key(scope_ids)] + [str(f) for f in flags])


class Reading(generation.Reading):
    """One view's reading of the data (``generation.Reading``): the overview asks for three
    results at one generation. The figures and the findings kept at an earlier generation
    are brought up to this one cell by cell when only cells' own records have changed since
    (``touched``), and computed whole otherwise."""

    def __init__(self):
        super().__init__()
        self._touched: dict[int, Touched | None] = {}

    def touched(self, since: int) -> Touched | None:
        """``touched(since, self.generation)``, asked once per reading."""
        if since not in self._touched:
            self._touched[since] = touched(since, self.generation)
        return self._touched[since]

    def computed(self, what: str, scope_ids, on: dt.date, compute, *flags, refresh=None):
        """What ``compute()`` returns for ``scope_ids`` on ``on``, kept under ``what`` until
        the data changes (the result must depend on nothing else: no user, no request).
        ``refresh(old, touched)`` brings a result kept earlier up to date for changes in
        ``touched.cells`` only (and, for the findings, in the still checks' rows)."""

        def refreshed(since, old):
            touched = self.touched(since)
            return None if touched is None else refresh(old, touched)

        return self.kept(
            key(what, scope_ids, on, *flags), compute, refresh=refreshed if refresh else None
        )

    def overview(self, *, scope_ids: frozenset[int] | None, on: dt.date) -> stats.Overview:
        """``stats.compute``, served."""
        return self.computed(
            "overview",
            scope_ids,
            on,
            lambda: stats.compute(scope_ids=scope_ids, on=on),
            refresh=lambda old, t: stats.refresh(old, t.cells, scope_ids=scope_ids, on=on),
        )

    def findings(
        self, *, scope_ids: frozenset[int] | None, on: dt.date, include_dismissed: bool = False
    ) -> list[checks.Finding]:
        """``checks.run``, served. Its figures are this reading's (``overview``): kept at
        the same generation, or computed now and kept with it, never figures kept at an
        earlier generation. The first view after a change computes the figures once, not
        once for the cards and again for the checks (issue 16)."""
        options = {"scope_ids": scope_ids, "on": on, "include_dismissed": include_dismissed}
        return self.computed(
            "findings",
            scope_ids,
            on,
            lambda: checks.found(**options, overview=self.overview(scope_ids=scope_ids, on=on)),
            include_dismissed,
            refresh=lambda old, t: checks.rerun(
                old,
                t.cells,
                still=t.still,
                **options,
                overview=self.overview(scope_ids=scope_ids, on=on),
            ),
        ).findings


def computed(what: str, scope_ids, on: dt.date, compute, *flags):
    return Reading().computed(what, scope_ids, on, compute, *flags)


def overview(*, scope_ids: frozenset[int] | None, on: dt.date) -> stats.Overview:
    return Reading().overview(scope_ids=scope_ids, on=on)


def findings(
    *, scope_ids: frozenset[int] | None, on: dt.date, include_dismissed: bool = False
) -> list[checks.Finding]:
    return Reading().findings(scope_ids=scope_ids, on=on, include_dismissed=include_dismissed)
