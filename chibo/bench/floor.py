"""The floor: hand-written SQL returning exactly chibo's numbers, timed side by side with
chibo's own functions in the same process (issue 16).

Two cases:

* the overview figures of the whole country (``chibo.figures.stats.compute`` for a user
  who sees everything): one statement over a ``cells`` CTE;
* the missed-meeting check of a region (``check_meetings`` for a board user over
  provinces holding 1,000 cells): one statement that resolves the region from its roots
  (a recursive CTE on the links in force) and lists the months without a regular meeting
  (R-MTG-01) and the quarters without a thematic one (R-MTG-02).

Each case first asserts that both sides return the same numbers, then times them: a
warm-up, then ``repeat`` runs of each, alternated so that load on a shared machine hits
both alike. ``ratio`` is chibo's median over the floor's.

The SQL is written for the data the bench generates, and says where it is narrower than
chibo: no successions (the region's predecessors), no combined meetings before HD 42.
The equality check fails loudly if the data ever needs them.
"""

import datetime as dt
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from chibo.bench.run import p95
from chibo.lib import vndates
from chibo.meetings.models import REGULAR_KINDS, THEMATIC_KINDS, Stage
from chibo.members.models import MembershipKind, Reason, Role
from chibo.orgs.models import Kind, Relation

CELL_KINDS = [k.value for k in Kind if k.is_cell]


def _sql(text: str, values: dict) -> tuple[str, list]:
    """``:name`` markers to the driver's positional ``%s``, with the values in order."""
    params = []

    def mark(match: re.Match) -> str:
        params.append(values[match.group(1)])
        return "%s"

    return re.sub(r":([a-z_][a-z_0-9]*)", mark, text), params


def _in(name: str, items: list) -> tuple[str, dict]:
    """``(:name0, :name1, …)`` and its values, for a short constant list (kinds, roles)."""
    marks = {f"{name}{i}": item for i, item in enumerate(items)}
    return "(" + ", ".join(f":{key}" for key in marks) + ")", marks


def _valid(alias: str) -> str:
    return f"{alias}.valid_from <= :on AND ({alias}.valid_to IS NULL OR {alias}.valid_to > :on)"


def _member(alias: str) -> str:
    return f"{alias}.ceremony_date <= :on AND ({alias}.ended_on IS NULL OR {alias}.ended_on > :on)"


def country_figures(on: dt.date) -> dict[str, int]:
    """The twelve figures of ``stats.KEYS`` for the whole country on ``on``, in one query."""
    cell_kinds, kinds = _in("cellkind", CELL_KINDS)
    # A member in transit counts in the sending cell (R-MEM-09) unless settings say none.
    transit = ""
    if settings.CHIBO_TRANSIT_COUNTS_IN == "sending":
        transit = """
            OR (m.valid_to <= :on AND m.reason_out = :transfer AND EXISTS (
                SELECT 1 FROM members_transfer t
                WHERE t.person_id = m.person_id AND t.from_cell_id = m.cell_id
                  AND t.sent_on = m.valid_to AND t.kind = :official AND t.to_cell_id IS NOT NULL
                  AND t.sent_on <= :on AND (t.received_on IS NULL OR t.received_on > :on)))"""
    text = f"""
    WITH cells AS (
        SELECT v.organization_id AS id
        FROM orgs_orgversion v JOIN orgs_organization o ON o.id = v.organization_id
        WHERE o.is_police AND v.kind IN {cell_kinds} AND {_valid("v")}
    ), counted AS (
        SELECT DISTINCT m.cell_id, m.person_id,
            CASE WHEN p.official_date <= :on THEN 1 ELSE 0 END AS official
        FROM members_membership m JOIN members_partyrecord p ON p.person_id = m.person_id
        WHERE m.cell_id IN (SELECT id FROM cells) AND m.kind = :official AND {_member("p")}
          AND (({_valid("m")}){transit})
    ), posts AS (
        SELECT x.organization_id,
            MAX(CASE WHEN x.role = :secretary THEN 1 ELSE 0 END) AS secretary,
            MAX(CASE WHEN x.role = :deputy THEN 1 ELSE 0 END) AS deputy,
            MAX(CASE WHEN x.role = :committee THEN 1 ELSE 0 END) AS committee
        FROM members_position x
        WHERE x.organization_id IN (SELECT id FROM cells) AND {_valid("x")}
        GROUP BY x.organization_id
    ), officers AS (
        SELECT DISTINCT s.person_id,
            CASE WHEN {_member("p")} THEN 1 ELSE 0 END AS member
        FROM members_policeservice s
        LEFT JOIN members_partyrecord p ON p.person_id = s.person_id
        WHERE s.cell_id IN (SELECT id FROM cells) AND {_valid("s")}
    )
    SELECT
        (SELECT COUNT(DISTINCT l.parent_id)
         FROM orgs_orglink l
         JOIN orgs_orgversion v ON v.organization_id = l.parent_id AND {_valid("v")}
         JOIN orgs_organization o ON o.id = l.parent_id
         WHERE l.child_id IN (SELECT id FROM cells) AND l.relation = :territorial
           AND {_valid("l")} AND v.kind = :commune AND NOT o.is_police),
        (SELECT COUNT(*) FROM cells),
        (SELECT COUNT(*) FROM counted),
        (SELECT COALESCE(SUM(official), 0) FROM counted),
        (SELECT COUNT(*) FROM posts WHERE secretary = 1 AND deputy = 1),
        (SELECT COUNT(*) FROM posts WHERE secretary = 1 AND deputy = 0),
        (SELECT COUNT(*) FROM posts WHERE committee = 1),
        (SELECT COUNT(*) FROM posts WHERE secretary = 1),
        (SELECT COUNT(*) FROM officers),
        (SELECT COALESCE(SUM(member), 0) FROM officers),
        (SELECT COUNT(DISTINCT r.cell_id)
         FROM documents_workingregulation r
         LEFT JOIN documents_workingregulation n ON n.id = r.replaced_by_id
         WHERE r.cell_id IN (SELECT id FROM cells) AND r.issued_on <= :on
           AND (r.replaced_by_id IS NULL OR n.issued_on > :on))
    """
    sql, params = _sql(
        text,
        {
            **kinds,
            "on": on,
            "official": MembershipKind.OFFICIAL.value,
            "transfer": Reason.TRANSFER.value,
            "secretary": Role.SECRETARY.value,
            "deputy": Role.DEPUTY.value,
            "committee": Role.CELL_COMMITTEE.value,
            "territorial": Relation.TERRITORIAL.value,
            "commune": Kind.GRASSROOTS_COMMITTEE.value,
        },
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = [int(v) for v in cursor.fetchone()]
    communes, cells, members, official, both, only, committee, secretary = row[:8]
    officers, officer_members, regulations = row[8:]
    return {
        "commune_committees": communes,
        "police_cells": cells,
        "members": members,
        "official_members": official,
        "probationary_members": members - official,
        "cells_with_secretary_and_deputy": both,
        "cells_with_secretary_only": only,
        "cells_with_committee": committee,
        "cells_without_secretary": cells - secretary,
        "regular_officers": officers,
        "regular_officers_party_members": officer_members,
        "cells_with_working_regulations": regulations,
    }


def missed_meetings(root_ids: list[int], on: dt.date, thematic: bool) -> set[str]:
    """Finding keys of R-MTG-01 (``R-MTG-01:cell:YYYY-MM``) and, when the rule set asks for
    a thematic meeting each quarter, R-MTG-02 (``R-MTG-02:cell:YYYYQn``) for the cells under
    ``root_ids`` on ``on``, as ``check_meetings`` words them."""
    year = on.year
    months = [
        (m, dt.date(year, m, 1), vndates.add_months(dt.date(year, m, 1), 1))
        for m in range(1, on.month)
    ]
    quarters = [
        (q + 1, dt.date(year, q * 3 + 1, 1), vndates.add_months(dt.date(year, q * 3 + 1, 1), 3))
        for q in range(4)
    ]
    quarters = [q for q in quarters if q[2] <= on] if thematic else []
    roots, root_values = _in("root", sorted(root_ids))
    cell_kinds, kinds = _in("cellkind", CELL_KINDS)
    regular, regular_values = _in("regular", sorted(REGULAR_KINDS))
    themed, themed_values = _in("themed", sorted(THEMATIC_KINDS))
    values = {**root_values, **kinds, **regular_values, **themed_values}
    values |= {"on": on, "start": dt.date(year, 1, 1), "planned": Stage.PLANNED.value}
    periods = []
    # Periods as a VALUES list: (kind of period, number, first day, day after).
    rows = [("m", m, first, after) for m, first, after in months]
    rows += [("q", q, first, after) for q, first, after in quarters]
    if not rows:
        return set()
    for i, (kind, number, first, after) in enumerate(rows):
        values |= {f"pk{i}": kind, f"pn{i}": number, f"pf{i}": first, f"pa{i}": after}
        periods.append(f"SELECT :pk{i} AS kind, :pn{i} AS n, :pf{i} AS first, :pa{i} AS after")
    text = f"""
    WITH RECURSIVE tree(id) AS (
        SELECT o.id FROM orgs_organization o WHERE o.id IN {roots}
        UNION
        SELECT l.child_id FROM orgs_orglink l JOIN tree t ON l.parent_id = t.id
        WHERE {_valid("l")}
    ), cells AS (
        SELECT v.organization_id AS id
        FROM orgs_orgversion v JOIN orgs_organization o ON o.id = v.organization_id
        WHERE v.organization_id IN (SELECT id FROM tree) AND o.is_police
          AND v.kind IN {cell_kinds} AND {_valid("v")}
    ), periods AS ({" UNION ALL ".join(periods)})
    SELECT c.id, p.kind, p.n FROM cells c CROSS JOIN periods p
    WHERE EXISTS (
        SELECT 1 FROM orgs_orgversion a WHERE a.organization_id = c.id
          AND a.valid_from <= p.first AND (a.valid_to IS NULL OR a.valid_to >= p.after))
      AND NOT EXISTS (
        SELECT 1 FROM meetings_meeting g
        WHERE g.cell_id = c.id AND g.date >= p.first AND g.date < p.after
          AND g.date >= :start AND g.date <= :on
          AND g.stage <> :planned
          AND ((p.kind = 'm' AND g.kind IN {regular} AND NOT g.makeup)
            OR (p.kind = 'q' AND g.kind IN {themed})))
    """
    sql, params = _sql(text, values)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    return {
        f"R-MTG-01:{cell}:{year}-{n:02d}" if kind == "m" else f"R-MTG-02:{cell}:{year}Q{n}"
        for cell, kind, n in found
    }


@dataclass
class FloorResult:
    name: str
    who: str
    url: str = ""
    status: int = 200
    queries: int = 0
    floor_queries: int = 1
    compared: int = 0  # figures or finding keys found equal on both sides
    app_ms: float = 0.0
    floor_ms: float = 0.0
    ratio: float = 0.0
    # The fastest run of each side and their ratio: on a shared or virtual machine the
    # medians move with the neighbours' load (SQLite's overview ratio read 1.2–1.7× in
    # medians of 7 on one quiet machine); the fastest runs are the least disturbed.
    app_min_ms: float = 0.0
    floor_min_ms: float = 0.0
    ratio_min: float = 0.0
    median_ms: float = 0.0
    p95_ms: float = 0.0
    max_ms: float = 0.0
    app_runs_ms: list[float] = field(default_factory=list)
    floor_runs_ms: list[float] = field(default_factory=list)
    error: str = ""

    def as_json(self) -> dict:
        return dict(self.__dict__)


def side_by_side(
    name: str, who: str, app: Callable[[], object], floor: Callable[[], object], repeat: int
) -> FloorResult:
    """Check equality on the warm-up, count chibo's queries, then time both alternately."""
    result = FloorResult(name, who)
    with CaptureQueriesContext(connection) as captured:
        mine = app()
    result.queries = len(captured.captured_queries)
    theirs = floor()
    if mine != theirs:
        result.status = 0
        result.error = f"chibo và SQL viết tay khác nhau: {_difference(mine, theirs)}"
        return result
    result.compared = len(mine)
    for _ in range(repeat):
        for runs, call in ((result.app_runs_ms, app), (result.floor_runs_ms, floor)):
            start = time.perf_counter()
            call()
            runs.append(round((time.perf_counter() - start) * 1000, 1))
    result.app_ms = round(statistics.median(result.app_runs_ms), 1)
    result.floor_ms = round(statistics.median(result.floor_runs_ms), 1)
    result.ratio = round(result.app_ms / result.floor_ms, 2) if result.floor_ms else 0.0
    result.app_min_ms = min(result.app_runs_ms)
    result.floor_min_ms = min(result.floor_runs_ms)
    if result.floor_min_ms:
        result.ratio_min = round(result.app_min_ms / result.floor_min_ms, 2)
    result.median_ms = result.app_ms
    result.p95_ms = p95(result.app_runs_ms)
    result.max_ms = max(result.app_runs_ms)
    return result


def _difference(mine, theirs) -> str:
    if isinstance(mine, dict):
        return ", ".join(
            f"{k}: {mine.get(k)} ≠ {theirs.get(k)}"
            for k in sorted(set(mine) | set(theirs))
            if mine.get(k) != theirs.get(k)
        )
    if isinstance(mine, set):
        return f"chỉ chibo {sorted(mine - theirs)[:5]}, chỉ SQL {sorted(theirs - mine)[:5]}"
    return f"{mine!r} ≠ {theirs!r}"


def run(dataset, *, region_user_id: int, on: dt.date, repeat: int, log=print) -> list[FloorResult]:
    from chibo.accounts import access
    from chibo.accounts.models import Grant, User
    from chibo.compliance import checks
    from chibo.figures import stats
    from chibo.rules.models import RuleSet

    results = []
    result = side_by_side(
        "floor overview",
        "superuser",
        lambda: stats.compute(scope_ids=None, on=on).figures,
        lambda: country_figures(on),
        repeat,
    )
    results.append(result)
    log(_summary(result))

    region = User.objects.get(pk=region_user_id)
    roots = sorted(
        Grant.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on), user=region)
        .filter(valid_from__lte=on)
        .values_list("organization_id", flat=True)
    )
    rules = RuleSet.on(on)
    # The context the alerts page builds anyway (scope, cells and their names) is made once,
    # outside the clock: the case times the check itself. The floor starts from the grants'
    # roots and resolves the region in its own SQL, so it is timed for more work, not less.
    ids = access.scope(region, on).ids()
    overview = stats.compute(scope_ids=ids, on=on)
    names = {row.organization_id: row.version.name for row in overview.cells}
    ctx = checks.Context(on=on, rules=rules, overview=overview, names=names, scope_ids=ids)

    def app() -> set[str]:
        return {f.key for f in checks.check_meetings(ctx)}

    result = side_by_side(
        "floor missed meet.",
        "region",
        app,
        lambda: missed_meetings(roots, on, rules.thematic_per_quarter),
        repeat,
    )
    results.append(result)
    log(_summary(result))
    return results


def _summary(result: FloorResult) -> str:
    if result.error:
        return f"  {result.name:<18} {result.who:<9} LỖI {result.error}"
    return (
        f"  {result.name:<18} {result.who:<9} chibo {result.app_ms:.1f} ms, "
        f"SQL viết tay {result.floor_ms:.1f} ms, tỉ lệ {result.ratio:.2f}× "
        f"(nhanh nhất {result.ratio_min:.2f}×; {result.compared} số liệu khớp)"
    )


def table(results: list[FloorResult]) -> str:
    """chibo against the floor: medians, chibo's p95 and queries, the ratio of the medians
    and that of the fastest runs."""
    lines = [
        f"{'case':<18}  {'user':<9}  {'queries':>7}  {'app ms':>8}  {'floor ms':>8}  "
        f"{'ratio':>6}  {'fastest':>7}  {'app p95':>8}"
    ]
    for r in results:
        if r.error:
            lines.append(f"{r.name:<18}  {r.who:<9}  ! {r.error}")
            continue
        lines.append(
            f"{r.name:<18}  {r.who:<9}  {r.queries:>7}  {r.app_ms:>8.1f}  {r.floor_ms:>8.1f}  "
            f"{r.ratio:>5.2f}×  {r.ratio_min:>6.2f}×  {r.p95_ms:>8.1f}"
        )
    return "\n".join(lines)
