"""The documents register of the cells (issue 15): the cell's own numbered documents
(R-DOC-03/04), the incoming documents of higher bodies, the cell's advice to its commune
committee on security and order (F-8), and the dissemination of higher documents (F-9).

Layer: this app sits above ``documents`` (numbering) and ``meetings`` (a resolution is adopted
at a meeting; a document is studied at a meeting) and below ``briefings``, whose BÁO CÁO
quotes the dissemination figures. ``meetings`` already imports ``documents`` (minutes take
their number there), so the links to a meeting could not live in ``documents`` without a
cycle.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q

from chibo.documents.models import IssuedNumber
from chibo.meetings.models import Meeting
from chibo.members.models import Person
from chibo.orgs.models import Organization


class Direction(models.TextChoices):
    OWN = "own", "Văn bản của chi bộ"
    INCOMING = "incoming", "Văn bản cấp trên"


class DocType(models.TextChoices):
    """Type symbols (R-DOC-04); the value is the symbol printed in the number."""

    NQ = "NQ", "Nghị quyết"
    CT = "CT", "Chỉ thị"
    KL = "KL", "Kết luận"
    QD = "QĐ", "Quyết định, Quy định"
    CTR = "CTr", "Chương trình"
    KH = "KH", "Kế hoạch"
    BC = "BC", "Báo cáo"
    TTR = "TTr", "Tờ trình"
    HD = "HD", "Hướng dẫn"
    TB = "TB", "Thông báo"
    CV = "CV", "Công văn"


# What a cell issues itself and numbers in its own sequence.
OWN_TYPES = [DocType.NQ, DocType.CTR, DocType.KH, DocType.BC, DocType.TTR, DocType.TB]


def _upload_to(instance, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower()
    return f"register/{instance.organization_id}/{instance.issued_on:%Y%m%d}-{instance.pk}.{suffix}"


class DocumentQuerySet(models.QuerySet):
    def as_of(self, on: dt.date):
        """The register as it stood on ``on``: what was issued by then."""
        return self.filter(issued_on__lte=on)


class Document(models.Model):
    """One entry of the register. An own document (``direction=own``) is issued by a cell and
    takes its number from the cell's sequence for its type and term; an incoming document
    carries the number its issuer gave it ("12-NQ/TW")."""

    direction = models.CharField("loại sổ", max_length=8, choices=Direction.choices)
    doc_type = models.CharField("loại văn bản", max_length=4, choices=DocType.choices)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="tổ chức ban hành hoặc vào sổ",
        help_text="Văn bản của chi bộ: chi bộ ban hành. Văn bản cấp trên: tổ chức ban hành nếu "
        "có trong hệ thống (đảng ủy xã), nếu không là tổ chức vào sổ (huyện ủy).",
    )
    issued_number = models.OneToOneField(
        IssuedNumber, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    number = models.CharField("số, ký hiệu", max_length=50)
    issuer_name = models.CharField("cơ quan ban hành", max_length=200)
    title = models.CharField("trích yếu", max_length=300)
    summary = models.TextField("tóm tắt, nội dung", blank=True, default="")
    issued_on = models.DateField("ngày ban hành")
    security = models.BooleanField("về an ninh, trật tự", default=False)
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="thông qua tại buổi sinh hoạt",
    )
    implements = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="implemented_by",
        verbose_name="thực hiện văn bản",
    )
    file = models.FileField("tệp đính kèm", upload_to=_upload_to, blank=True)
    file_name = models.CharField(max_length=200, blank=True, default="")
    search_key = models.TextField(editable=False, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = "văn bản"
        verbose_name_plural = "sổ văn bản"
        ordering = ["-issued_on", "-pk"]
        indexes = [
            models.Index(fields=["organization", "issued_on"], name="register_doc_org"),
            models.Index(fields=["direction", "doc_type", "issued_on"], name="register_doc_type"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(direction="incoming") | Q(issued_number__isnull=False),
                name="register_own_is_numbered",
                violation_error_message="Văn bản của chi bộ phải được cấp số.",
            ),
            models.UniqueConstraint(
                fields=["organization", "number", "issued_on"],
                name="register_doc_once",
                violation_error_message="Văn bản này đã có trong sổ.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_doc_type_display()} số {self.number}"

    @property
    def label(self) -> str:
        return f"{self.get_doc_type_display()} số {self.number} ngày {self.issued_on:%d/%m/%Y}"


class Outcome(models.TextChoices):
    PENDING = "pending", "Đang chờ xem xét"
    ADOPTED = "adopted", "Đã ban hành"
    RETURNED = "returned", "Trả lại để hoàn chỉnh"


class Advice(models.Model):
    """The cell's submission to its commune committee on security and order (F-8): a draft
    resolution, plan or report, the day it was submitted, and what came of it. The outcome
    holds from ``decided_on``; before that day the advice was pending."""

    cell = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name="chi bộ"
    )
    committee = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name="đảng ủy xã"
    )
    doc_type = models.CharField(
        "dự thảo",
        max_length=4,
        choices=[(t.value, t.label) for t in (DocType.NQ, DocType.KH, DocType.BC)],
    )
    title = models.CharField("trích yếu", max_length=300)
    submitted_on = models.DateField("ngày trình")
    outcome = models.CharField(
        "kết quả", max_length=8, choices=Outcome.choices, default=Outcome.PENDING
    )
    decided_on = models.DateField("ngày có kết quả", null=True, blank=True)
    resolution = models.ForeignKey(
        Document,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="advices",
        verbose_name="ban hành thành văn bản",
    )
    note = models.TextField("ghi chú", blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "tham mưu về an ninh, trật tự"
        verbose_name_plural = "tham mưu về an ninh, trật tự"
        ordering = ["-submitted_on", "-pk"]
        indexes = [models.Index(fields=["cell", "submitted_on"], name="register_advice_cell")]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="pending", decided_on__isnull=True, resolution__isnull=True)
                | Q(outcome="returned", decided_on__isnull=False, resolution__isnull=True)
                | Q(outcome="adopted", decided_on__isnull=False, resolution__isnull=False),
                name="register_advice_outcome",
                violation_error_message="Kết quả phải có ngày; đã ban hành phải ghi văn bản.",
            ),
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True) | Q(decided_on__gte=models.F("submitted_on")),
                name="register_advice_decided_after",
                violation_error_message="Ngày có kết quả không thể trước ngày trình.",
            ),
        ]

    def __str__(self) -> str:
        return f"Tham mưu: {self.title}"

    def outcome_on(self, on: dt.date) -> str:
        """The outcome as known on ``on``."""
        if self.decided_on is None or self.decided_on > on:
            return Outcome.PENDING
        return self.outcome


class Method(models.TextChoices):
    MEETING = "meeting", "Tại buổi sinh hoạt chi bộ"
    SESSION = "session", "Hội nghị học tập riêng"


class Dissemination(models.Model):
    """A cell's plan to study (học tập, quán triệt) one higher document (F-9): where, when,
    and the deadline. One plan per document and cell."""

    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="disseminations", verbose_name="văn bản"
    )
    cell = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name="chi bộ"
    )
    method = models.CharField("hình thức", max_length=8, choices=Method.choices)
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="buổi sinh hoạt",
    )
    session_on = models.DateField("ngày học tập, quán triệt")
    due_on = models.DateField("hoàn thành trước ngày")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "kế hoạch học tập, quán triệt"
        verbose_name_plural = "học tập, quán triệt"
        ordering = ["document_id", "cell_id"]
        indexes = [models.Index(fields=["cell", "due_on"], name="register_dis_cell")]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "cell"],
                name="register_dis_once",
                violation_error_message="Chi bộ đã có kế hoạch học tập văn bản này.",
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("session_on")),
                name="register_dis_due_after",
                violation_error_message="Hạn hoàn thành không thể trước ngày học tập.",
            ),
            models.CheckConstraint(
                condition=Q(method="session", meeting__isnull=True)
                | Q(method="meeting", meeting__isnull=False),
                name="register_dis_meeting",
                violation_error_message="Học tập tại buổi sinh hoạt phải chọn buổi sinh hoạt.",
            ),
        ]

    def __str__(self) -> str:
        return f"Học tập {self.document} tại chi bộ #{self.cell_id}"


class Presence(models.TextChoices):
    PRESENT = "present", "Có mặt"
    ABSENT = "absent", "Vắng (có lý do)"
    MAKEUP = "makeup", "Học bù"
    SELF = "self", "Tự học, đã xác nhận"


# Who has studied the document: present at the session, at a make-up session, or on one's own
# and acknowledged ("đã học").
REACHED = [Presence.PRESENT, Presence.MAKEUP, Presence.SELF]


class Participation(models.Model):
    """One member's participation in a dissemination, on a day. An absence (with its reason)
    is later replaced by a make-up session or an acknowledgement: the row changes, its
    history stays in the audit log."""

    dissemination = models.ForeignKey(
        Dissemination, on_delete=models.CASCADE, related_name="participations"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    presence = models.CharField("tham gia", max_length=8, choices=Presence.choices)
    on = models.DateField("ngày")
    reason = models.CharField("lý do vắng", max_length=200, blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = "tham gia học tập"
        verbose_name_plural = "tham gia học tập"
        constraints = [
            models.UniqueConstraint(fields=["dissemination", "person"], name="register_part_once"),
            models.CheckConstraint(
                condition=~Q(presence="absent") | ~Q(reason=""),
                name="register_part_absent_reason",
                violation_error_message="Vắng phải ghi lý do.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_presence_display()} #{self.person_id}"
