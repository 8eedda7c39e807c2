"""Rule sets as data (domain §2): the thresholds the checks use, each set valid for an
interval and citing its documents; a holiday calendar; the daily record of findings and the
dismissals, kept as history."""

import datetime as dt

from django.conf import settings
from django.db import models

from chibo.lib.validity import Validity, interval_constraint, valid_on
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


class Holiday(models.Model):
    """Extra days off on top of the statutory ones (Tết swaps announced each year)."""

    day = models.DateField("ngày nghỉ", unique=True)
    name = models.CharField("lý do", max_length=200)

    class Meta:
        verbose_name = "ngày nghỉ bổ sung"
        verbose_name_plural = "ngày nghỉ bổ sung"
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} {self.name}"

    @classmethod
    def days(cls) -> frozenset[dt.date]:
        return frozenset(cls.objects.values_list("day", flat=True))


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
