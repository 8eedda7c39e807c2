"""Meeting workflows, one transaction each: plan, hold, take attendance, close (number the
minutes), score (the cell, the superior), confirm; and assign the superior member (F-6)."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from chibo import audit
from chibo.documents import numbering
from chibo.lib import vndates, vntext
from chibo.lib.contention import Conflict, lock
from chibo.lib.validity import valid_on
from chibo.lib.vndates import format_date
from chibo.meetings import quality
from chibo.meetings.models import (
    Attendance,
    Evaluation,
    Kind,
    Meeting,
    Presence,
    Rubric,
    Score,
    Side,
    Stage,
    SuperiorAssignment,
    regular_in_month,
    rubric_for,
)
from chibo.members.models import Person
from chibo.orgs.models import Kind as OrgKind
from chibo.orgs.models import Organization

TEXT_FIELDS = (
    "place",
    "topic",
    "agenda_political",
    "agenda_tasks",
    "agenda_party",
    "materials",
    "discussion",
    "conclusions",
    "resolution",
    "guests",
)


def _cell_on(cell: Organization, on: dt.date, field: str) -> None:
    version = cell.version_on(on)
    if version is None or not OrgKind(version.kind).is_cell:
        raise ValidationError({field: f"Chi bộ không hoạt động vào ngày {format_date(on)}."})


def _lock_cell(cell: Organization) -> None:
    """Serialise the writes that check the cell's month (R-MTG-01), so two requests at once
    cannot both find the month empty (a row lock on PostgreSQL; SQLite writes one at a time)."""
    Organization.objects.select_for_update().filter(pk=cell.pk).first()


def _set_makeup(meeting: Meeting, makeup: bool, reason: str) -> None:
    reason = vntext.nfc(reason)
    if makeup and not reason:
        raise ValidationError({"makeup_reason": "Sinh hoạt bù phải ghi lý do (R-MTG-01)."})
    meeting.makeup, meeting.makeup_reason = makeup, reason if makeup else ""


def _one_regular_a_month(meeting: Meeting, field: str) -> None:
    """R-MTG-01: one regular meeting a month; another one is a make-up (bù) with a reason.

    A combined session counts as the month's regular meeting only under a rule set that says
    so (HD 42, from 28/10/2025; R-MTG-02). Before, a combined session beside a separate
    regular meeting is that month's thematic one, so only two of the same kind clash."""
    from chibo.rules.models import RuleSet  # policy data by date, read by every app

    if not meeting.is_main_regular:
        return
    others = regular_in_month(meeting.cell_id, meeting.day, exclude_pk=meeting.pk)
    if not RuleSet.on(meeting.day).combined_counts_both:
        others = others.filter(kind=meeting.kind)
    other = others.first()
    if other is not None:
        state = "đã họp ngày" if other.date else "dự kiến ngày"
        raise ValidationError(
            {
                field: f"Tháng {meeting.day:%m/%Y} chi bộ đã có buổi sinh hoạt thường kỳ "
                f"({state} {format_date(other.day)}); mỗi tháng một buổi thường kỳ (R-MTG-01). "
                "Nếu đây là buổi sinh hoạt bù, hãy đánh dấu “Sinh hoạt bù” và ghi lý do."
            }
        )


def _save_new(meeting: Meeting) -> None:
    try:
        with transaction.atomic():
            meeting.save()
    except IntegrityError:
        # Lost a race with the same plan sent at the same moment (the unique constraint).
        raise ValidationError(
            "Chi bộ đã có buổi sinh hoạt cùng loại dự kiến vào ngày này."
        ) from None


@audit.operation("Lập kế hoạch sinh hoạt")
@transaction.atomic
def plan(
    *,
    cell: Organization,
    kind: str,
    planned_date: dt.date,
    planned_time: dt.time | None = None,
    makeup: bool = False,
    makeup_reason: str = "",
    by,
    **texts: str,
) -> Meeting:
    """Lên kế hoạch (R-MTG-04): visible to members, the committee and the assigned superior.
    At most a year ahead; one regular meeting a month unless a make-up (R-MTG-01)."""
    if kind not in Kind.values:
        raise ValidationError({"kind": "Loại sinh hoạt không hợp lệ."})
    horizon = vndates.add_months(timezone.localdate(), 12)
    if planned_date > horizon:
        raise ValidationError(
            {
                "planned_date": "Chỉ lên kế hoạch sinh hoạt trước tối đa một năm "
                f"(đến ngày {format_date(horizon)})."
            }
        )
    _cell_on(cell, planned_date, "planned_date")
    if Kind(kind).counts_as_thematic and not vntext.nfc(texts.get("topic", "")):
        raise ValidationError({"topic": "Sinh hoạt chuyên đề phải ghi chuyên đề."})
    meeting = Meeting(
        cell=cell, kind=kind, planned_date=planned_date, planned_time=planned_time, created_by=by
    )
    _set_makeup(meeting, makeup, makeup_reason)
    for name in TEXT_FIELDS:
        if name in texts:
            setattr(meeting, name, vntext.nfc(texts[name]))
    _lock_cell(cell)
    _one_regular_a_month(meeting, "planned_date")
    meeting.full_clean(exclude=["number"])
    _save_new(meeting)
    return meeting


def _member_of_cell(person: Person | None, meeting: Meeting, field: str) -> None:
    if person is None:
        return
    members = {m.person_id for m in quality.roll(meeting)}
    if person.pk not in members:
        raise ValidationError({field: "Người này không thuộc đảng số của chi bộ vào ngày họp."})


def _require_open(meeting: Meeting) -> None:
    # Checked on the locked row: two concurrent writes to one meeting run one after the other.
    lock(meeting)
    if meeting.stage == Stage.CLOSED:
        raise ValidationError("Biên bản đã khóa; không thể sửa.")
    if meeting.evaluations.filter(side__in=[Side.SUPERIOR, Side.FINAL]).exists():
        raise ValidationError(
            "Cấp trên đã chấm điểm buổi sinh hoạt này; không thể sửa nội dung, điểm danh."
        )


@dataclass
class Record:
    date: dt.date
    start_time: dt.time
    end_time: dt.time
    kind: str
    chair: Person | None
    minute_taker: Person | None
    in_person: bool = True
    votes_yes: int | None = None
    votes_no: int | None = None
    votes_abstain: int | None = None
    superior_present: bool = False
    superior_person: Person | None = None
    makeup: bool | None = None  # None: keep the mark given at planning (R-MTG-01)
    makeup_reason: str = ""


def _votes_fit_presence(meeting: Meeting) -> None:
    """R-MTG-09: those in favour and those against are official members present; there
    cannot be more of them than official members marked present (R-MEM-08: probationary
    members do not vote). Checked once attendance is taken."""
    cast = (meeting.votes_yes or 0) + (meeting.votes_no or 0)
    present = quality.officials_present(meeting)
    if present is not None and cast > present:
        raise ValidationError(
            {
                "votes_yes": f"Số phiếu tán thành và không tán thành ({cast}) vượt số đảng viên "
                f"chính thức có mặt ({present}) theo điểm danh (R-MTG-09, R-MEM-08)."
            }
        )


@audit.operation("Ghi buổi sinh hoạt")
@transaction.atomic
def hold(*, meeting: Meeting, record: Record, by, **texts: str) -> Meeting:
    """Ghi buổi sinh hoạt đã họp: giờ, chủ trì, thư ký, nội dung, nghị quyết, biểu quyết."""
    _require_open(meeting)
    if record.end_time <= record.start_time:
        raise ValidationError({"end_time": "Giờ kết thúc phải sau giờ bắt đầu."})
    if record.date > timezone.localdate():
        raise ValidationError({"date": "Ngày họp chưa đến."})
    _cell_on(meeting.cell, record.date, "date")
    if not Rubric.objects.filter(valid_on(record.date)).exists():
        raise ValidationError(
            {"date": "Chưa có khung đánh giá chất lượng sinh hoạt có hiệu lực vào ngày này."}
        )
    meeting.date = record.date
    _member_of_cell(record.chair, meeting, "chair")
    _member_of_cell(record.minute_taker, meeting, "minute_taker")
    votes = [v for v in (record.votes_yes, record.votes_no, record.votes_abstain) if v is not None]
    officials = quality.official_count(meeting)
    if sum(votes) > officials:
        raise ValidationError(
            {
                "votes_yes": f"Tổng số phiếu ({sum(votes)}) vượt số đảng viên chính thức "
                f"({officials}) có quyền biểu quyết (R-MEM-08, R-MTG-09)."
            }
        )
    if record.superior_person is not None and not record.superior_present:
        raise ValidationError({"superior_present": "Đã ghi người dự nhưng chưa đánh dấu có dự."})
    for name, value in record.__dict__.items():
        if name not in {"makeup", "makeup_reason"}:
            setattr(meeting, name, value)
    if record.makeup is not None:
        _set_makeup(meeting, record.makeup, record.makeup_reason)
    _lock_cell(meeting.cell)
    _one_regular_a_month(meeting, "date")
    _votes_fit_presence(meeting)
    for name in TEXT_FIELDS:
        if name in texts:
            setattr(meeting, name, vntext.nfc(texts[name]))
    if Kind(meeting.kind).counts_as_thematic and not meeting.topic:
        raise ValidationError({"topic": "Sinh hoạt chuyên đề phải ghi chuyên đề."})
    meeting.stage = Stage.HELD
    meeting.full_clean(exclude=["number"])
    meeting.save()
    return meeting


@audit.operation("Điểm danh")
@transaction.atomic
def take_attendance(*, meeting: Meeting, marks: dict[int, tuple[str, str]], by) -> list[Attendance]:
    """Điểm danh: every member of đảng số once, nobody else (R-MTG-05, R-MTG-12)."""
    _require_open(meeting)
    roll = {m.person_id for m in quality.roll(meeting)}
    strangers = set(marks) - roll
    if strangers:
        raise ValidationError(
            f"{len(strangers)} người không thuộc đảng số của chi bộ vào ngày "
            f"{format_date(meeting.day)}."
        )
    missing = roll - set(marks)
    if missing:
        raise ValidationError(f"Còn {len(missing)} đảng viên chưa được điểm danh.")
    rows = []
    for person_id, (status, reason) in marks.items():
        if status not in Presence.values:
            raise ValidationError("Trạng thái điểm danh không hợp lệ.")
        reason = vntext.nfc(reason)
        if len(reason) > 200:
            raise ValidationError({f"reason_{person_id}": "Lý do tối đa 200 ký tự."})
        if status == Presence.EXCUSED and not reason:
            raise ValidationError({f"reason_{person_id}": "Vắng có lý do phải ghi lý do."})
        rows.append(Attendance(meeting=meeting, person_id=person_id, status=status, reason=reason))
    meeting.attendance.all().delete()
    created = audit.created(Attendance.objects.bulk_create(rows))
    try:
        _votes_fit_presence(meeting)
    except ValidationError as error:
        # The transaction rolls back; the message belongs to the roll, not to a vote field.
        raise ValidationError(
            error.message_dict["votes_yes"][0] + " Hãy sửa điểm danh hoặc ghi lại biểu quyết."
        ) from None
    return created


@audit.operation("Khóa biên bản")
@transaction.atomic
def close(*, meeting: Meeting, by) -> Meeting:
    """Khóa biên bản and give it its number "Số NN-BB/CB" (R-DOC-03, R-MTG-11)."""
    lock(meeting)
    if meeting.stage == Stage.CLOSED:
        # A second close (a concurrent click, another user) must not take a second number.
        raise Conflict("Biên bản đã được khóa trước đó (đã có số).")
    _require_open(meeting)
    if meeting.stage != Stage.HELD or meeting.date is None:
        raise ValidationError("Chưa ghi nội dung buổi họp.")
    if meeting.chair_id is None or meeting.minute_taker_id is None:
        raise ValidationError("Biên bản phải có chủ trì và thư ký (R-MTG-11).")
    if not meeting.attendance.exists():
        raise ValidationError("Chưa điểm danh.")
    _votes_fit_presence(meeting)
    meeting.number = numbering.allocate(meeting.cell, "BB", meeting.date)
    meeting.stage = Stage.CLOSED
    meeting.closed_at = timezone.now()
    meeting.save(update_fields=["number", "stage", "closed_at"])
    return meeting


@audit.operation("Chấm điểm chất lượng sinh hoạt")
@transaction.atomic
def score(*, meeting: Meeting, side: str, points: dict[int, int], note: str = "", by) -> Evaluation:
    """Chấm điểm by the cell (self) or the superior; computed criteria are filled from the
    record, whatever was sent (R-MTG-13, R-MTG-14)."""
    lock(meeting)  # one evaluation per side, checked on the locked row
    if side not in {Side.SELF, Side.SUPERIOR}:
        raise ValidationError("Bên chấm không hợp lệ.")
    if meeting.stage == Stage.PLANNED or meeting.date is None:
        raise ValidationError("Buổi sinh hoạt chưa được ghi; chưa thể chấm điểm.")
    if meeting.evaluations.filter(side=Side.FINAL).exists():
        raise ValidationError("Đảng ủy đã xác nhận kết quả; không thể chấm lại.")
    rubric = rubric_for(meeting.cell, meeting.date)
    computed = quality.computed_points(meeting, rubric)
    values = {}
    for criterion in rubric.criteria.all():
        if criterion.pk in computed:
            values[criterion] = computed[criterion.pk][0]
            continue
        value = points.get(criterion.pk)
        if value is None or not 0 <= value <= criterion.max_points:
            raise ValidationError(
                {f"c{criterion.pk}": f"Điểm phải từ 0 đến {criterion.max_points}."}
            )
        values[criterion] = value
    total = sum(values.values())
    meeting.evaluations.filter(side=side).delete()
    evaluation = Evaluation.objects.create(
        meeting=meeting,
        side=side,
        rubric=rubric,
        total=total,
        level=quality.level_for(rubric, total),
        note=vntext.nfc(note),
        scored_by=by,
    )
    audit.created(
        Score.objects.bulk_create(
            Score(evaluation=evaluation, criterion=c, points=p) for c, p in values.items()
        )
    )
    return evaluation


@audit.operation("Xác nhận xếp loại")
@transaction.atomic
def confirm(*, meeting: Meeting, level: str, note: str = "", by) -> Evaluation:
    """Đảng ủy xác nhận mức xếp loại cuối cùng, from the scores already given."""
    lock(meeting)
    scored = {e.side: e for e in meeting.evaluations.all()}
    base = scored.get(Side.SUPERIOR) or scored.get(Side.SELF)
    if base is None:
        raise ValidationError("Chưa có điểm của chi bộ hoặc cấp trên để xác nhận.")
    if Side.FINAL in scored:
        raise ValidationError("Đã xác nhận trước đó.")
    levels = [lv.label for lv in base.rubric.levels.all()]
    if level not in levels:
        raise ValidationError({"level": "Mức xếp loại không có trong khung đánh giá."})
    return Evaluation.objects.create(
        meeting=meeting,
        side=Side.FINAL,
        rubric=base.rubric,
        total=base.total,
        level=level,
        note=vntext.nfc(note),
        scored_by=by,
    )


@audit.operation("Phân công cấp ủy viên theo dõi chi bộ")
@transaction.atomic
def assign_superior(
    *, cell: Organization, person: Person, on: dt.date, note: str = "", by
) -> SuperiorAssignment:
    """F-6: from ``on``, ``person`` follows the cell's meetings (the previous one stops)."""
    _cell_on(cell, on, "on")
    if cell.superior_assignments.filter(valid_from__gte=on).exists():
        raise ValidationError(
            {
                "on": "Đã có phân công từ ngày này hoặc sau đó; phân công mới phải sau phân công cuối."
            }
        )
    current = cell.superior_assignments.filter(valid_on(on)).first()
    if current is not None:
        if current.person_id == person.pk:
            raise ValidationError({"person": "Đồng chí này đang được phân công theo dõi chi bộ."})
        current.valid_to = on
        current.save(update_fields=["valid_to"])
    return SuperiorAssignment.objects.create(
        cell=cell, person=person, valid_from=on, note=vntext.nfc(note)
    )
