"""The compliance checks (domain §12): each a small function with its rule ID, run for a
scope and a date under the rule set in force on that date. A fixed number of queries per
check, whatever the number of cells.

A finding names the rule ID, the regulation in force, the organization (and person), the
facts that triggered it, and the page that fixes it.
"""

import datetime as dt
import functools
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Count, Max, Q
from django.db.models.functions import TruncMonth
from django.urls import get_script_prefix, get_urlconf, reverse

from chibo.briefings.models import Assignment, Recommendation, RecStatus
from chibo.compliance.register import check_dissemination, check_security_resolution
from chibo.figures import stats
from chibo.lib import vndates, vntext
from chibo.lib.idlist import IdList
from chibo.lib.vndates import format_date
from chibo.meetings import quality
from chibo.meetings.models import (
    REGULAR_KINDS,
    THEMATIC_KINDS,
    Attendance,
    Kind,
    Meeting,
    Presence,
    Rubric,
    Stage,
    SuperiorAssignment,
    minutes_between,
)
from chibo.members.models import Membership, PartyRecord, Person, Transfer
from chibo.orgs.models import OrgSuccession, Term, continued_among, with_predecessors
from chibo.rules.models import Dismissal, RuleSet, Severity, working_calendar

SOURCES = {
    "R-ORG-01": "Điều lệ Đảng, Điều 24 khoản 1",
    "R-ORG-04": "Điều lệ Đảng, Điều 24 khoản 4",
    "R-ORG-06": "Điều lệ Đảng, Điều 24 khoản 3",
    "R-MEM-05": "Điều lệ Đảng, Điều 5",
    "R-MEM-09": "Quy định thi hành Điều lệ Đảng, mục 6.3.1",
    "R-MEM-12": "Điều lệ Đảng, Điều 8",
    "R-MTG-01": "Điều lệ Đảng, Điều 24 khoản 2",
    # {guide}: the meeting guide of the rule set in force (HD 12, from 28/10/2025 HD 42).
    "R-MTG-02": "{guide}",
    "R-MTG-12": "{guide}, tiêu chí 1",
    "R-MTG-03": "{guide}",
    "F-6": "Phân công cấp ủy viên theo dõi chi bộ",
    "R-POL-02": "Công văn 273-CV/BTCTW; Quy định về tổ chức đảng trong CAND",
    "F-7": "Quy chế làm việc của chi bộ",
    "BRIEF": "Thông báo kết luận hội nghị trực báo",
    "F-8": "yêu cầu chi bộ Công an xã tham mưu đảng ủy xã ban hành nghị quyết về an ninh, trật tự",
    "F-9": "yêu cầu học tập, quán triệt nghị quyết, chỉ thị của cấp trên (Nghị quyết 12-NQ/TW)",
}


@dataclass
class Finding:
    rule_id: str
    severity: str
    organization_id: int
    organization: str
    message: str
    url: str
    regulation: str
    key: str
    facts: list[str] = field(default_factory=list)
    person_id: int | None = None

    def as_json(self) -> dict:
        return {
            "rule_id": self.rule_id,
            "severity": self.severity,
            "organization": self.organization_id,
            "organization_name": self.organization,
            "person": self.person_id,
            "message": self.message,
            "facts": self.facts,
            "regulation": self.regulation,
            "url": self.url,
            "key": self.key,
        }


@dataclass
class Context:
    on: dt.date
    rules: RuleSet
    overview: stats.Overview
    names: dict[int, str]
    scope_ids: frozenset[int] | None
    # Every police cell on the day (a whole-country run), not the few cells of a rerun.
    whole: bool = False

    @property
    def cell_ids(self) -> list[int]:
        return [row.organization_id for row in self.overview.cells]

    @property
    def cells(self):
        """The run's cells as a filter value (``cell_id__in=ctx.cells``): for the whole
        country the subquery of every police cell on the day, no id sent (issue 16: given
        3,321 ids as one array, PostgreSQL walked the meetings cell by cell, and the
        attendance check took 680–780 ms, 580–650 with the subquery); else the ids."""
        if self.whole:
            return stats.cells_in(None, self.on)
        return IdList(self.cell_ids)

    def cite(self, rule_id: str) -> str:
        """The rule's source and the regulation in force on the date (QĐ 24 until 19/1/2025,
        QĐ 232 from 20/1/2025, QĐ 294 from 1/7/2025: rule sets are data). Worded once per
        rule and run: a national run cites thousands of findings."""
        cited = self.__dict__.setdefault("_cited", {})
        if rule_id not in cited:
            source = SOURCES.get(rule_id, rule_id).format(guide=self.rules.meeting_guide)
            cited[rule_id] = f"{source}; {self.rules.regulation}"
        return cited[rule_id]

    def finding(self, rule_id, severity, org_id, message, url, key, facts=(), person_id=None):
        return Finding(
            rule_id,
            severity,
            org_id,
            self.names.get(org_id, f"#{org_id}"),
            message,
            url,
            self.cite(rule_id),
            f"{rule_id}:{key}",
            list(facts),
            person_id,
        )


# A pk no row will ever have, reversed once per URL name and replaced by each finding's
# pk: ``reverse`` costs a resolver walk per call, and a national run links thousands of
# findings (issue 16: building links was most of the alerts' Python time).
_SENTINEL = 987654321987


@functools.cache
def _url_pattern(name: str, prefix: str, urlconf: str | None) -> tuple[str, str]:
    before, _sep, after = reverse(name, urlconf, args=[_SENTINEL]).partition(str(_SENTINEL))
    return before, after


def url(name: str, pk: int) -> str:
    """``reverse(name, args=[pk])``, without the resolver's cost after the first call (per
    script prefix and URLconf, which ``reverse`` also depends on)."""
    before, after = _url_pattern(name, get_script_prefix(), get_urlconf())
    return f"{before}{int(pk)}{after}"


def _org_url(org_id: int, on: dt.date) -> str:
    return url("orgs:detail", org_id) + f"?as_of={on.isoformat()}"


def _person_url(person_id: int, on: dt.date) -> str:
    return url("members:detail", person_id) + f"?as_of={on.isoformat()}"


def check_cells(ctx: Context) -> list[Finding]:
    """R-ORG-01, R-ORG-04 (and a vacant Bí thư), R-POL-02, F-7: from the overview's rows."""
    found = []
    rules, on = ctx.rules, ctx.on
    regulation_new = reverse("documents:regulation_new")
    for row in ctx.overview.cells:
        org = row.organization_id
        url = _org_url(org, on)
        if row.official < rules.min_official:
            found.append(
                ctx.finding(
                    "R-ORG-01",
                    Severity.HIGH,
                    org,
                    f"Chỉ có {row.official} đảng viên chính thức, dưới {rules.min_official}.",
                    url,
                    f"{org}",
                )
            )
        if not row.secretaries:
            found.append(
                ctx.finding(
                    "R-ORG-04",
                    Severity.HIGH,
                    org,
                    "Chi bộ chưa có Bí thư.",
                    url,
                    f"{org}:secretary",
                )
            )
        if row.official >= rules.committee_from and not row.committee:
            found.append(
                ctx.finding(
                    "R-ORG-04",
                    Severity.MEDIUM,
                    org,
                    f"Có {row.official} đảng viên chính thức (từ {rules.committee_from}) "
                    "nhưng chưa có chi ủy.",
                    url,
                    f"{org}:committee",
                )
            )
        if row.official < rules.committee_from and len(row.deputies) > 1:
            found.append(
                ctx.finding(
                    "R-ORG-04",
                    Severity.MEDIUM,
                    org,
                    f"Dưới {rules.committee_from} đảng viên chính thức nhưng có "
                    f"{len(row.deputies)} Phó Bí thư.",
                    url,
                    f"{org}:deputies",
                )
            )
        if len(row.committee) > rules.committee_max:
            found.append(
                ctx.finding(
                    "R-ORG-04",
                    Severity.MEDIUM,
                    org,
                    f"Chi ủy có {len(row.committee)} người, quá {rules.committee_max}.",
                    url,
                    f"{org}:committee_max",
                )
            )
        if not row.regulation:
            found.append(
                ctx.finding(
                    "F-7",
                    Severity.MEDIUM,
                    org,
                    "Chưa có quy chế làm việc còn hiệu lực.",
                    regulation_new + f"?cell={org}",
                    f"{org}",
                )
            )
        for name in row.officers_not_members:
            found.append(
                ctx.finding(
                    "R-POL-02",
                    Severity.MEDIUM,
                    org,
                    f"Cán bộ chính quy {name} chưa là đảng viên.",
                    url,
                    f"{org}:{name}",
                )
            )
    return found


# R-ORG-06: with the grassroots committee's consent a congress may be held up to 6 months
# before or after the term's end (Điều lệ Đảng, Điều 24 khoản 3).
CONGRESS_LEEWAY_MONTHS = 6


def check_terms(ctx: Context) -> list[Finding]:
    """R-ORG-06, judged by each term's own policy (a term begun under "twice in five years"
    stays due after 30 months even after 1/7/2025): *soon* within the warning days before
    the term ends, *due* from its end through the 6-month leeway, *overdue* after it."""
    latest: dict[int, Term] = {}
    for term in Term.objects.filter(organization_id__in=ctx.cells, valid_from__lte=ctx.on).order_by(
        "valid_from"
    ):
        latest[term.organization_id] = term
    found = []
    for org, term in latest.items():
        due = term.due_on
        if term.valid_to is not None and term.valid_to <= ctx.on:
            due = min(due, term.valid_to)  # closed without a newer term recorded
        last = vndates.add_months(due, CONGRESS_LEEWAY_MONTHS)
        url = _org_url(org, ctx.on)  # the terms table; writers find "Ghi đại hội" there
        facts = [
            f"Nhiệm kỳ {term.label} từ {format_date(term.valid_from)}, "
            f"{term.get_policy_display().lower()}",
            f"Có thể đại hội sớm từ {format_date(vndates.add_months(due, -CONGRESS_LEEWAY_MONTHS))}"
            f" hoặc muộn đến hết ngày {format_date(last)} khi cấp ủy cơ sở đồng ý",
        ]
        if ctx.on > last:
            severity, key = Severity.HIGH, "overdue"
            message = (
                f"Quá hạn đại hội: nhiệm kỳ {term.label} đến hạn từ ngày {format_date(due)}, "
                f"đã quá 6 tháng (đến hết ngày {format_date(last)}); chưa ghi đại hội nhiệm kỳ mới."
            )
        elif due <= ctx.on:
            severity, key = Severity.MEDIUM, "due"
            message = (
                f"Đến hạn đại hội: nhiệm kỳ {term.label} đến hạn từ ngày {format_date(due)}; "
                f"tổ chức đại hội chậm nhất đến hết ngày {format_date(last)}."
            )
        elif (due - ctx.on).days <= ctx.rules.term_warn_days:
            severity, key = Severity.LOW, "soon"
            message = (
                f"Nhiệm kỳ {term.label} đến hạn đại hội ngày {format_date(due)} "
                f"(còn {(due - ctx.on).days} ngày); chuẩn bị đại hội."
            )
        else:
            continue
        found.append(
            ctx.finding("R-ORG-06", severity, org, message, url, f"{org}:{term.pk}:{key}", facts)
        )
    return found


def check_transfers(ctx: Context) -> list[Finding]:
    """R-MEM-09: an official transfer still pending past 30 working days (the letter not
    presented to the receiving cell) or past 60 (the procedure not completed). One finding
    per transfer and deadline, on the sending cell when in scope, else on the receiving one."""
    cells = set(ctx.cell_ids)
    # A receiving cell merged away: its successor's. The cells' predecessors are asked by
    # the cells' subquery, theirs in turn by id: what with_predecessors(cells) adds.
    merged = set(
        OrgSuccession.objects.filter(successor_id__in=ctx.cells).values_list(
            "predecessor_id", flat=True
        )
    )
    merged = with_predecessors(merged - cells) - cells
    receiving = Q(to_cell_id__in=ctx.cells)
    if merged:
        receiving |= Q(to_cell_id__in=IdList(merged))
    pending = Transfer.objects.pending_on(ctx.on).filter(Q(from_cell_id__in=ctx.cells) | receiving)
    found, calendar = [], None
    for move in pending.select_related("person"):
        calendar = calendar or working_calendar()
        letter, complete = move.deadlines(calendar)
        if ctx.on <= letter:
            continue
        org = move.from_cell_id
        if org not in cells:
            org = continued_among(move.to_cell_id, cells)
        name = move.person.full_name
        facts = [
            f"Chuyển đi ngày {format_date(move.sent_on)}",
            f"Nộp giấy giới thiệu đến hết ngày {format_date(letter)} (30 ngày làm việc)",
            f"Hoàn thành thủ tục đến hết ngày {format_date(complete)} (60 ngày làm việc)",
        ]
        if ctx.on > complete:
            severity, key = Severity.HIGH, "complete"
            message = (
                f"{name}: chuyển sinh hoạt quá 60 ngày làm việc chưa hoàn thành "
                f"(hạn đến hết ngày {format_date(complete)}); đảng viên hoặc tổ chức phải giải trình."
            )
        else:
            severity, key = Severity.MEDIUM, "letter"
            message = (
                f"{name}: quá 30 ngày làm việc chưa nộp giấy giới thiệu sinh hoạt đảng cho chi "
                f"bộ nhận (hạn đến hết ngày {format_date(letter)})."
            )
        found.append(
            ctx.finding(
                "R-MEM-09",
                severity,
                org,
                message,
                _person_url(move.person_id, ctx.on),
                f"{move.pk}:{key}",
                facts,
                person_id=move.person_id,
            )
        )
    return found


# Up to this many cells (a cell's own board, or ``rerun`` after a write in a few), a check
# starts from the cells' members rather than from the country's probationers: 30 ms of a
# first view after a write went to reading every probationer for one cell (issue 16).
FEW_CELLS = 20


def check_probation(ctx: Context) -> list[Finding]:
    """R-MEM-05: probation ending soon; recognition overdue past the 30-working-day window."""
    # Probationers are few: found through the index on official_date (two index searches;
    # an OR of both makes SQLite scan), then their memberships in the scope's cells.
    waiting = {}
    # A recognition decided after ``on`` leaves the member waiting on ``on``, though the
    # official date is back-dated to the end of probation (R-MEM-06): a late decision must
    # not erase the overdue finding of the days before it. Bounded through the index on
    # official_date: a decision more than two years after the probation is not looked for.
    late_decisions = Q(
        official_date__lte=ctx.on,
        official_date__gt=vndates.add_months(ctx.on, -24),
        recognition_decided_on__gt=ctx.on,
    )
    # counted_on: a probationer in transit keeps the alert in the cell that counts them.
    counted = Membership.objects.counted_on(ctx.on).filter(cell_id__in=ctx.cells)
    for query in (Q(official_date__isnull=True), Q(official_date__gt=ctx.on), late_decisions):
        records = PartyRecord.objects.filter(query, ceremony_date__lte=ctx.on).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gt=ctx.on)
        )
        if len(ctx.cell_ids) <= FEW_CELLS:  # their members are fewer than the probationers
            records = records.filter(person_id__in=counted.values("person_id"))
        waiting.update(records.values_list("person_id", "ceremony_date"))
    cells = dict(counted.filter(person_id__in=IdList(waiting)).values_list("person_id", "cell_id"))
    calendar = working_calendar()
    due = []
    for person_id, cell_id in cells.items():
        end = vndates.add_months(waiting[person_id], ctx.rules.probation_months)
        if (end - ctx.on).days <= ctx.rules.probation_warn_days:  # the rest are months away
            due.append((person_id, cell_id, end))
    names = {p.pk: p.full_name for p in Person.objects.filter(pk__in=IdList(d[0] for d in due))}
    found = []
    for person_id, org, end in due:
        deadline = calendar.add_working_days(end, ctx.rules.recognition_window_days)
        name, url = names[person_id], _person_url(person_id, ctx.on)
        if ctx.on > deadline:
            message, key, severity = (
                f"{name}: quá hạn xét công nhận chính thức (hạn đến hết ngày "
                f"{format_date(deadline)}).",
                "overdue",
                Severity.MEDIUM,
            )
        elif end <= ctx.on:
            message, key, severity = (
                f"{name}: đã hết dự bị ngày {format_date(end)}; chi bộ xét, đề nghị công nhận "
                f"chính thức đến hết ngày {format_date(deadline)}.",
                "window",
                Severity.LOW,
            )
        else:
            message, key, severity = (
                f"{name}: hết 12 tháng dự bị ngày {format_date(end)}; hạn xét đến hết ngày "
                f"{format_date(deadline)}.",
                f"soon:{end.isoformat()}",
                Severity.LOW,
            )
        found.append(
            ctx.finding(
                "R-MEM-05", severity, org, message, url, f"{person_id}:{key}", person_id=person_id
            )
        )
    return found


def check_absences(
    ctx: Context, *, changed: frozenset[int] | None = None, before=()
) -> list[Finding]:
    """R-MEM-12: months in the calendar year with an absence without reason from the cell's
    meetings, reaching 3 (for everyone: filtered by the cells, not by thousands of people).

    Given ``changed`` cells, only for the people on the rolls of their meetings of the year
    and the people found ``before``: after a write in those cells no one else's absences
    can have changed, and everyone found before is looked at again (``rerun``, issue 16)."""
    start = dt.date(ctx.on.year, 1, 1)
    year = Attendance.objects.filter(meeting__date__gte=start, meeting__date__lte=ctx.on)
    if changed is None:
        months = list(
            year.filter(meeting__cell_id__in=ctx.cells, status=Presence.UNEXCUSED)
            .values("person_id")
            .annotate(
                months=Count(TruncMonth("meeting__date"), distinct=True),
                cell=Max("meeting__cell_id"),
            )
            .filter(months__gte=ctx.rules.removal_months)
        )
    else:
        people = set(before)
        cells = set(ctx.cell_ids)
        people.update(
            year.filter(meeting__cell_id__in=IdList(changed & cells)).values_list(
                "person_id", flat=True
            )
        )
        # The few people's absences of the year through the index on person, the cells
        # checked here: given both lists, SQLite walked every cell's meetings of the year
        # instead (0.7 s, issue 16). The same months and cell as the query above.
        months_of: dict[int, set[int]] = defaultdict(set)
        last_cell: dict[int, int] = {}
        rows = year.filter(person_id__in=IdList(people), status=Presence.UNEXCUSED)
        for person_id, day, cell in rows.values_list(
            "person_id", "meeting__date", "meeting__cell_id"
        ):
            if cell in cells:
                months_of[person_id].add(day.month)  # one calendar year
                last_cell[person_id] = max(cell, last_cell.get(person_id, cell))
        months = [
            {"person_id": person_id, "months": len(seen), "cell": last_cell[person_id]}
            for person_id, seen in months_of.items()
            if len(seen) >= ctx.rules.removal_months
        ]
    # Names of the few found only, not joined to every absence of the year.
    names = {
        pk: " ".join(p for p in parts if p)
        for pk, *parts in Person.objects.filter(
            pk__in=IdList(item["person_id"] for item in months)
        ).values_list("pk", "ho", "ten_dem", "ten")
    }
    found = []
    for item in months:
        name = names[item["person_id"]]
        found.append(
            ctx.finding(
                "R-MEM-12",
                Severity.HIGH,
                item["cell"],
                f"{name}: {item['months']} tháng vắng sinh hoạt không lý do trong năm "
                f"{ctx.on.year}; chi bộ xem xét đề nghị xóa tên.",
                _person_url(item["person_id"], ctx.on),
                f"{item['person_id']}:{ctx.on.year}",
                person_id=item["person_id"],
            )
        )
    return found


def _months_before(on: dt.date) -> list[dt.date]:
    """First days of the calendar year's months already over on ``on``."""
    return [dt.date(on.year, m, 1) for m in range(1, on.month)]


def _alive(ctx: Context) -> dict[int, list[tuple[dt.date, dt.date | None]]]:
    from chibo.orgs.models import OrgVersion

    spans = defaultdict(list)
    for org, start, end in OrgVersion.objects.filter(organization_id__in=ctx.cells).values_list(
        "organization_id", "valid_from", "valid_to"
    ):
        spans[org].append((start, end))
    return spans


def _alive_during(spans, first: dt.date, after: dt.date) -> bool:
    """Alive for the whole period [first, after)."""
    return any(start <= first and (end is None or end >= after) for start, end in spans)


def _regular_and_thematic(held) -> tuple[set, set]:
    """(cell, month) with a regular meeting and (cell, quarter) with a thematic one, from
    ``(cell, date, kind, makeup)`` rows (R-MTG-01, R-MTG-02). A make-up (bù) never counts as
    the regular meeting of its month: it makes up for another one.

    A combined session counts as both only under the rule set in force on its day (from
    28/10/2025, HD 42). Before, a thematic meeting does not replace the month's regular one:
    a combined session is the month's regular meeting when the month has no other, and the
    quarter's thematic one only when a separate regular meeting was held that month.
    """
    rule_sets = list(RuleSet.objects.all())

    def counts_both(day: dt.date) -> bool:
        in_force = next((r for r in rule_sets if r.holds_on(day)), None)
        return in_force is not None and in_force.combined_counts_both

    regular, thematic, combined = set(), set(), []
    for cell, day, kind, makeup in held:
        if makeup:
            if kind in THEMATIC_KINDS:
                thematic.add((cell, (day.month - 1) // 3))
            continue
        if kind == Kind.COMBINED and not counts_both(day):
            combined.append((cell, day))
            continue
        if kind in REGULAR_KINDS:
            regular.add((cell, day.month))
        if kind in THEMATIC_KINDS:
            thematic.add((cell, (day.month - 1) // 3))
    for cell, day in sorted(combined):
        if (cell, day.month) in regular:
            thematic.add((cell, (day.month - 1) // 3))
        else:
            regular.add((cell, day.month))
    return regular, thematic


def check_meetings(ctx: Context) -> list[Finding]:
    """R-MTG-01 a month without a regular meeting; R-MTG-02 a quarter without a thematic
    one; both over the calendar year up to the date, for cells alive the whole period.

    A make-up meeting (bù) is a second meeting in its month, allowed with a reason: it is
    never counted as a second regular meeting, nor as the regular meeting of its month,
    since it makes up for another one."""
    start = dt.date(ctx.on.year, 1, 1)
    held = (
        Meeting.objects.filter(cell_id__in=ctx.cells, date__gte=start, date__lte=ctx.on)
        .exclude(stage=Stage.PLANNED)
        .values_list("cell_id", "date", "kind", "makeup")
    )
    regular, thematic = _regular_and_thematic(held)
    spans = _alive(ctx)
    found = []
    board = reverse("meetings:board")
    months = [(first, vndates.add_months(first, 1)) for first in _months_before(ctx.on)]
    quarters = [
        (
            q,
            dt.date(ctx.on.year, q * 3 + 1, 1),
            vndates.add_months(dt.date(ctx.on.year, q * 3 + 1, 1), 3),
        )
        for q in range(4)
    ]
    quarters = [(q, first, after) for q, first, after in quarters if after <= ctx.on]
    for cell in ctx.cell_ids:
        alive = spans[cell]
        for first, after in months:
            if (cell, first.month) not in regular and _alive_during(alive, first, after):
                found.append(
                    ctx.finding(
                        "R-MTG-01",
                        Severity.HIGH,
                        cell,
                        f"Tháng {first.month}/{first.year} không sinh hoạt thường kỳ.",
                        f"{board}?start={first:%m/%Y}&end={first:%m/%Y}",
                        f"{cell}:{first:%Y-%m}",
                    )
                )
        if not ctx.rules.thematic_per_quarter:
            continue
        for quarter, first, after in quarters:
            if (cell, quarter) not in thematic and _alive_during(alive, first, after):
                found.append(
                    ctx.finding(
                        "R-MTG-02",
                        Severity.MEDIUM,
                        cell,
                        f"Quý {quarter + 1}/{ctx.on.year} không sinh hoạt chuyên đề.",
                        board,
                        f"{cell}:{ctx.on.year}Q{quarter + 1}",
                    )
                )
    return found


class Held(NamedTuple):
    """A meeting held, as the attendance check reads it."""

    pk: int
    cell_id: int
    date: dt.date
    kind: str
    start_time: dt.time | None
    end_time: dt.time | None
    attended: int
    counted: int
    unexcused: int


def check_attendance(ctx: Context) -> list[Finding]:
    """R-MTG-12, criterion 1 as the meeting page judges it (attendance above the threshold, no
    unexcused absence, nobody excused more than 3 times in a row in the year), and R-MTG-03, the duration, for the meetings of this month and
    the last, under the rubric in force on each meeting's day (120 minutes for a combined
    meeting from 28/10/2025)."""
    first = vndates.add_months(dt.date(ctx.on.year, ctx.on.month, 1), -1)
    meetings = (
        Meeting.objects.filter(cell_id__in=ctx.cells, date__gte=first, date__lte=ctx.on)
        .exclude(stage=Stage.PLANNED)
        .annotate(
            attended=Count(
                "attendance", filter=Q(attendance__status__in=[Presence.PRESENT, Presence.LATE])
            ),
            counted=Count(
                "attendance",
                filter=~Q(attendance__status__in=[Presence.SPECIAL_DUTY, Presence.EXEMPT]),
            ),
            unexcused=Count("attendance", filter=Q(attendance__status=Presence.UNEXCUSED)),
        )
    )
    rubrics = list(Rubric.objects.filter(valid_from__lte=ctx.on))
    # Plain values, not model instances: thousands of meetings on a national run (issue 16).
    meetings = [Held(*row) for row in meetings.values_list(*Held._fields)]
    # Only runs longer than the shortest limit in force can be a finding (3 without rubric).
    shortest = min([rubric.max_excused_in_a_row for rubric in rubrics] + [3])
    streaks = quality.longest_excused_streaks(meetings, longer_than=shortest)
    found = []
    for meeting in meetings:
        rubric = next((r for r in rubrics if r.holds_on(meeting.date)), None)
        threshold = rubric.attendance_above if rubric else 85
        in_a_row = rubric.max_excused_in_a_row if rubric else 3
        minutes, needed = (
            minutes_between(meeting.date, meeting.start_time, meeting.end_time),
            rubric.min_minutes_for(meeting.kind) if rubric else 90,
        )
        if minutes is not None and minutes < needed:
            found.append(
                ctx.finding(
                    "R-MTG-03",
                    Severity.LOW,
                    meeting.cell_id,
                    f"Buổi sinh hoạt ngày {format_date(meeting.date)} kéo dài {minutes} phút, dưới {needed} phút.",
                    url("meetings:detail", meeting.pk),
                    f"{meeting.pk}",
                )
            )
        elif minutes is None:  # the meeting page fails the duration too (quality.duration_check)
            found.append(
                ctx.finding(
                    "R-MTG-03",
                    Severity.LOW,
                    meeting.cell_id,
                    f"Buổi sinh hoạt ngày {format_date(meeting.date)} chưa ghi giờ bắt đầu, "
                    "kết thúc.",
                    url("meetings:detail", meeting.pk),
                    f"{meeting.pk}:times",
                )
            )
        if not meeting.counted:
            found.append(
                ctx.finding(
                    "R-MTG-12",
                    Severity.LOW,
                    meeting.cell_id,
                    f"Buổi sinh hoạt ngày {format_date(meeting.date)} chưa điểm danh.",
                    url("meetings:attendance", meeting.pk),
                    f"{meeting.pk}:roll",
                )
            )
            continue
        rate = meeting.attended * 100 / meeting.counted
        streak = streaks.get(meeting.pk, 0)
        if rate <= threshold or meeting.unexcused or streak > in_a_row:
            facts = [f"Tỷ lệ dự họp {rate:.1f}%".replace(".", ",") + f" (cần trên {threshold}%)"]
            if meeting.unexcused:
                facts.append(f"{meeting.unexcused} đảng viên vắng không lý do")
            if streak > in_a_row:
                facts.append(
                    f"Có đảng viên vắng có lý do {streak} lần liên tiếp trong năm (quá {in_a_row})"
                )
            found.append(
                ctx.finding(
                    "R-MTG-12",
                    Severity.LOW,
                    meeting.cell_id,
                    f"Buổi sinh hoạt ngày {format_date(meeting.date)} không đạt tiêu chí dự họp.",
                    url("meetings:detail", meeting.pk),
                    f"{meeting.pk}",
                    facts,
                )
            )
    return found


def check_superior(ctx: Context) -> list[Finding]:
    """F-6: the assigned superior absent from the last two meetings in a row."""
    assigned = dict(
        SuperiorAssignment.objects.filter(cell_id__in=ctx.cells, valid_from__lte=ctx.on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=ctx.on))
        .values_list("cell_id", "valid_from")
    )
    recent = (
        Meeting.objects.filter(
            cell_id__in=IdList(assigned), date__lte=ctx.on, date__gte=vndates.add_months(ctx.on, -4)
        )
        .filter(kind__in=REGULAR_KINDS)
        .exclude(stage=Stage.PLANNED)
        .order_by("cell_id", "-date")
        .values_list("cell_id", "date", "superior_present")
    )
    last = defaultdict(list)
    for cell, day, present in recent:
        if day >= assigned[cell]:  # only meetings the present assignee was expected at
            last[cell].append((day, present))
    found = []
    n = ctx.rules.superior_absent_in_a_row
    for cell, meetings in last.items():
        if len(meetings) >= n and not any(p for _d, p in meetings[:n]):
            found.append(
                ctx.finding(
                    "F-6",
                    Severity.MEDIUM,
                    cell,
                    f"Cấp ủy viên được phân công vắng {n} buổi sinh hoạt liên tiếp "
                    f"(gần nhất {format_date(meetings[0][0])}).",
                    _org_url(cell, ctx.on),
                    f"{cell}:{meetings[0][0].isoformat()}",
                )
            )
    return found


def check_briefings(ctx: Context) -> list[Finding]:
    """Recommendations and conclusion tasks past due, for the organizations in scope."""
    # Open on the day: answered or closed later than it, or not at all.
    recs = Recommendation.objects.filter(
        Q(status__in=[RecStatus.NEW, RecStatus.IN_PROGRESS]) | Q(answered_on__gt=ctx.on),
        due_on__lt=ctx.on,
        raised_on__lte=ctx.on,
    )
    tasks = Assignment.objects.filter(
        Q(closed_on__isnull=True) | Q(closed_on__gt=ctx.on), conclusion__due_on__lt=ctx.on
    ).select_related("conclusion")
    if ctx.scope_ids is not None:
        recs = recs.filter(addressed_to_id__in=IdList(ctx.scope_ids))
        tasks = tasks.filter(organization_id__in=IdList(ctx.scope_ids))
    found = []
    for rec in recs:
        org = rec.addressed_to_id
        found.append(
            ctx.finding(
                "BRIEF",
                Severity.MEDIUM,
                org,
                f"Kiến nghị quá hạn trả lời (hạn đến hết ngày {format_date(rec.due_on)}): "
                f"{vntext.clip(rec.text, 120)}",
                url("briefings:answer", rec.pk),
                f"rec:{rec.pk}",
            )
        )
    for task in tasks:
        found.append(
            ctx.finding(
                "BRIEF",
                Severity.MEDIUM,
                task.organization_id,
                f"Nhiệm vụ quá hạn (hạn đến hết ngày {format_date(task.conclusion.due_on)}): "
                f"{vntext.clip(task.conclusion.text, 120)}",
                url("briefings:progress", task.pk),
                f"task:{task.pk}",
            )
        )
    return found


CHECKS = [
    check_cells,
    check_terms,
    check_transfers,
    check_probation,
    check_absences,
    check_meetings,
    check_attendance,
    check_superior,
    check_briefings,
    check_dissemination,
    check_security_resolution,
]
# Checks whose findings are all on police cells, each read from that cell's own records and
# its people's, with what every cell shares (the rule set, the calendar, the tree): a cell's
# findings are the same whatever else is in scope, so a change in a few cells is checked
# again in those cells only (``rerun``, issue 16). The others read across cells or depend on
# the scope (``STILL``, ``PER_PERSON`` and ``ACROSS`` below): a transfer's finding goes to
# the receiving cell when the sending one is outside the scope, absences are counted over
# every cell a member sat in during the year, a commune committee is asked for its
# resolution when one of its cells is in scope, and briefings belong to conferences.
PER_CELL = (
    check_cells,
    check_terms,
    check_probation,
    check_meetings,
    check_attendance,
    check_superior,
    check_dissemination,
)
# Checks that read none of a cell's own records, only the tree, the register's documents and
# the conferences' recommendations and tasks, and of the figures only which cells there are
# (``ctx.cell_ids``): no write that ``rerun`` follows (one in a cell's records,
# ``compliance.served.PER_CELL_ROWS``) changes what they find, and ``rerun`` keeps their
# findings (test: the tables they read are none of those rows).
# The only check run whole on every refresh is then R-MEM-11 (transfers, ``ACROSS``).
STILL = (check_briefings, check_security_resolution)
# Checks whose findings are each on one person, from that person's records across cells;
# given the changed cells, they look again at those cells' people and at everyone they
# found before (``changed=``, ``before=``), which is everyone whose finding can change.
PER_PERSON = (check_absences,)
ACROSS = tuple(check for check in CHECKS if check not in PER_CELL + STILL + PER_PERSON)


@dataclass(frozen=True)
class Found:
    """A run's findings as a page shows them, and the per-cell, still and per-person checks'
    own findings (before dismissals), kept beside them for ``rerun``. Shared once served:
    read, never changed."""

    findings: list[Finding]
    per_cell: list[Finding]
    still: list[Finding] = field(default_factory=list)
    per_person: list[Finding] = field(default_factory=list)


def _context(
    scope_ids: frozenset[int] | None, on: dt.date, overview: stats.Overview, whole: bool = True
) -> Context:
    """``whole``: ``overview`` has every cell of the scope (not a rerun's few)."""
    names = {row.organization_id: row.version.name for row in overview.cells}
    return Context(
        on=on,
        rules=RuleSet.on(on),
        overview=overview,
        names=names,
        scope_ids=scope_ids,
        whole=whole and scope_ids is None,
    )


def _finish(ctx: Context, findings: list[Finding], include_dismissed: bool) -> list[Finding]:
    """Names of organizations that are not cells, dismissals, the order of the board."""
    from chibo.orgs.models import NameBook

    missing = {f.organization_id for f in findings} - set(ctx.names)
    if missing:  # never a per-cell finding: those are on the cells named by the figures
        book = NameBook(missing)
        for f in findings:
            if f.organization_id in missing:
                f.organization = book.name(f.organization_id, ctx.on)
    if not include_dismissed:
        # A dismissal hides a finding from the day it was made, not before. Dismissals are
        # few (each one a supervisor's decision with its reason); the findings' keys are
        # thousands on a national run, and sending them cost more than reading every
        # dismissal (issue 16).
        dismissed = set(
            Dismissal.objects.filter(from_day__lte=ctx.on).values_list("key", flat=True)
        )
        findings = [f for f in findings if f.key not in dismissed]
    order = {Severity.HIGH: 0, Severity.MEDIUM: 1, Severity.LOW: 2}
    return sorted(findings, key=lambda f: (f.organization, order[f.severity], f.rule_id, f.key))


def found(
    *,
    scope_ids: frozenset[int] | None,
    on: dt.date,
    include_dismissed: bool = False,
    overview: stats.Overview | None = None,
) -> Found:
    """All findings for the organizations in ``scope_ids`` (``None``: everything) on ``on``."""
    if overview is None:
        overview = stats.compute(scope_ids=scope_ids, on=on)
    ctx = _context(scope_ids, on, overview)
    per_cell = [f for check in PER_CELL for f in check(ctx)]
    still = [f for check in STILL for f in check(ctx)]
    per_person = [f for check in PER_PERSON for f in check(ctx)]
    across = [f for check in ACROSS for f in check(ctx)]
    findings = _finish(ctx, per_cell + still + per_person + across, include_dismissed)
    return Found(findings, per_cell, still, per_person)


def rerun(
    old: Found,
    changed: frozenset[int],
    *,
    still: bool = False,
    scope_ids: frozenset[int] | None,
    on: dt.date,
    include_dismissed: bool,
    overview: stats.Overview,
) -> Found:
    """``old`` with the per-cell checks run again on the ``changed`` cells only, the still
    checks' findings kept (run again when ``still``), the per-person checks run again for
    the people they name and the other checks run whole: what ``found`` returns when nothing
    but those cells' records and their people's, and the rows only the still checks read,
    has changed since ``old`` (the caller knows it), given the figures of now
    (``overview``). ``old`` is left as it was."""
    ctx = _context(scope_ids, on, overview)
    changed = changed & ctx.names.keys()
    per_cell = [f for f in old.per_cell if f.organization_id not in changed]
    per_person = old.per_person
    if changed:  # else no cell's records changed: their findings and their people's stand
        rows = [row for row in overview.cells if row.organization_id in changed]
        few = _context(scope_ids, on, stats.Overview(on, overview.figures, rows), whole=False)
        per_cell += [f for check in PER_CELL for f in check(few)]
        before = {f.person_id for f in old.per_person}
        per_person = [f for check in PER_PERSON for f in check(ctx, changed=changed, before=before)]
    if still:
        kept = [f for check in STILL for f in check(ctx)]
    else:  # named already (the tree has not changed): ``_finish`` looks none up again
        kept = old.still
        ctx.names.update((f.organization_id, f.organization) for f in old.still)
    across = [f for check in ACROSS for f in check(ctx)]
    findings = _finish(ctx, per_cell + kept + per_person + across, include_dismissed)
    return Found(findings, per_cell, kept, per_person)


def run(
    *,
    scope_ids: frozenset[int] | None,
    on: dt.date,
    include_dismissed: bool = False,
    overview: stats.Overview | None = None,
) -> list[Finding]:
    """All findings for the organizations in ``scope_ids`` (``None``: everything) on ``on``."""
    return found(
        scope_ids=scope_ids, on=on, include_dismissed=include_dismissed, overview=overview
    ).findings
