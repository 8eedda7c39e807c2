"""Demo meetings, deterministic: every police cell's monthly meetings from January 2023 to
this month, with attendance, the assigned superior at most of them (F-6), evaluations under
the rubric in force, some rated below Tốt, one month a cell missed (Sông Trà, 4/2023), and a
thematic (from 28/10/2025 a combined) meeting in the middle month of each quarter."""

import datetime as dt
import zlib

from django.db import connection
from django.utils import timezone

from chibo.lib.validity import valid_on
from chibo.meetings import operations as ops
from chibo.meetings import quality
from chibo.meetings.models import (
    Attendance,
    Evaluation,
    Kind,
    Meeting,
    Presence,
    Score,
    Side,
    rubric_for,
)
from chibo.members.models import Membership, PartyRecord, Person, Position, Role, official_on
from chibo.orgs.models import Kind as OrgKind
from chibo.orgs.models import OrgVersion

D = dt.date
START = D(2023, 1, 1)
MISSED = ("Chi bộ Công an xã Sông Trà", 2023, 4)
HD42 = D(2025, 10, 28)
TOPICS = [
    "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    "Xây dựng lực lượng Công an nhân dân trong sạch, vững mạnh (Nghị quyết 12-NQ/TW)",
    "Phòng ngừa tội phạm và tệ nạn xã hội ở cơ sở",
    "Nâng cao chất lượng sinh hoạt chi bộ (Chỉ thị 50-CT/TW)",
]


def _roll(key: str) -> int:
    """A stable pseudo-random number in 0..999 from a text key (no randomness)."""
    return zlib.crc32(key.encode()) % 1000


def _weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _months(until: dt.date):
    year, month = START.year, START.month
    while dt.date(year, month, 1) <= until:
        yield year, month
        year, month = year + month // 12, month % 12 + 1


def _cells_on(day: dt.date) -> list[OrgVersion]:
    return list(
        OrgVersion.objects.on(day)
        .filter(
            organization__is_police=True,
            kind__in=[OrgKind.GRASSROOTS_CELL, OrgKind.SUBORDINATE_CELL],
        )
        .select_related("organization")
    )


def assign_superiors() -> None:
    """F-6: each commune's Phó Bí thư – Chủ tịch UBND xã follows its police cell."""
    deputies = Position.objects.filter(role=Role.DEPUTY, government_post__startswith="Chủ tịch")
    for deputy in deputies.select_related("person", "organization"):
        links = deputy.organization.downlinks.filter(relation="territorial")
        if deputy.valid_to is not None:
            links = links.filter(valid_from__lt=deputy.valid_to)
        for link in links.exclude(valid_to__lte=deputy.valid_from):
            ops.assign_superior(
                cell=link.child,
                person=deputy.person,
                on=max(link.valid_from, deputy.valid_from),
                by=None,
                note="Phó Bí thư Đảng ủy – Chủ tịch UBND xã",
            )


def _hold(
    version: OrgVersion, kind: str, day: dt.date, planned: dt.date, minutes: int, topic: str = ""
):
    cell = version.organization
    meeting = ops.plan(
        cell=cell,
        kind=kind,
        planned_date=planned,
        planned_time=dt.time(14, 0),
        by=None,
        place=f"Hội trường Công an {version.place_name}",
        topic=topic,
    )
    if day > timezone.localdate():
        return meeting
    roll = quality.roll(meeting)
    secretary = Position.objects.filter(
        valid_on(day), organization=cell, role=Role.SECRETARY
    ).first()
    chair = secretary.person if secretary else roll[0].person
    minute_taker = next((m.person for m in roll if m.person_id != chair.pk), chair)
    assigned = cell.superior_assignments.filter(valid_on(day)).select_related("person").first()
    key = f"{cell.pk}-{day}"
    superior = assigned is not None and _roll("sup" + key) < 830
    marks = {}
    for membership in roll:
        n = _roll(f"{key}-{membership.person_id}")
        if membership.person.exemptions.filter(valid_on(day)).exists():
            marks[membership.person_id] = (Presence.EXEMPT, "Miễn sinh hoạt")
        elif n < 25:
            marks[membership.person_id] = (
                Presence.EXCUSED,
                "Trực ban, tuần tra" if n % 2 else "Ốm",
            )
        elif n < 40:
            marks[membership.person_id] = (Presence.SPECIAL_DUTY, "Làm nhiệm vụ đặc biệt")
        elif n < 42:
            marks[membership.person_id] = (Presence.UNEXCUSED, "")
        elif n < 70:
            marks[membership.person_id] = (Presence.LATE, "")
        else:
            marks[membership.person_id] = (Presence.PRESENT, "")
    # Every official member present votes for (R-MTG-09: no more votes than them).
    attended = [pid for pid, (status, _) in marks.items() if Presence(status).attended]
    officials = Person.objects.filter(official_on(day), pk__in=attended).count()
    start = dt.time(14, 0)
    end = (dt.datetime.combine(day, start) + dt.timedelta(minutes=minutes)).time()
    ops.hold(
        meeting=meeting,
        record=ops.Record(
            date=day,
            start_time=start,
            end_time=end,
            kind=kind,
            chair=chair,
            minute_taker=minute_taker,
            votes_yes=officials,
            votes_no=0,
            votes_abstain=0,
            superior_present=superior,
            superior_person=assigned.person if superior else None,
        ),
        by=None,
        agenda_political="Thông tin thời sự; quán triệt văn bản mới của cấp trên.",
        agenda_tasks="Đánh giá công tác bảo đảm an ninh, trật tự trong tháng; "
        "phân công nhiệm vụ tháng tới.",
        agenda_party="Thu đảng phí; công tác phát triển đảng viên; kiểm tra, giám sát.",
        conclusions="Chi bộ thống nhất các nhiệm vụ trọng tâm tháng tới.",
        resolution="Tập trung giữ vững an ninh, trật tự trên địa bàn; "
        "hoàn thành nhiệm vụ được giao.",
    )
    ops.take_attendance(meeting=meeting, marks=marks, by=None)
    ops.close(meeting=meeting, by=None)
    rubric = rubric_for(cell, day)
    manual = [c for c in rubric.criteria.all() if not c.computed]
    dent = _roll("q" + key)
    for side, minus in ((Side.SELF, 0), (Side.SUPERIOR, 1 if dent % 3 == 0 else 0)):
        points = {
            c.pk: max(0, c.max_points - minus - (4 if dent < 60 and c.order == 2 else 0))
            for c in manual
        }
        ops.score(meeting=meeting, side=side, points=points, by=None)
    level = meeting.evaluations.get(side=Side.SUPERIOR).level
    ops.confirm(meeting=meeting, level=level, by=None)
    return meeting


def _plan_from_what_is_there() -> None:
    """Have PostgreSQL's planner see the rows loaded so far. It estimates a table's rows from
    the density its statistics last found: a table once vacuumed or analyzed while empty (a
    test database, after rolled-back tests) reads as holding none, however many pages it
    grows to, and the demo is loaded in one transaction that autovacuum cannot look into.
    The planner then walks the meetings and the roll with nested loops: R-MTG-12's
    streaks, read at each meeting scored, took seconds each (a test loading the demo after
    others: 700 s, against 150 s). ANALYZE run in the transaction counts its own rows.
    SQLite plans without statistics: nothing to do."""
    if connection.vendor != "postgresql":
        return
    models = (Meeting, Attendance, Evaluation, Score, Membership, Person, PartyRecord)
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")


def build(until: dt.date | None = None) -> int:
    """Create the meetings up to ``until`` (default: this month); return how many."""
    assign_superiors()
    today = min(until, timezone.localdate()) if until else timezone.localdate()
    count, analyzed = 0, 8
    _plan_from_what_is_there()  # the members and their records
    for year, month in _months(today):
        if count >= 2 * analyzed:  # each time the meetings have doubled since
            _plan_from_what_is_there()
            analyzed = count
        planned = _weekday(D(year, month, 5))
        for version in _cells_on(planned):
            if (version.name, year, month) == MISSED:
                continue
            late = _roll(f"late{version.organization_id}{year}{month}") < 40
            day = _weekday(planned + dt.timedelta(days=3)) if late else planned
            short = _roll(f"short{version.organization_id}{year}{month}") < 50
            quarter_middle = month % 3 == 2
            kind = Kind.COMBINED if quarter_middle and planned >= HD42 else Kind.REGULAR
            minutes = 75 if short else (150 if kind == Kind.COMBINED else 120)
            if kind == Kind.COMBINED and _roll(f"c{version.organization_id}{year}{month}") < 300:
                minutes = 110  # under HD 42 a combined meeting needs 120 minutes (R-MTG-03)
            topic = TOPICS[(year + month) % len(TOPICS)] if kind == Kind.COMBINED else ""
            _hold(version, kind, day, planned, minutes, topic)
            count += 1
            if quarter_middle and kind == Kind.REGULAR:
                thematic = _weekday(D(year, month, 20))
                if thematic <= today:
                    _hold(
                        version,
                        Kind.THEMATIC,
                        thematic,
                        thematic,
                        120,
                        TOPICS[(year + month) % len(TOPICS)],
                    )
                    count += 1
    return count
