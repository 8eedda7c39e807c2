"""Users, grants and API tokens (design §1).

A grant gives a user one role on one organization for an interval of days. What the grant
lets the user see on a given date, and do, is decided in ``chibo.accounts.access`` only.
"""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models

from chibo.lib.validity import Validity, interval_constraint

# How finely ApiToken.last_used_at is kept.
USE_RESOLUTION = dt.timedelta(minutes=1)


class User(AbstractUser):
    full_name = models.CharField("họ và tên", max_length=150, blank=True, default="")

    class Meta:
        verbose_name = "người dùng"
        verbose_name_plural = "người dùng"

    def __str__(self) -> str:
        return self.full_name or self.username


class Role(models.TextChoices):
    """Roles are data; what each may do is a property, never a name compared in a view."""

    ADMIN = "admin", "Quản trị hệ thống"
    BOARD = "board", "Cấp ủy cấp trên (giám sát)"
    COMMITTEE = "committee", "Đảng ủy xã"
    SECRETARY = "secretary", "Bí thư chi bộ"
    VIEWER = "viewer", "Chỉ xem"

    @property
    def can_write(self) -> bool:
        return self != Role.VIEWER

    @property
    def can_manage_structure(self) -> bool:
        """Reorganizations (create, rename, move, merge, split, dissolve) — design §1."""
        return self == Role.ADMIN

    @property
    def can_import(self) -> bool:
        """Bring a roster in from a spreadsheet (issue 13): the supervising side, not a cell's
        secretary nor a read-only viewer."""
        return self in (Role.ADMIN, Role.BOARD, Role.COMMITTEE)

    @property
    def can_manage_users(self) -> bool:
        """Create users and grant roles under the grant (issue 10): the admin and the board."""
        return self in (Role.ADMIN, Role.BOARD)


class Grant(Validity):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="grants",
        verbose_name="người dùng",
    )
    role = models.CharField("vai trò", max_length=16, choices=Role.choices)
    organization = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        related_name="grants",
        verbose_name="tổ chức",
    )
    note = models.CharField("ghi chú", max_length=200, blank=True, default="")

    class Meta:
        verbose_name = "phân quyền"
        verbose_name_plural = "phân quyền"
        constraints = [interval_constraint("grant_interval")]
        indexes = [models.Index(fields=["user", "valid_from"], name="grant_user")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — tổ chức #{self.organization_id}"

    @property
    def role_enum(self) -> Role:
        return Role(self.role)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def for_key(self, key: str):
        """The token of ``key`` if it still opens the API: not revoked, and its user still
        active (an account turned off loses its tokens with its password)."""
        return self.filter(
            digest=_digest(key), revoked_at__isnull=True, user__is_active=True
        ).select_related("user")


class ApiToken(models.Model):
    """A bearer token for the JSON API; only its SHA-256 digest is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField("tên gợi nhớ", max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField("tiền tố", max_length=8)
    created_at = models.DateTimeField("ngày tạo", auto_now_add=True)
    last_used_at = models.DateTimeField("lần dùng gần nhất", null=True, blank=True)
    revoked_at = models.DateTimeField("ngày thu hồi", null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "mã truy cập API"
        verbose_name_plural = "mã truy cập API"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, *, user, name: str) -> tuple["ApiToken", str]:
        """Create a token; the plain key is returned once and never stored."""
        key = "chibo_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, digest=_digest(key), prefix=key[6:14])
        return token, key

    def record_use(self, now: dt.datetime) -> None:
        """Note that the token was used, at most once a minute: a write on every request,
        reads included, would take SQLite's write lock each time (issue 9). The condition is
        repeated in the UPDATE so concurrent requests write it once."""
        since = now - USE_RESOLUTION
        if self.last_used_at is not None and self.last_used_at > since:
            return
        stale = models.Q(last_used_at__isnull=True) | models.Q(last_used_at__lte=since)
        ApiToken.objects.filter(stale, pk=self.pk).update(last_used_at=now)
        self.last_used_at = now
