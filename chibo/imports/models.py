"""A roster import (issue 13): the file's rows as read, their status against the records,
and, once confirmed, what was written.

Rows are kept as the file had them (``original``) and as converted (``values``), so the
preview, the error report and a re-classification after the user changes the column mapping
never need the file again: the uploaded bytes are not stored.
"""

from django.conf import settings
from django.db import models

from chibo.orgs.models import Organization


class Batch(models.Model):
    """One uploaded file on its way in: read, previewed, then confirmed (or left)."""

    class State(models.TextChoices):
        CHECKING = "checking", "Đang đối chiếu"
        READY = "ready", "Sẵn sàng xác nhận"
        CONFIRMED = "confirmed", "Đã nhập"

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name="nhập vào"
    )
    as_of = models.DateField("ngày áp dụng")
    file_name = models.CharField("tên tệp", max_length=200)
    sheet = models.CharField("trang tính", max_length=100, blank=True, default="")
    header_row = models.PositiveIntegerField("dòng tiêu đề", default=0)
    # The header texts as read (index → text) and the mapping in force (field → index).
    headers = models.JSONField(default=list)
    mapping = models.JSONField(default=dict)
    encodings = models.JSONField(default=dict)  # column index → "tcvn3" / "vni"
    state = models.CharField(max_length=16, choices=State.choices, default=State.CHECKING)
    total = models.PositiveIntegerField(default=0)
    checked = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict)
    # The last audit entry when the check finished: a confirmation checks again only if the
    # records changed since (every write of the domain is recorded, issue 10).
    checked_mark = models.PositiveBigIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "lượt nhập dữ liệu"
        verbose_name_plural = "lượt nhập dữ liệu"

    def __str__(self) -> str:
        return f"Lượt nhập #{self.pk}"

    @property
    def percent(self) -> int:
        return 100 if not self.total else int(100 * self.checked / self.total)


class RowStatus(models.TextChoices):
    PENDING = "pending", "Chờ đối chiếu"
    NEW = "new", "Mới"
    UPDATE = "update", "Cập nhật"
    UNCHANGED = "unchanged", "Không đổi"
    CONFLICT = "conflict", "Xung đột"
    ERROR = "error", "Lỗi"


class Row(models.Model):
    """One data row of the sheet, ``number`` as the spreadsheet program numbers it."""

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="rows")
    number = models.PositiveIntegerField("dòng")
    original = models.JSONField(default=list)
    values = models.JSONField(default=dict)
    status = models.CharField(max_length=16, choices=RowStatus.choices, default=RowStatus.PENDING)
    # [{"field": "cccd", "level": "error" | "warning" | "info", "message": "…"}]
    messages = models.JSONField(default=list)
    changes = models.JSONField(default=dict)
    person = models.ForeignKey(
        "members.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Keys for duplicates within one file (issue 13: "two people could match").
    cccd_key = models.CharField(max_length=12, blank=True, default="")
    name_key = models.CharField(max_length=240, blank=True, default="")

    class Meta:
        verbose_name = "dòng nhập"
        verbose_name_plural = "dòng nhập"
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "number"], name="import_row_unique")
        ]
        indexes = [models.Index(fields=["batch", "status"], name="import_row_status")]

    def __str__(self) -> str:
        return f"Dòng {self.number}"


class SavedMapping(models.Model):
    """The column mapping an organization's files use, offered on its next import."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="+", verbose_name="tổ chức"
    )
    mapping = models.JSONField(default=dict)  # field → header text (normalised)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "cách ghép cột đã lưu"
        verbose_name_plural = "cách ghép cột đã lưu"

    def __str__(self) -> str:
        return f"Cách ghép cột #{self.organization_id}"


class PartyCard(models.Model):
    """A member's party card number (số thẻ đảng viên), the second key an import matches on
    after the CCCD (issue 13). Kept here because only imports read it so far."""

    person = models.OneToOneField(
        "members.Person", on_delete=models.CASCADE, related_name="party_card"
    )
    number = models.CharField("số thẻ đảng viên", max_length=20, unique=True)

    class Meta:
        verbose_name = "thẻ đảng viên"
        verbose_name_plural = "thẻ đảng viên"

    def __str__(self) -> str:
        return f"Thẻ đảng viên #{self.person_id}"
