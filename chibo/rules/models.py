"""Rule sets as data (domain §2): the thresholds the checks use, each set valid for an
interval and citing its documents; the official working calendar; the daily record of findings and the
dismissals, kept as history."""

import datetime as dt

from django.conf import settings
from django.db import models

from chibo.lib.validity import Validity, interval_constraint, valid_on
from chibo.lib.vndates import WorkingCalendar, vietnam_public_holidays
from chibo.orgs.models import Organization, TermPolicy


class RuleSet(Validity):
    name = models.CharField("tên", max_length=200)
    sources = models.TextField(
        "văn bản căn cứ", help_text="Số, ngày, trích yếu của các văn bản; mỗi dòng một văn bản."
    )
    regulation = models.CharField(
        "quy định thi hành Điều lệ viện dẫn",
        max_length=120,
        help_text="Ví dụ: Quy định 24-QĐ/TW ngày 30/7/2021.",
    )
    min_official = models.PositiveSmallIntegerField(
        "số đảng viên chính thức tối thiểu (R-ORG-01)", default=3
    )
    committee_from = models.PositiveSmallIntegerField(
        "từ bao nhiêu đảng viên chính thức phải có chi ủy (R-ORG-04)", default=9
    )
    committee_max = models.PositiveSmallIntegerField("chi ủy tối đa (R-ORG-04)", default=7)
    probation_months = models.PositiveSmallIntegerField(
        "thời gian dự bị, tháng (R-MEM-04)", default=12
    )
    recognition_window_days = models.PositiveSmallIntegerField(
        "hạn xét chính thức, ngày làm việc (R-MEM-05)", default=30
    )
    probation_warn_days = models.PositiveSmallIntegerField(
        "báo trước khi hết dự bị, ngày", default=30
    )
    removal_months = models.PositiveSmallIntegerField(
        "số tháng vắng không lý do trong năm để xem xét xóa tên (R-MEM-12)", default=3
    )
    term_policy = models.CharField(
        "chế độ đại hội chi bộ (R-ORG-06)",
        max_length=10,
        choices=TermPolicy.choices,
        default=TermPolicy.TWICE_IN_FIVE,
    )
    term_warn_days = models.PositiveSmallIntegerField(
        "báo trước khi hết nhiệm kỳ, ngày", default=90
    )
    thematic_per_quarter = models.PositiveSmallIntegerField(
        "sinh hoạt chuyên đề mỗi quý (R-MTG-02)", default=1
    )
    superior_absent_in_a_row = models.PositiveSmallIntegerField(
        "cấp ủy cấp trên vắng liên tiếp bao nhiêu buổi thì cảnh báo (F-6)", default=2
    )
    meeting_guide = models.CharField(
        "hướng dẫn sinh hoạt chi bộ viện dẫn (R-MTG-*)",
        max_length=120,
        default="Hướng dẫn 12-HD/BTCTW ngày 6/7/2018",
    )
    combined_counts_both = models.BooleanField(
        "một buổi kết hợp tính cả thường kỳ và chuyên đề (R-MTG-02)",
        default=False,
        help_text="Chỉ từ Hướng dẫn 42-HD/BTCTW ngày 28/10/2025; trước đó chuyên đề không "
        "thay sinh hoạt thường kỳ.",
    )

    class Meta:
        verbose_name = "bộ quy định"
        verbose_name_plural = "bộ quy định"
        constraints = [interval_constraint("ruleset_interval")]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def on(cls, day: dt.date) -> "RuleSet":
        rules = cls.objects.filter(valid_on(day)).order_by("-valid_from").first()
        return rules if rules is not None else cls(name="Mặc định", regulation="Điều lệ Đảng")


class CalendarYear(models.Model):
    """A year of the official working calendar (R-MEM-03, R-MEM-05, R-MEM-09): its days off
    and make-up days are complete, with the source they come from. A year without a row is
    counted by the statutory rule of ``lib.vndates`` (plus any days entered for it)."""

    year = models.PositiveSmallIntegerField("năm", unique=True)
    source = models.TextField(
        "nguồn", help_text="Thông báo nghỉ lễ, Tết của năm; ghi [?] chỗ chưa đối chiếu được."
    )
    confirmed = models.BooleanField(
        "đã đối chiếu văn bản chính thức",
        default=False,
        help_text="Bỏ chọn khi lịch của năm còn là dự kiến hoặc chưa đối chiếu ([?]).",
    )

    class Meta:
        verbose_name = "lịch làm việc năm"
        verbose_name_plural = "lịch làm việc theo năm"
        ordering = ["year"]

    def __str__(self) -> str:
        return f"Lịch làm việc năm {self.year}"


class DayKind(models.TextChoices):
    OFF = "off", "Ngày nghỉ"
    MAKE_UP = "make_up", "Ngày làm bù"


class CalendarDay(models.Model):
    """A day off (holiday, compensatory day, a swapped weekday) or a make-up working day
    (a Saturday worked in exchange for a swapped day) of the official calendar."""

    day = models.DateField("ngày", unique=True)
    kind = models.CharField("loại", max_length=8, choices=DayKind.choices, default=DayKind.OFF)
    name = models.CharField("lý do", max_length=200)

    class Meta:
        verbose_name = "ngày nghỉ, ngày làm bù"
        verbose_name_plural = "ngày nghỉ, ngày làm bù"
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} {self.get_kind_display().lower()}: {self.name}"


def year_days(year: int) -> tuple[CalendarYear | None, list[tuple[dt.date, str, str]]]:
    """The year's calendar entry and its days as ``(day, kind, name)``, in order. A year
    without an entry lists what deadlines are counted on then: the statutory weekdays off
    (``lib.vndates``) and any day entered for it."""
    entry = CalendarYear.objects.filter(year=year).first()
    rows = [(d.day, d.kind, d.name) for d in CalendarDay.objects.filter(day__year=year)]
    if entry is None:
        rows += [
            (day, DayKind.OFF, "Theo Bộ luật Lao động 2019 (tính tự động)")
            for day in vietnam_public_holidays(year)
            if day.weekday() < 5 and day not in {r[0] for r in rows}
        ]
    return entry, sorted(rows)


def working_calendar() -> WorkingCalendar:
    """The official working calendar from the data (two queries), for ``lib.vndates``."""
    off, make_up = set(), set()
    for day, kind in CalendarDay.objects.values_list("day", "kind"):
        (make_up if kind == DayKind.MAKE_UP else off).add(day)
    years = frozenset(CalendarYear.objects.values_list("year", flat=True))
    return WorkingCalendar(days_off=frozenset(off), make_up_days=frozenset(make_up), years=years)


class Severity(models.TextChoices):
    HIGH = "high", "Nghiêm trọng"
    MEDIUM = "medium", "Cần xử lý"
    LOW = "low", "Lưu ý"


class FindingRecord(models.Model):
    """What the daily run saw: when a finding first appeared and when it went away."""

    key = models.CharField(max_length=200, unique=True)
    rule_id = models.CharField(max_length=20)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    message = models.CharField(max_length=500)
    first_seen = models.DateField("xuất hiện từ")
    last_seen = models.DateField("thấy lần cuối")
    resolved_on = models.DateField("đã khắc phục ngày", null=True, blank=True)

    class Meta:
        verbose_name = "lịch sử cảnh báo"
        verbose_name_plural = "lịch sử cảnh báo"
        indexes = [models.Index(fields=["organization", "resolved_on"], name="finding_org")]

    def __str__(self) -> str:
        return self.key


class Dismissal(models.Model):
    """A finding set aside, with the reason; never deleted."""

    key = models.CharField(max_length=200, db_index=True)
    from_day = models.DateField("bỏ qua từ ngày")
    reason = models.CharField("lý do", max_length=500)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = "bỏ qua cảnh báo"
        verbose_name_plural = "bỏ qua cảnh báo"

    def __str__(self) -> str:
        return f"Bỏ qua {self.key}"
