"""Working regulations of a cell (Quy chế làm việc; article F-7). "In force on a date" is
derived: issued on or before the day, and not yet replaced by a later regulation."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q

from chibo.orgs.models import Organization


def in_force_on(on: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}issued_on__lte": on}) & (
        Q(**{f"{prefix}replaced_by__isnull": True})
        | Q(**{f"{prefix}replaced_by__issued_on__gt": on})
    )


class RegulationQuerySet(models.QuerySet):
    def in_force_on(self, on: dt.date):
        return self.filter(in_force_on(on))


def _upload_to(instance, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower()
    stem = f"{instance.issued_on:%Y%m%d}-{instance.pk or 'new'}"
    return f"regulations/{instance.cell_id}/{stem}.{suffix}"


class WorkingRegulation(models.Model):
    cell = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="regulations", verbose_name="chi bộ"
    )
    number = models.CharField("số, ký hiệu", max_length=50, help_text="Ví dụ: 01-QC/CB.")
    title = models.CharField("trích yếu", max_length=300)
    issued_on = models.DateField("ngày ban hành")
    file = models.FileField("tệp đính kèm", upload_to=_upload_to, blank=True)
    file_name = models.CharField(max_length=200, blank=True, default="")
    replaced_by = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaces",
        verbose_name="được thay thế bởi",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RegulationQuerySet.as_manager()

    class Meta:
        verbose_name = "quy chế làm việc"
        verbose_name_plural = "quy chế làm việc"
        ordering = ["cell_id", "issued_on"]
        indexes = [models.Index(fields=["cell", "issued_on"], name="regulation_cell")]

    def __str__(self) -> str:
        return f"Quy chế {self.number}"


class IssuedNumber(models.Model):
    """A document number taken from an issuer's sequence for one type within one term:
    "Số 05-BC/HU" — from 01 each term, never reset yearly, leading zero below 10 (R-DOC-03)."""

    issuer = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    doc_type = models.CharField("loại văn bản", max_length=8)
    issuer_code = models.CharField("ký hiệu cơ quan", max_length=20)
    term_start = models.DateField("đầu nhiệm kỳ")
    seq = models.PositiveIntegerField("số")
    issued_on = models.DateField("ngày ban hành")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "số văn bản"
        verbose_name_plural = "số văn bản"
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "doc_type", "term_start", "seq"], name="issued_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Số {self.code}"

    @property
    def code(self) -> str:
        return f"{self.seq:02d}-{self.doc_type}/{self.issuer_code}"
