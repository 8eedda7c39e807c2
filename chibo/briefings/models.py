"""The reporting conference (hội nghị trực báo; article F-1): the cells' reports for a
period, their recommendations with owner, due date and answer, the chair's conclusions as
tasks followed until closed, and the official papers as issued (bytes kept, R-DOC-03)."""

import datetime as dt
import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone

from chibo.documents.models import IssuedNumber
from chibo.members.models import Person
from chibo.orgs.models import Organization


class Conference(models.Model):
    host = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="conferences",
        verbose_name="cấp ủy tổ chức",
    )
    title = models.CharField("tên hội nghị", max_length=300)
    date = models.DateField("ngày họp")
    period_start = models.DateField("kỳ báo cáo từ ngày")
    period_end = models.DateField("đến ngày")
    chair = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="chủ trì",
    )
    chair_title = models.CharField(
        "chức vụ chủ trì",
        max_length=200,
        blank=True,
        default="",
        help_text="Ví dụ: Phó Bí thư Thường trực Huyện ủy.",
    )
    signer_title = models.CharField(
        "chức danh ký (dưới T/M BAN THƯỜNG VỤ)", max_length=50, default="PHÓ BÍ THƯ"
    )
    invited = models.ManyToManyField(
        Organization, related_name="invitations", verbose_name="tổ chức được mời"
    )
    attendees = models.TextField("thành phần dự", blank=True, default="")
    agenda = models.TextField("chương trình", blank=True, default="")
    reporter = models.CharField(
        "người báo cáo",
        max_length=200,
        blank=True,
        default="",
        help_text="Ví dụ: đồng chí Trưởng Ban Tổ chức Huyện ủy.",
    )
    assessment = models.TextField("đánh giá chung (kết quả, hạn chế)", blank=True, default="")
    recipients = models.TextField(
        "nơi nhận",
        blank=True,
        default="",
        help_text="Mỗi dòng một nơi nhận; dòng cuối thường là “Lưu Văn phòng …”.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "hội nghị trực báo"
        verbose_name_plural = "hội nghị trực báo"
        ordering = ["-date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="conference_period_order",
            )
        ]

    def __str__(self) -> str:
        return f"Hội nghị trực báo ngày {self.date:%d/%m/%Y}"


class ReportStage(models.TextChoices):
    DRAFT = "draft", "Đang soạn"
    SUBMITTED = "submitted", "Đã gửi"


class CellReport(models.Model):
    """A cell's report for the period: figures filled from data, the rest by people."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="reports")
    cell = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    figures = models.JSONField("số liệu (tính từ dữ liệu)", default=dict)
    security = models.TextField("kết quả bảo đảm an ninh, trật tự", blank=True, default="")
    other_tasks = models.TextField(
        "nhiệm vụ chính trị khác",
        blank=True,
        default="",
        help_text="Xây dựng nông thôn mới, đô thị văn minh, hòa giải mâu thuẫn, khiếu nại…",
    )
    difficulties = models.TextField("khó khăn, vướng mắc", blank=True, default="")
    stage = models.CharField(max_length=10, choices=ReportStage.choices, default=ReportStage.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "báo cáo của chi bộ"
        verbose_name_plural = "báo cáo của chi bộ"
        constraints = [
            models.UniqueConstraint(fields=["conference", "cell"], name="one_report_per_cell")
        ]

    def __str__(self) -> str:
        return f"Báo cáo chi bộ #{self.cell_id}"


class Category(models.TextChoices):
    ORGANIZATION = "organization", "Tổ chức, cán bộ"
    FACILITIES = "facilities", "Cơ sở vật chất, kinh phí"
    POLICY = "policy", "Chế độ, chính sách"
    GUIDANCE = "guidance", "Hướng dẫn nghiệp vụ công tác đảng"
    SECURITY = "security", "An ninh, trật tự"
    OTHER = "other", "Khác"


class RecStatus(models.TextChoices):
    NEW = "new", "Mới"
    IN_PROGRESS = "in_progress", "Đang xử lý"
    ANSWERED = "answered", "Đã trả lời"
    CLOSED = "closed", "Đã đóng"


class Recommendation(models.Model):
    """Kiến nghị, đề xuất of a cell, addressed to an organization, answered by it."""

    conference = models.ForeignKey(
        Conference,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recommendations",
    )
    raised_by = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name="chi bộ kiến nghị"
    )
    addressed_to = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="recommendations_received",
        verbose_name="gửi tới",
    )
    category = models.CharField("lĩnh vực", max_length=16, choices=Category.choices)
    text = models.TextField("nội dung")
    # vntext.same_text_key(text): the same text from the same cell in the same conference is
    # one recommendation, even sent twice (UniqueConstraint below).
    text_key = models.CharField(max_length=64, editable=False, default="")
    raised_on = models.DateField("ngày kiến nghị")
    due_on = models.DateField("hạn trả lời", null=True, blank=True)
    status = models.CharField(
        "tình trạng", max_length=12, choices=RecStatus.choices, default=RecStatus.NEW
    )
    answer = models.TextField("trả lời", blank=True, default="")
    answered_on = models.DateField("ngày trả lời", null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "kiến nghị, đề xuất"
        verbose_name_plural = "kiến nghị, đề xuất"
        ordering = ["raised_on", "pk"]
        indexes = [models.Index(fields=["addressed_to", "status"], name="rec_addressed")]
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "raised_by", "text_key"],
                name="recommendation_once_per_conference",
                violation_error_message="Chi bộ đã gửi kiến nghị này trong hội nghị.",
            )
        ]

    def __str__(self) -> str:
        return f"Kiến nghị #{self.pk}"

    def is_open_on(self, on: dt.date) -> bool:
        """Not yet answered or closed on ``on`` (the answer's date, not today's status)."""
        if self.status in {RecStatus.NEW, RecStatus.IN_PROGRESS}:
            return True
        return self.answered_on is not None and self.answered_on > on

    def is_overdue(self, on: dt.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.is_open_on(on) and self.due_on is not None and self.due_on < on


class Conclusion(models.Model):
    """One item of the chair's conclusions; a task when it has assignees."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="conclusions")
    order = models.PositiveSmallIntegerField("thứ tự")
    group = models.CharField(
        "đơn vị thực hiện (ghi trong thông báo)",
        max_length=200,
        blank=True,
        default="",
        help_text="Ví dụ: Đảng ủy các xã, thị trấn.",
    )
    text = models.TextField("nội dung")
    due_on = models.DateField("thời hạn", null=True, blank=True)

    class Meta:
        verbose_name = "kết luận"
        verbose_name_plural = "kết luận"
        ordering = ["conference_id", "order"]

    def __str__(self) -> str:
        return f"Kết luận {self.order}"


class Assignment(models.Model):
    """A conclusion given to one organization, followed until the host closes it."""

    conclusion = models.ForeignKey(Conclusion, on_delete=models.CASCADE, related_name="assignments")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="tasks")
    closed_on = models.DateField("ngày đóng", null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "nhiệm vụ được giao"
        verbose_name_plural = "nhiệm vụ được giao"
        constraints = [
            models.UniqueConstraint(fields=["conclusion", "organization"], name="assign_once")
        ]
        indexes = [models.Index(fields=["organization", "closed_at"], name="task_org")]

    def __str__(self) -> str:
        return f"Nhiệm vụ #{self.pk}"

    def is_open_on(self, on: dt.date) -> bool:
        return self.closed_on is None or self.closed_on > on

    def is_overdue(self, on: dt.date | None = None) -> bool:
        on = on or timezone.localdate()
        due = self.conclusion.due_on
        return self.is_open_on(on) and due is not None and due < on


class Progress(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="progress")
    on = models.DateField("ngày báo cáo")
    text = models.TextField("kết quả thực hiện")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "tiến độ"
        verbose_name_plural = "tiến độ"
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"Tiến độ {self.on:%d/%m/%Y}"


class PaperKind(models.TextChoices):
    REPORT = "BC", "Báo cáo"
    NOTICE = "TB", "Thông báo kết luận"


class IssuedPaper(models.Model):
    """An official paper exactly as issued: its bytes, number, date and who issued it;
    downloaded again unchanged, whatever the data became later."""

    conference = models.ForeignKey(Conference, on_delete=models.PROTECT, related_name="papers")
    kind = models.CharField("loại", max_length=2, choices=PaperKind.choices)
    number = models.OneToOneField(IssuedNumber, on_delete=models.PROTECT, related_name="+")
    issued_on = models.DateField("ngày ban hành")
    content = models.BinaryField("nội dung .docx")
    sha256 = models.CharField(max_length=64)
    edited = models.BooleanField("đã chỉnh sửa trước khi ban hành", default=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "văn bản đã ban hành"
        verbose_name_plural = "văn bản đã ban hành"
        constraints = [
            models.UniqueConstraint(fields=["conference", "kind"], name="one_paper_per_kind")
        ]

    def __str__(self) -> str:
        return f"Số {self.number.code}"

    @staticmethod
    def digest(content: bytes) -> str:
        return hashlib.sha256(content).hexdigest()
