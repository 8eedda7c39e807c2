"""Monthly cell meetings (R-MTG-01..14; article F-6): plan, attendance, minutes, resolution,
and the quality evaluation under the rubric in force on the meeting's date.

The rubric is data (``Rubric`` with its criteria, levels and the duration and attendance
parameters), chosen by date and province; criteria 1 (attendance) and the minimum duration
are computed from the record (``chibo.meetings.quality``), the rest are scored by people.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q

from chibo.documents.models import IssuedNumber
from chibo.lib.validity import Validity, interval_constraint, valid_on
from chibo.members.models import Person
from chibo.orgs.models import Organization


class Kind(models.TextChoices):
    REGULAR = "regular", "Thường kỳ"
    THEMATIC = "thematic", "Chuyên đề"
    COMBINED = "combined", "Thường kỳ kết hợp chuyên đề"
    EXTRAORDINARY = "extraordinary", "Bất thường"

    @property
    def counts_as_regular(self) -> bool:
        """The month's regular meeting (R-MTG-01): regular or combined (HD 42)."""
        return self in {Kind.REGULAR, Kind.COMBINED}

    @property
    def counts_as_thematic(self) -> bool:
        return self in {Kind.THEMATIC, Kind.COMBINED}


# The same, as the database's strings: for a filter, or a loop over thousands of rows where
# building an enum per row was a third of the time (check_meetings for a region, cProfile).
REGULAR_KINDS = frozenset(kind.value for kind in Kind if kind.counts_as_regular)
THEMATIC_KINDS = frozenset(kind.value for kind in Kind if kind.counts_as_thematic)


class Stage(models.TextChoices):
    PLANNED = "planned", "Đã lên kế hoạch"
    HELD = "held", "Đã họp, đang hoàn thiện biên bản"
    CLOSED = "closed", "Đã khóa biên bản"


class Meeting(models.Model):
    # No index of its own: meeting_cell_date (and two more) start with it. With it,
    # PostgreSQL read a cell's every meeting of five years to keep the year's (issue 16).
    cell = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="meetings",
        verbose_name="chi bộ",
        db_index=False,
    )
    kind = models.CharField("loại", max_length=16, choices=Kind.choices, default=Kind.REGULAR)
    stage = models.CharField(
        "tình trạng", max_length=8, choices=Stage.choices, default=Stage.PLANNED
    )
    planned_date = models.DateField("ngày dự kiến")
    planned_time = models.TimeField("giờ dự kiến", null=True, blank=True)
    date = models.DateField("ngày họp", null=True, blank=True)
    start_time = models.TimeField("bắt đầu", null=True, blank=True)
    end_time = models.TimeField("kết thúc", null=True, blank=True)
    place = models.CharField("địa điểm", max_length=200, blank=True, default="")
    in_person = models.BooleanField(
        "họp trực tiếp", default=True, help_text="Họp trực tuyến chỉ khi được thí điểm (R-ORG-10)."
    )
    topic = models.CharField("chuyên đề", max_length=300, blank=True, default="")
    makeup = models.BooleanField(
        "sinh hoạt bù",
        default=False,
        help_text="Buổi thường kỳ thêm trong một tháng đã có buổi thường kỳ (R-MTG-01).",
    )
    makeup_reason = models.CharField("lý do sinh hoạt bù", max_length=200, blank=True, default="")
    agenda_political = models.TextField(
        "công tác chính trị, tư tưởng", blank=True, default="", help_text="R-MTG-06 (a)."
    )
    agenda_tasks = models.TextField(
        "thực hiện nhiệm vụ chính trị", blank=True, default="", help_text="R-MTG-06 (b)."
    )
    agenda_party = models.TextField(
        "công tác xây dựng Đảng", blank=True, default="", help_text="R-MTG-06 (c)."
    )
    materials = models.TextField("tài liệu", blank=True, default="")
    chair = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="chủ trì",
    )
    minute_taker = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="thư ký",
    )
    discussion = models.TextField("ý kiến thảo luận", blank=True, default="")
    conclusions = models.TextField("kết luận của chủ trì", blank=True, default="")
    resolution = models.TextField("nghị quyết", blank=True, default="")
    votes_yes = models.PositiveSmallIntegerField("tán thành", null=True, blank=True)
    votes_no = models.PositiveSmallIntegerField("không tán thành", null=True, blank=True)
    votes_abstain = models.PositiveSmallIntegerField("không biểu quyết", null=True, blank=True)
    superior_present = models.BooleanField("cấp ủy cấp trên dự", default=False)
    superior_person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="đồng chí cấp ủy cấp trên dự",
    )
    guests = models.TextField("khách mời khác", blank=True, default="")
    number = models.OneToOneField(
        IssuedNumber, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "buổi sinh hoạt chi bộ"
        verbose_name_plural = "sinh hoạt chi bộ"
        ordering = ["cell_id", "planned_date"]
        indexes = [
            models.Index(fields=["cell", "planned_date"], name="meeting_cell_planned"),
            models.Index(fields=["cell", "date"], name="meeting_cell_date"),
            # The year's meetings of every cell, for the counts over the year of the
            # country's attendance (R-MEM-12, R-MTG-12): a range of this index, not the
            # five years of the table (issue 16).
            models.Index(fields=["date", "cell"], name="meeting_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_time__isnull=True)
                | Q(end_time__isnull=True)
                | Q(end_time__gt=models.F("start_time")),
                name="meeting_ends_after_start",
                violation_error_message="Giờ kết thúc phải sau giờ bắt đầu.",
            ),
            models.CheckConstraint(
                condition=Q(makeup=False, makeup_reason="")
                | (Q(makeup=True) & ~Q(makeup_reason="")),
                name="meeting_makeup_has_reason",
                violation_error_message="Sinh hoạt bù phải ghi lý do (R-MTG-01).",
            ),
            # The same plan sent twice (a double click, a retried request) is one meeting.
            models.UniqueConstraint(
                fields=["cell", "kind", "planned_date"],
                name="meeting_once_per_cell_kind_day",
                violation_error_message=(
                    "Chi bộ đã có buổi sinh hoạt cùng loại dự kiến vào ngày này."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"Sinh hoạt {self.get_kind_display().lower()} {self.day:%d/%m/%Y}"

    @property
    def day(self) -> dt.date:
        """The meeting's date once held, else the planned one."""
        return self.date or self.planned_date

    @property
    def duration_minutes(self) -> int | None:
        """Derived from start and end (R-MTG-03); never typed."""
        return minutes_between(self.day, self.start_time, self.end_time)

    @property
    def kind_enum(self) -> Kind:
        return Kind(self.kind)

    @property
    def is_main_regular(self) -> bool:
        """The month's one regular meeting (R-MTG-01): of a regular kind and not a make-up."""
        return Kind(self.kind).counts_as_regular and not self.makeup

    @property
    def is_late(self) -> bool:
        return self.date is not None and self.date > self.planned_date


def minutes_between(day: dt.date, start: dt.time | None, end: dt.time | None) -> int | None:
    """A meeting's length in whole minutes from its start and end times on ``day`` (R-MTG-03),
    ``None`` until both are recorded."""
    if start is None or end is None:
        return None
    delta = dt.datetime.combine(day, end) - dt.datetime.combine(day, start)
    return int(delta.total_seconds() // 60)


def regular_in_month(cell_id: int, day: dt.date, *, exclude_pk: int | None = None):
    """The cell's regular meetings, make-ups aside, whose day (held, else planned) falls in
    the calendar month of ``day`` (R-MTG-01). There is no cancelled state: every meeting
    recorded counts."""
    first = day.replace(day=1)
    after = (first + dt.timedelta(days=32)).replace(day=1)
    return (
        Meeting.objects.filter(
            cell_id=cell_id,
            kind__in=REGULAR_KINDS,
            makeup=False,
        )
        .filter(
            Q(date__gte=first, date__lt=after)
            | Q(date__isnull=True, planned_date__gte=first, planned_date__lt=after)
        )
        .exclude(pk=exclude_pk)
    )


class Presence(models.TextChoices):
    """Attendance of one member (R-MTG-05, R-MTG-12)."""

    PRESENT = "present", "Có mặt"
    LATE = "late", "Đến muộn"
    EXCUSED = "excused", "Vắng có lý do"
    UNEXCUSED = "unexcused", "Vắng không lý do"
    SPECIAL_DUTY = "special_duty", "Vắng do làm nhiệm vụ đặc biệt"
    EXEMPT = "exempt", "Miễn sinh hoạt"

    @property
    def attended(self) -> bool:
        return self in {Presence.PRESENT, Presence.LATE}

    @property
    def in_denominator(self) -> bool:
        """Special duty (armed forces) and exemption leave the denominator (R-MTG-12)."""
        return self not in {Presence.SPECIAL_DUTY, Presence.EXEMPT}


class Attendance(models.Model):
    # No single-column indexes: attendance_once starts with the meeting, attendance_person
    # with the person (each would be about 70 MB more to write for 9 million rows).
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendance", db_index=False
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="attendance", db_index=False
    )
    status = models.CharField("điểm danh", max_length=16, choices=Presence.choices)
    reason = models.CharField("lý do", max_length=200, blank=True, default="")

    class Meta:
        verbose_name = "điểm danh"
        verbose_name_plural = "điểm danh"
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="attendance_once")
        ]
        indexes = [
            models.Index(fields=["person", "meeting"], name="attendance_person"),
            # Absences without reason are about 1 % of the roll: R-MEM-12 counts them over a
            # year of the country's meetings through this index, not the whole table.
            models.Index(
                fields=["meeting", "person"],
                condition=models.Q(status="unexcused"),
                name="attendance_unexcused",
            ),
            # Excused absences are about 4 %: R-MTG-12's streaks start from the members
            # excused at the meetings checked and count their excused absences of the year
            # (quality.longest_excused_streaks), through this index alone (issue 16: the
            # country's count, 0.48 s through the table, 0.13 s here on PostgreSQL).
            models.Index(
                fields=["meeting", "person"],
                condition=models.Q(status="excused"),
                name="attendance_excused",
            ),
            # ... and those members' excused absences, read by member: a few rows each,
            # whatever the years of history (issue 16).
            models.Index(
                fields=["person", "meeting"],
                condition=models.Q(status="excused"),
                name="attendance_excused_person",
            ),
        ]

    def __str__(self) -> str:
        return self.get_status_display()


class SuperiorAssignment(Validity):
    """F-6: the commune committee names the member who follows a police cell's meetings."""

    cell = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="superior_assignments",
        verbose_name="chi bộ",
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="followed_cells",
        verbose_name="đồng chí được phân công",
    )
    note = models.CharField("ghi chú", max_length=200, blank=True, default="")

    class Meta:
        verbose_name = "phân công cấp ủy theo dõi chi bộ"
        verbose_name_plural = "phân công cấp ủy theo dõi chi bộ"
        constraints = [interval_constraint("superior_assignment_interval")]
        indexes = [models.Index(fields=["cell", "valid_from"], name="superior_cell")]

    def __str__(self) -> str:
        return f"Theo dõi chi bộ #{self.cell_id}"


class Rubric(Validity):
    """A province's framework for rating meeting quality, for a period (R-MTG-13), with the
    parameters the computed criteria use (R-MTG-03, R-MTG-12)."""

    name = models.CharField("tên", max_length=200)
    source = models.CharField("căn cứ", max_length=300)
    province = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="áp dụng cho tỉnh, thành (trống: mặc định)",
    )
    min_minutes = models.PositiveSmallIntegerField("thời lượng tối thiểu (phút)", default=90)
    min_minutes_combined = models.PositiveSmallIntegerField(
        "thời lượng tối thiểu khi kết hợp chuyên đề (phút)", default=90
    )
    attendance_above = models.PositiveSmallIntegerField("tỷ lệ dự họp phải trên (%)", default=85)
    max_excused_in_a_row = models.PositiveSmallIntegerField(
        "vắng có lý do liên tiếp tối đa trong năm", default=3
    )

    class Meta:
        verbose_name = "khung đánh giá chất lượng sinh hoạt"
        verbose_name_plural = "khung đánh giá chất lượng sinh hoạt"
        constraints = [interval_constraint("rubric_interval")]

    def __str__(self) -> str:
        return self.name

    def min_minutes_for(self, kind: str) -> int:
        return self.min_minutes_combined if kind == Kind.COMBINED else self.min_minutes


class Computed(models.TextChoices):
    NO = "", "Do người chấm"
    ATTENDANCE = "attendance", "Tính từ điểm danh (tiêu chí 1)"
    DURATION = "duration", "Tính từ thời lượng"


class Criterion(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField("thứ tự")
    title = models.CharField("tiêu chí", max_length=300)
    max_points = models.PositiveSmallIntegerField("điểm tối đa")
    computed = models.CharField(
        "cách chấm", max_length=16, choices=Computed.choices, blank=True, default=""
    )

    class Meta:
        verbose_name = "tiêu chí"
        verbose_name_plural = "tiêu chí"
        ordering = ["rubric_id", "order"]

    def __str__(self) -> str:
        return self.title


class Level(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="levels")
    label = models.CharField("mức", max_length=50)
    min_points = models.PositiveSmallIntegerField("từ điểm")

    class Meta:
        verbose_name = "mức xếp loại"
        verbose_name_plural = "mức xếp loại"
        ordering = ["rubric_id", "-min_points"]

    def __str__(self) -> str:
        return self.label


class Side(models.TextChoices):
    """Who evaluates (R-MTG-14): the cell itself, the assigned superior, the committee."""

    SELF = "self", "Chi bộ tự đánh giá"
    SUPERIOR = "superior", "Cấp ủy cấp trên đánh giá"
    FINAL = "final", "Đảng ủy xác nhận"


class Evaluation(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="evaluations")
    side = models.CharField("bên đánh giá", max_length=8, choices=Side.choices)
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="+")
    total = models.PositiveSmallIntegerField("tổng điểm")
    level = models.CharField("xếp loại", max_length=50)
    note = models.CharField("nhận xét", max_length=500, blank=True, default="")
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name="người chấm",
    )
    scored_at = models.DateTimeField("thời điểm chấm", auto_now_add=True)

    class Meta:
        verbose_name = "đánh giá chất lượng"
        verbose_name_plural = "đánh giá chất lượng"
        constraints = [
            models.UniqueConstraint(fields=["meeting", "side"], name="evaluation_once_per_side")
        ]

    def __str__(self) -> str:
        return f"{self.get_side_display()}: {self.level}"


class Score(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    points = models.PositiveSmallIntegerField("điểm")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "criterion"], name="score_once")
        ]

    def __str__(self) -> str:
        return str(self.points)


def rubric_for(cell: Organization, on: dt.date) -> Rubric:
    """The rubric in force on ``on`` for the province the cell is under, else the default."""
    rubrics = list(Rubric.objects.filter(valid_on(on)).prefetch_related("criteria", "levels"))
    if not rubrics:
        raise Rubric.DoesNotExist(f"Không có khung đánh giá nào có hiệu lực ngày {on:%d/%m/%Y}.")
    provincial = [r for r in rubrics if r.province_id is not None]
    if provincial:
        ancestors = Organization.objects.ancestor_ids(cell.pk, on)
        for rubric in provincial:
            if rubric.province_id in ancestors:
                return rubric
    return next((r for r in rubrics if r.province_id is None), rubrics[0])
