"""Demo register (issue 15): Nghị quyết 12-NQ/TW studied in all 11 cells in March 2023
(article F-9) — at the month's meeting, except Bình Sơn, which held a session of its own and
a make-up session for a member away on duty —, the Tân Bình cell's advice on security and order
adopted as the town committee's resolution (F-8), and the cell's resolution and action
programme numbered at its March 2023 meeting (R-DOC-03). All with 2023 dates; people are the
demo's fictional members."""

import datetime as dt

from chibo.demo.structure import Tree
from chibo.meetings.models import Attendance, Kind, Meeting
from chibo.meetings.models import Presence as Attended
from chibo.members.models import Person
from chibo.register import operations as ops
from chibo.register.models import Outcome, Presence

D = dt.date
NQ12 = (
    "tiếp tục xây dựng lực lượng Công an nhân dân thật sự trong sạch, vững mạnh, chính quy, "
    "tinh nhuệ, hiện đại, đáp ứng yêu cầu, nhiệm vụ trong tình hình mới"
)
DUE = D(2023, 4, 30)
MAKEUP_PLACE, SESSION_DAY, MAKEUP_DAY = "Bình Sơn", D(2023, 3, 15), D(2023, 3, 22)
ADVICE_PLACE = "Tân Bình"


def _march_meeting(cell) -> Meeting:
    return Meeting.objects.get(
        cell=cell, kind=Kind.REGULAR, date__year=2023, date__month=3, makeup=False
    )


def _session(nq12, cell) -> None:
    """Bình Sơn studies at a session of its own; one member away on duty studies at the
    make-up session a week later."""
    plan = ops.plan(
        document=nq12,
        cell=cell,
        method="session",
        session_on=SESSION_DAY,
        due_on=DUE,
        by=None,
    )
    people = list(
        Person.objects.filter(pk__in=ops.members_on(cell.pk, SESSION_DAY)).order_by("sort_key")
    )
    for person in people[:-1]:
        ops.record(
            dissemination=plan, person=person, presence=Presence.PRESENT, on=SESSION_DAY, by=None
        )
    away = people[-1]
    ops.record(
        dissemination=plan,
        person=away,
        presence=Presence.ABSENT,
        on=SESSION_DAY,
        reason="Đi công tác",
        by=None,
    )
    ops.record(dissemination=plan, person=away, presence=Presence.MAKEUP, on=MAKEUP_DAY, by=None)
    _latecomers(plan, cell, {p.pk for p in people})


def _latecomers(plan, cell, recorded: set[int]) -> None:
    """Anyone who joined the cell after the session and before the deadline studies too."""
    for person_id in sorted(set(ops.members_on(cell.pk, DUE)) - recorded):
        ops.record(
            dissemination=plan,
            person=Person.objects.get(pk=person_id),
            presence=Presence.SELF,
            on=DUE - dt.timedelta(days=2),
            by=None,
        )


def _study(nq12, cell) -> None:
    """At the March 2023 meeting: who attended studied; an absentee studies the text on their
    own within the week and the secretary records the "đã học"."""
    meeting = _march_meeting(cell)
    plan = ops.plan(
        document=nq12,
        cell=cell,
        method="meeting",
        meeting=meeting,
        session_on=meeting.date,
        due_on=DUE,
        by=None,
    )
    members = set(ops.members_on(cell.pk, meeting.date))
    marks = list(Attendance.objects.filter(meeting=meeting, person_id__in=members))
    for mark in marks:
        if Attended(mark.status).attended:
            ops.record(
                dissemination=plan,
                person=mark.person,
                presence=Presence.PRESENT,
                on=meeting.date,
                by=None,
            )
            continue
        ops.record(
            dissemination=plan,
            person=mark.person,
            presence=Presence.ABSENT,
            on=meeting.date,
            reason=mark.reason or Attended(mark.status).label,
            by=None,
        )
        ops.record(
            dissemination=plan,
            person=mark.person,
            presence=Presence.SELF,
            on=meeting.date + dt.timedelta(days=7),
            by=None,
        )
    _latecomers(plan, cell, {m.person_id for m in marks})


def build(tree: Tree) -> None:
    nq12 = ops.receive(
        organization=tree.district,
        doc_type="NQ",
        number="12-NQ/TW",
        issuer_name="Bộ Chính trị",
        title=NQ12,
        issued_on=D(2022, 3, 16),
        summary="Nghị quyết của Bộ Chính trị; Huyện ủy Hiệp Đức chỉ đạo các chi bộ Công an xã, "
        "thị trấn tổ chức học tập, quán triệt trong quý I/2023.",
        by=None,
    )
    for place, cell in sorted(tree.cells.items()):
        if cell.version_on(D(2023, 3, 1)) is None:
            continue
        if place == MAKEUP_PLACE:
            _session(nq12, cell)
        else:
            _study(nq12, cell)

    cell, town = tree.cells[ADVICE_PLACE], tree.communes[ADVICE_PLACE]
    advice = ops.submit_advice(
        cell=cell,
        doc_type="NQ",
        title="Dự thảo nghị quyết về lãnh đạo công tác bảo đảm an ninh, trật tự năm 2023",
        submitted_on=D(2023, 1, 9),
        by=None,
    )
    resolution = ops.receive(
        organization=town,
        doc_type="NQ",
        number="05-NQ/ĐU",
        issuer_name=town.version_on(D(2023, 1, 16)).name,
        title="lãnh đạo công tác bảo đảm an ninh, trật tự năm 2023",
        issued_on=D(2023, 1, 16),
        security=True,
        by=None,
    )
    ops.decide_advice(
        advice=advice,
        outcome=Outcome.ADOPTED,
        decided_on=resolution.issued_on,
        resolution=resolution,
        by=None,
    )
    meeting = _march_meeting(cell)
    ops.issue(
        cell=cell,
        doc_type="NQ",
        title="lãnh đạo thực hiện nhiệm vụ chính trị tháng 3 năm 2023",
        summary="Tập trung giữ vững an ninh, trật tự trên địa bàn thị trấn.\n"
        "Học tập, quán triệt Nghị quyết số 12-NQ/TW của Bộ Chính trị đến toàn thể đảng viên.",
        issued_on=meeting.date,
        meeting=meeting,
        by=None,
    )
    ops.issue(
        cell=cell,
        doc_type="CTr",
        title="hành động thực hiện Nghị quyết số 12-NQ/TW của Bộ Chính trị",
        issued_on=meeting.date,
        meeting=meeting,
        implements=nq12,
        by=None,
    )
    ops.issue(
        cell=cell,
        doc_type="BC",
        title="kết quả 6 tháng thực hiện nghị quyết về an ninh, trật tự năm 2023",
        issued_on=D(2023, 7, 5),
        implements=resolution,
        security=True,
        by=None,
    )
