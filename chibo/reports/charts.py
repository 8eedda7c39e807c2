"""Charts drawn on the server as SVG (issue 14, item 5): readable without JavaScript, printed
as they are, and allowed by the Content-Security-Policy.

Hand-written rather than pygal: pygal's SVG carries its look in ``<style>`` elements and, by
default, a script tag loading its tooltips from a CDN; the policy here (``style-src 'self'``,
no inline style, nothing from outside) refuses both, and stripped of them its output loses
its colours. These charts use SVG presentation attributes only (``fill=``, ``stroke=``, never
``style=``), so they need no style sheet and no extra dependency. Every chart comes with its
figures as a table (``rows``), which the template shows in a ``<details>`` and names in the
SVG's ``aria-describedby`` for screen readers.

The series: per cell or committee, 12 months of attendance rate (R-MTG-12), superior presence
(F-6) and quality levels (R-MTG-14), from the monthly board's query; on the overview, members
by status (official, probationary) at each month's end, in one aggregate query.
"""

import datetime as dt
import functools
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from chibo.figures import stats
from chibo.lib.idlist import IdList
from chibo.lib.vnnumbers import number
from chibo.meetings import board
from chibo.meetings.models import Stage
from chibo.members.models import Membership, MembershipKind, counted, official_on

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 16, 56
INK = "#212529"
GRID = "#ced4da"
# Colours distinguishable in print and by people with the commonest colour blindness; each
# bar also carries its value in the table and in its <title>.
BLUE, ORANGE, GREEN, RED, GREY = "#1f5fa8", "#c85a00", "#2e7d32", "#b3261e", "#6c757d"
LEVEL_COLOURS = {"Tốt": GREEN, "Khá": BLUE, "Trung bình": ORANGE, "Kém": RED}


@dataclass
class Series:
    name: str
    values: list[float | None]
    colour: str


@dataclass
class Chart:
    key: str  # unique on the page: the ids of the title and the table derive from it
    title: str
    labels: list[str]
    series: list[Series]
    unit: str = ""  # "%" for rates
    stacked: bool = False
    y_max: float | None = None
    header: str = "Tháng"
    shown: list[list[str]] = field(default_factory=list)  # the table's cells, as displayed
    shown_headers: list[str] = field(default_factory=list)

    @property
    def headers(self) -> list[str]:
        """The table alternative's column headers."""
        return [self.header, *(self.shown_headers or [s.name for s in self.series])]

    @property
    def rows(self) -> list[list[str]]:
        """The figures as text, one row per label: what the table alternative shows."""
        if self.shown:
            return self.shown
        return [
            [label, *(self.format(s.values[i]) for s in self.series)]
            for i, label in enumerate(self.labels)
        ]

    def format(self, value: float | None) -> str:
        if value is None:
            return "—"
        if self.unit == "%":
            return f"{number(value, 1)}%"
        return number(value)

    @property
    def top(self) -> float:
        if self.y_max is not None:
            return self.y_max
        if self.stacked:
            sums = [sum(s.values[i] or 0 for s in self.series) for i in range(len(self.labels))]
        else:
            sums = [v or 0 for s in self.series for v in s.values]
        return _nice(max(sums, default=0))

    @functools.cached_property  # a served chart is drawn once, not on every view of it
    def svg(self) -> SafeString:
        return mark_safe(_draw(self))  # every text in it went through escape()


def _short(chart: Chart, value: float) -> str:
    """A bar's label: whole percents and counts (the table has the decimals)."""
    return f"{number(value)}{chart.unit}"


def _nice(value: float) -> float:
    """A round axis top at or above ``value`` (1, 2, 5 × 10ⁿ), at least 1."""
    if value <= 1:
        return 1
    step = 1
    while True:
        for factor in (1, 2, 5):
            if value <= factor * step:
                return factor * step
        step *= 10


def _draw(chart: Chart) -> str:
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    count = max(len(chart.labels), 1)
    band = plot_w / count
    groups = 1 if chart.stacked else max(len(chart.series), 1)
    bar = band * 0.7 / groups
    top = chart.top
    title_id, table_id = f"{chart.key}-title", f"{chart.key}-table"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT + 24}" '
        f'width="100%" role="img" aria-labelledby="{title_id}" aria-describedby="{table_id}" '
        f'font-family="sans-serif" font-size="12" class="chart">',
        f'<title id="{title_id}">{escape(chart.title)}</title>',
    ]
    # Horizontal grid and the axis values: 0, ½ and the top.
    for fraction in (0, 0.5, 1):
        y = TOP + plot_h * (1 - fraction)
        value = top * fraction
        text = f"{number(value)}{chart.unit}" if value == int(value) else number(value, 1)
        out.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{INK}">'
            f"{escape(text)}</text>"
        )
    for i, label in enumerate(chart.labels):
        x0 = LEFT + band * i + band * 0.15
        base = TOP + plot_h
        for j, series in enumerate(chart.series):
            value = series.values[i]
            if value is None or value <= 0:
                continue
            h = plot_h * min(value, top) / top
            x = x0 if chart.stacked else x0 + bar * j
            y = base - h
            out.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{series.colour}"><title>{escape(label)} · {escape(series.name)}: '
                f"{escape(chart.format(value))}</title></rect>"
            )
            if chart.stacked:
                base = y
            else:  # the value over its bar: read at a glance, without hovering
                out.append(
                    f'<text x="{x + bar / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" '
                    f'font-size="11" fill="{INK}">{escape(_short(chart, value))}</text>'
                )
        if chart.stacked and base < TOP + plot_h:
            total = sum(s.values[i] or 0 for s in chart.series)
            out.append(
                f'<text x="{x0 + bar / 2:.1f}" y="{base - 4:.1f}" text-anchor="middle" '
                f'font-size="11" fill="{INK}">{escape(_short(chart, total))}</text>'
            )
        out.append(
            f'<text x="{LEFT + band * (i + 0.5):.1f}" y="{TOP + plot_h + 16}" '
            f'text-anchor="middle" fill="{INK}">{escape(label)}</text>'
        )
    # The legend, under the axis.
    x = LEFT
    for series in chart.series:
        y = HEIGHT - 8
        out.append(
            f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{series.colour}"/>'
            f'<text x="{x + 16}" y="{y}" fill="{INK}">{escape(series.name)}</text>'
        )
        x += 28 + 7 * len(series.name)
    out.append("</svg>")
    return "".join(out)


def _label(month: board.Month) -> str:
    return f"{month.month:02d}/{str(month.year)[2:]}"


def twelve_months(last: board.Month) -> list[board.Month]:
    first = board.Month(last.year - 1 + last.month // 12, last.month % 12 + 1)
    return board.months(first, last)


def meeting_charts(
    scope_ids: frozenset[int] | None, last: board.Month, *, key: str, today: dt.date
) -> list[Chart]:
    """Attendance rate, superior presence and quality levels for the 12 months up to
    ``last``, over the police cells in ``scope_ids`` (one cell, or a committee's cells)."""
    period, rows = board.build(scope_ids, twelve_months(last)[0], last, today=today)
    attended = [0] * len(period)
    counted = [0] * len(period)
    held = [0] * len(period)
    superior = [0] * len(period)
    levels: dict[str, list[float | None]] = {}
    for row in rows:
        for i, slot in enumerate(row.slots):
            for meeting in slot.meetings:
                if meeting.stage == Stage.PLANNED or meeting.date > today:
                    continue
                held[i] += 1
                attended[i] += meeting.attended
                counted[i] += meeting.counted
                superior[i] += 1 if meeting.superior_present else 0
                if meeting.is_main_regular and meeting.final_level:
                    levels.setdefault(meeting.final_level, [0] * len(period))[i] += 1
    labels = [_label(m) for m in period]
    rate = [100 * a / c if c else None for a, c in zip(attended, counted, strict=True)]
    present = [100 * s / h if h else None for s, h in zip(superior, held, strict=True)]
    order = list(LEVEL_COLOURS)
    ranked = sorted(levels, key=lambda label: order.index(label) if label in order else 99)
    extra = iter([GREY, "#6f42c1", "#0b7285"])
    return [
        Chart(
            f"{key}-attendance",
            "Tỷ lệ đảng viên dự sinh hoạt (%)",
            labels,
            [Series("Tỷ lệ dự họp", rate, BLUE)],
            unit="%",
            y_max=100,
            shown=[
                [label, f"{number(r, 1)}%" if r is not None else "—", f"{a}/{c}"]
                for label, r, a, c in zip(labels, rate, attended, counted, strict=True)
            ],
            shown_headers=["Tỷ lệ dự họp", "Lượt dự / phải dự"],
        ),
        Chart(
            f"{key}-superior",
            "Buổi sinh hoạt có cấp ủy cấp trên dự (%)",
            labels,
            [Series("Có cấp trên dự", present, ORANGE)],
            unit="%",
            y_max=100,
            shown=[
                [label, f"{number(p, 1)}%" if p is not None else "—", f"{s}/{h}"]
                for label, p, s, h in zip(labels, present, superior, held, strict=True)
            ],
            shown_headers=["Tỷ lệ", "Buổi có cấp trên dự / buổi đã họp"],
        ),
        Chart(
            f"{key}-levels",
            "Xếp loại chất lượng sinh hoạt thường kỳ (số chi bộ)",
            labels,
            [
                Series(label, levels[label], LEVEL_COLOURS.get(label) or next(extra, GREY))
                for label in ranked
            ],
            stacked=True,
        ),
    ]


@dataclass(frozen=True)
class CountedMembers:
    """The members chart and the counts per cell it adds up, kept together so that a change
    in a few cells recounts those cells only (``counted_members``, issue 16)."""

    chart: Chart
    # Per police cell with members: members then official members, at each day in turn.
    by_cell: dict[int, tuple[int, ...]]
    # Per person with more than one membership: how many times the cells' counts count
    # them more than once, in the same order (a refresh re-reads only the changed cells').
    surplus: dict[int, tuple[int, ...]] = field(default_factory=dict)


def members_chart(scope_ids: frozenset[int] | None, on: dt.date, *, key: str = "members") -> Chart:
    """Members by status at each of the 12 month ends up to ``on`` (the last point is ``on``
    itself), counted as the overview counts them (đảng số, R-MEM-09/R-MEM-10)."""
    return counted_members(scope_ids, on, key=key).chart


def served_members_chart(reading, scope_ids: frozenset[int] | None, on: dt.date) -> Chart:
    """``members_chart`` through ``reading`` (a ``compliance.served.Reading``): served like
    the figures, and after a change in a few cells recounted in those cells only."""
    return reading.computed(
        "members_chart",
        scope_ids,
        on,
        lambda: counted_members(scope_ids, on),
        refresh=lambda old, t: counted_members(scope_ids, on, old=old, changed=t.cells),
    ).chart


def _counts(days: list[dt.date]) -> dict:
    """The membership rows that count at each day: members, and official members."""
    return {
        f"{what}{i}": Count("pk", filter=held)
        for i, day in enumerate(days)
        for what, held in (
            ("members", counted(day)),
            ("official", counted(day) & official_on(day, "party__")),
        )
    }


@dataclass(frozen=True)
class Chosen:
    """The chart's memberships for a scope on a day; hashable, so that its resolved
    counting query can be kept (``_per_cell``)."""

    scope_ids: frozenset[int] | None
    on: dt.date

    @property
    def memberships(self) -> QuerySet:
        memberships = Membership.objects.filter(
            kind=MembershipKind.OFFICIAL, cell__is_police=True, valid_from__lte=self.on
        )
        if self.scope_ids is not None:
            memberships = memberships.filter(cell_id__in=IdList(self.scope_ids))
        return memberships


def per_cell(chosen: Chosen) -> QuerySet:
    """A fresh copy of ``_per_cell``'s query, to filter and run."""
    return _per_cell(chosen, settings.CHIBO_TRANSIT_COUNTS_IN).all()


@functools.lru_cache(maxsize=32)
def _per_cell(chosen: Chosen, transit: str) -> QuerySet:
    """The memberships counted per cell at the chart's days, before the cells are chosen.

    Resolving the 24 filtered counts, each with its transit subquery, took 35 ms, longer
    than the SQL for a few cells (issue 16): it is done once per scope, day and transit
    setting (which ``counted`` reads), and every use runs a clone (``.all()``, ``.filter()``),
    never the kept query itself: asked through ``per_cell`` only."""
    return chosen.memberships.order_by().values("cell_id").annotate(**_counts(_days(chosen.on)))


def _days(on: dt.date) -> list[dt.date]:
    """The 12 month ends up to ``on``, the last being ``on`` itself."""
    days = []
    current = on
    for _ in range(12):
        days.append(current)
        current = current.replace(day=1) - dt.timedelta(days=1)
    days.reverse()
    return days


def counted_members(
    scope_ids: frozenset[int] | None,
    on: dt.date,
    *,
    key: str = "members",
    old: CountedMembers | None = None,
    changed: frozenset[int] = frozenset(),
) -> CountedMembers:
    """``members_chart`` with its counts per cell; given ``old``, only the ``changed`` cells
    are counted again (the others' memberships, records and transfers are as they were).

    Each cell's rows are counted (no DISTINCT: a sort per figure, and 24 figures), then the
    people with more than one membership, the only ones a row count can count twice (in
    transit in one cell and received in another, say), are counted row by row and the rows
    past their first taken off: the same numbers as counting distinct people (make bench:
    0.55 s for the country in one query with 24 DISTINCT counts)."""
    if old is not None and not changed:  # no cell's records changed: the counts are the same
        return old
    days = _days(on)
    chosen = Chosen(scope_ids, on)
    memberships = chosen.memberships
    counting = per_cell(chosen)
    names = [f"{what}{i}" for i in range(len(days)) for what in ("members", "official")]
    if old is None:
        by_cell, recount = {}, counting
        twice = stats.more_than_once(memberships)
    else:
        by_cell = {cell: row for cell, row in old.by_cell.items() if cell not in changed}
        recount = counting.filter(cell_id__in=IdList(changed))
        twice = stats.more_than_once(memberships, changed=changed, before=old.surplus)
    if old is None or changed:
        for row in recount:
            by_cell[row["cell_id"]] = tuple(row[name] for name in names)
    surplus = {}
    if twice:
        theirs = memberships.filter(person_id__in=IdList(twice)).order_by().values("person_id")
        for row in theirs.annotate(**_counts(days)):
            surplus[row["person_id"]] = tuple(max(row[name] - 1, 0) for name in names)
    # Column by column: thousands of cells times 24 figures, summed without a Python loop.
    summed = [sum(column) for column in zip(*by_cell.values(), strict=True)] or [0] * len(names)
    less = [sum(column) for column in zip(*surplus.values(), strict=True)] or [0] * len(names)
    totals = {name: n - d for name, n, d in zip(names, summed, less, strict=True)}
    official = [totals[f"official{i}"] for i in range(len(days))]
    probationary = [totals[f"members{i}"] - totals[f"official{i}"] for i in range(len(days))]
    labels = [f"{d.month:02d}/{str(d.year)[2:]}" for d in days]
    chart = Chart(
        key,
        f"Đảng viên theo tình trạng, cuối mỗi tháng đến ngày {on:%d/%m/%Y}",
        labels,
        [
            Series("Chính thức", official, BLUE),
            Series("Dự bị", probationary, ORANGE),
        ],
        stacked=True,
        header="Ngày",
        shown_headers=["Chính thức", "Dự bị", "Tổng số"],
    )
    chart.shown = [
        [f"{d:%d/%m/%Y}", number(o), number(p), number(o + p)]
        for d, o, p in zip(days, official, probationary, strict=True)
    ]
    chart.svg  # noqa: B018 - drawn now, before the chart is kept and shared, never after
    return CountedMembers(chart, by_cell, surplus)
