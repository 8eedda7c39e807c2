"""What the record says about a meeting's quality, computed, never typed.

* criterion 1 (R-MTG-12): attendance above the rubric's threshold (85 %), no member absent
  without reason, nobody absent with reason more than 3 times in a row in the year;
  members on special duty and exempt members leave the denominator;
* duration (R-MTG-03): at least 90 minutes; 120 for a combined meeting under HD 42;
* resolution (R-MTG-09): valid with more than half of the official members in favour.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction

from django.db.models import Count

from chibo.lib.idlist import IdList
from chibo.meetings.models import Attendance, Computed, Meeting, Presence, Rubric
from chibo.members.models import Membership, official_on


def roll(meeting: Meeting) -> list[Membership]:
    """Đảng số of the cell on the meeting day (R-MEM-10, R-ORG-04): who must be marked."""
    return list(
        Membership.objects.counted_on(meeting.day)
        .filter(cell_id=meeting.cell_id)
        .select_related("person")
        .order_by("person__sort_key")
    )


def official_count(meeting: Meeting) -> int:
    return (
        Membership.objects.counted_on(meeting.day)
        .filter(official_on(meeting.day, "person__party__"), cell_id=meeting.cell_id)
        .count()
    )


def officials_present(meeting: Meeting) -> int | None:
    """Official members marked present (or late) on the roll; ``None`` before attendance is
    taken (R-MTG-09: only they can vote for or against)."""
    rows = Attendance.objects.filter(meeting=meeting)
    if not rows.exists():
        return None
    return (
        rows.filter(status__in=[p for p in Presence if p.attended])
        .filter(official_on(meeting.day, "person__party__"))
        .count()
    )


@dataclass
class Summary:
    total: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    denominator: int = 0
    attended: int = 0

    @property
    def rate(self) -> Fraction | None:
        return Fraction(self.attended, self.denominator) if self.denominator else None

    @property
    def percent(self) -> str:
        rate = self.rate
        if rate is None:
            return "—"
        return f"{float(rate) * 100:.1f}".replace(".", ",").removesuffix(",0") + "%"


def summarize(rows) -> Summary:
    summary = Summary(total=len(rows), counts={p: 0 for p in Presence.values})
    for row in rows:
        status = Presence(row.status)
        summary.counts[status] += 1
        if status.in_denominator:
            summary.denominator += 1
        if status.attended:
            summary.attended += 1
    return summary


def excused_streaks(meeting: Meeting) -> dict[int, int]:
    """Per member: excused absences in a row, this meeting included, within the calendar
    year, over the cell's held meetings (R-MTG-12)."""
    start = dt.date(meeting.day.year, 1, 1)
    rows = (
        Attendance.objects.filter(
            meeting__cell_id=meeting.cell_id,
            meeting__date__gte=start,
            meeting__date__lte=meeting.day,
            person__in=Attendance.objects.filter(meeting=meeting).values("person"),
        )
        .exclude(meeting__date=meeting.day, meeting__pk__gt=meeting.pk)
        .order_by("meeting__date", "meeting_id")
        .values_list("person_id", "status")
    )
    streaks: dict[int, int] = {}
    for person_id, status in rows:
        streaks[person_id] = streaks.get(person_id, 0) + 1 if status == Presence.EXCUSED else 0
    return streaks


def longest_excused_streaks(meetings: Iterable, longer_than: int = 0) -> dict[int, int]:
    """Per meeting id: the longest run of excused absences in a row, that meeting included,
    of a member marked excused at it, within the calendar year over the cell's meetings
    (R-MTG-12). The meeting page and the alerts board both read it; a fixed number of
    queries, whatever the number of meetings (only members excused at one of them can have
    a run there). ``meetings`` need ``pk``, ``cell_id`` and ``date``.

    Given ``longer_than`` (the rubric's "more than N in a row"), a run no longer than it
    reads 0: only the members excused more than that many times in the year in the cell
    can have a longer one, and only their rows are read (issue 16: for the country, a few
    hundred members' rows, not the 140,000 rows of everyone excused in the last two
    months)."""
    meetings = [m for m in meetings if m.date is not None]
    if not meetings:
        return {}
    wanted = {m.pk for m in meetings}
    span = Attendance.objects.filter(
        meeting__date__gte=dt.date(min(m.date for m in meetings).year, 1, 1),
        meeting__date__lte=max(m.date for m in meetings),
    )
    excused = Attendance.objects.filter(
        meeting_id__in=IdList(wanted), status=Presence.EXCUSED
    ).values("person")
    year = span.filter(
        meeting__cell_id__in=IdList({m.cell_id for m in meetings}), person__in=excused
    )
    pairs = None
    if longer_than > 0:
        # Counted over every year the meetings span: a bound, never a miss (a run is
        # within one year, and no longer than that year's excused absences). In every
        # cell, the pairs outside the meetings' cells never matching below: given the
        # cells, SQLite (no statistics) walked each cell's meetings of the year and looked
        # every member up at each, in the index of excused absences (over a minute for
        # the country, stopped; test_r_mtg_12_streaks_are_counted_from_the_members_…).
        pairs = set(
            span.filter(person__in=excused, status=Presence.EXCUSED)
            .values("meeting__cell_id", "person_id")
            .annotate(excused=Count("*"))
            .filter(excused__gt=longer_than)
            .values_list("meeting__cell_id", "person_id")
        )
        if not pairs:
            return dict.fromkeys(wanted, 0)
        # The few people's rows through the index on person, their cells checked below:
        # given the cells too, PostgreSQL walked every cell's meetings (0.6 s a region).
        year = span.filter(person_id__in=IdList({person for _, person in pairs}))
    rows = year.order_by("meeting__cell_id", "person_id", "meeting__date", "meeting_id")
    longest = dict.fromkeys(wanted, 0)
    run, current = 0, None
    for cell, person, day, meeting_id, status in rows.values_list(
        "meeting__cell_id", "person_id", "meeting__date", "meeting_id", "status"
    ):
        if pairs is not None and (cell, person) not in pairs:
            continue
        if (cell, person, day.year) != current:  # a new member, cell or year starts afresh
            run, current = 0, (cell, person, day.year)
        run = run + 1 if status == Presence.EXCUSED else 0
        if meeting_id in wanted and run > longer_than:
            longest[meeting_id] = max(longest[meeting_id], run)
    return longest


@dataclass
class Check:
    ok: bool
    facts: list[str]


def criterion_one(meeting: Meeting, rubric: Rubric) -> Check:
    rows = list(meeting.attendance.all())
    summary = summarize(rows)
    facts, ok = [], True
    rate = summary.rate
    if rate is None or rate * 100 <= rubric.attendance_above:
        ok = False
        facts.append(
            f"Tỷ lệ dự họp {summary.percent} ({summary.attended}/{summary.denominator}), "
            f"không trên {rubric.attendance_above}%."
        )
    if summary.counts.get(Presence.UNEXCUSED):
        ok = False
        facts.append(f"Có {summary.counts[Presence.UNEXCUSED]} đảng viên vắng không lý do.")
    longest = longest_excused_streaks([meeting]).get(meeting.pk, 0)
    if longest > rubric.max_excused_in_a_row:
        ok = False
        facts.append(
            f"Có đảng viên vắng có lý do {longest} lần liên tiếp trong năm "
            f"(quá {rubric.max_excused_in_a_row})."
        )
    if ok:
        facts.append(f"Đạt: tỷ lệ dự họp {summary.percent}.")
    return Check(ok, facts)


def duration_check(meeting: Meeting, rubric: Rubric) -> Check:
    minutes = meeting.duration_minutes
    needed = rubric.min_minutes_for(meeting.kind)
    if minutes is None:
        return Check(False, ["Chưa ghi giờ bắt đầu, kết thúc."])
    if minutes < needed:
        return Check(False, [f"Thời lượng {minutes} phút, dưới {needed} phút (R-MTG-03)."])
    return Check(True, [f"Thời lượng {minutes} phút (tối thiểu {needed})."])


def computed_points(meeting: Meeting, rubric: Rubric) -> dict[int, tuple[int, Check]]:
    """Points of the computed criteria: full when the check passes, else zero."""
    result = {}
    for criterion in rubric.criteria.all():
        if criterion.computed == Computed.ATTENDANCE:
            check = criterion_one(meeting, rubric)
        elif criterion.computed == Computed.DURATION:
            check = duration_check(meeting, rubric)
        else:
            continue
        result[criterion.pk] = (criterion.max_points if check.ok else 0, check)
    return result


def level_for(rubric: Rubric, total: int) -> str:
    for level in sorted(rubric.levels.all(), key=lambda lv: -lv.min_points):
        if total >= level.min_points:
            return level.label
    return ""


def resolution_passed(meeting: Meeting, officials: int) -> bool | None:
    """R-MTG-09: more than half of all official members, not of those present."""
    if meeting.votes_yes is None or not officials:
        return None
    return meeting.votes_yes * 2 > officials
