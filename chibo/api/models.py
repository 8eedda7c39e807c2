"""Request keys: what makes a write happen once (issue 9).

One table for both kinds of key a user sends with a write: the ``Idempotency-Key`` header of
an API request, and the one-time token of a page form. A key is unique per user and kind;
the row is written in the same transaction as the write it guards, so either both exist or
neither does. It keeps the first answer so that a repeat gets that answer back.
"""

from django.conf import settings
from django.db import models


class RequestKey(models.Model):
    class Kind(models.TextChoices):
        API = "api", "Idempotency-Key (API)"
        FORM = "form", "Biểu mẫu (trang)"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="người dùng",
    )
    kind = models.CharField("loại", max_length=4, choices=Kind.choices)
    key = models.CharField("khóa", max_length=200)
    # SHA-256 of method, path and body: the same key with another request is refused.
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    status = models.PositiveSmallIntegerField("mã trả lời", null=True)
    content_type = models.CharField(max_length=100, blank=True, default="")
    body = models.BinaryField(default=b"")
    location = models.CharField(max_length=2000, blank=True, default="")

    class Meta:
        verbose_name = "khóa ghi một lần"
        verbose_name_plural = "khóa ghi một lần"
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "key"], name="request_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key}"
