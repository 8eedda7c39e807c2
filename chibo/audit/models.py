"""The audit history (design §2, "Trust"): one append-only row per change of a domain
record, per operation-scoped access to personal data (exports, CCCD shown, papers
downloaded).

Append-only at three levels: the model refuses ``save()`` of an existing row and
``delete()``, the QuerySet refuses ``update()`` and ``delete()``, and database triggers
(migration 0002) refuse UPDATE and DELETE from any client. Rows hold no foreign keys to
what they describe, so deleting a user or a record never touches its history.
"""

from django.db import models
from django.utils import timezone

from chibo.audit import context

REFUSED = "Lịch sử thay đổi chỉ được ghi thêm; không sửa hoặc xóa được."


class AppendOnly(Exception):
    """Raised by any attempt to change or remove an audit row."""


class Interface(models.TextChoices):
    PAGE = context.PAGE, "Trang web"
    API = context.API, "API"
    ADMIN = context.ADMIN, "Trang quản trị"
    COMMAND = context.COMMAND, "Lệnh quản trị"
    IMPORT = context.IMPORT, "Nhập dữ liệu"
    SYSTEM = context.SYSTEM, "Hệ thống"


class Action(models.TextChoices):
    CREATE = "create", "Tạo mới"
    UPDATE = "update", "Sửa"
    DELETE = "delete", "Xóa"
    ACCESS = "access", "Xem / tải xuống"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly(REFUSED)

    def delete(self):
        raise AppendOnly(REFUSED)

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnly(REFUSED)


class EntryQuerySet(AppendOnlyQuerySet):
    def about(self, kind: str, pk: int):
        """Entries on the object ``kind:pk`` or on a row that belongs to it."""
        return self.filter(links__kind=kind, links__object_id=pk)


class AppendOnlyModel(models.Model):
    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly(REFUSED)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly(REFUSED)


class Entry(AppendOnlyModel):
    at = models.DateTimeField("thời điểm", default=timezone.now)
    actor_id = models.PositiveBigIntegerField("mã người thực hiện", null=True, blank=True)
    actor_name = models.CharField("người thực hiện", max_length=150, blank=True, default="")
    interface = models.CharField("qua", max_length=16, choices=Interface.choices)
    operation = models.CharField("thao tác", max_length=80, blank=True, default="")
    group = models.UUIDField("nhóm thay đổi")
    action = models.CharField("loại", max_length=16, choices=Action.choices)
    object_type = models.CharField("loại đối tượng", max_length=60)
    object_id = models.PositiveBigIntegerField("mã đối tượng", null=True, blank=True)
    # {field attname: [before, after]} with JSON values; for an access, what was read.
    changes = models.JSONField("thay đổi", default=dict, blank=True)
    note = models.CharField("ghi chú", max_length=300, blank=True, default="")

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = "mục lịch sử thay đổi"
        verbose_name_plural = "lịch sử thay đổi"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_entry_object"),
            models.Index(fields=["actor_id", "at"], name="audit_entry_actor"),
            models.Index(fields=["at"], name="audit_entry_at"),
            # The data's generation (``chibo.audit.generation``): the latest change, found
            # without walking past the reads (exports, papers downloaded) recorded after it.
            models.Index(
                fields=["id"], condition=~models.Q(action="access"), name="audit_entry_change"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_type}#{self.object_id}"

    @property
    def operation_label(self) -> str:
        return context.LABELS.get(self.operation, self.operation)


class Link(AppendOnlyModel):
    """Which pages' histories show an entry: the row's own object and those it belongs to
    (a membership shows on its person's page and its cell's page)."""

    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="links")
    kind = models.CharField(max_length=20)
    object_id = models.PositiveBigIntegerField()

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "liên kết lịch sử"
        verbose_name_plural = "liên kết lịch sử"
        constraints = [
            models.UniqueConstraint(fields=["entry", "kind", "object_id"], name="audit_link_once")
        ]
        indexes = [models.Index(fields=["kind", "object_id", "entry"], name="audit_link_subject")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}"
