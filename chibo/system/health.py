"""What /healthz checks: the database answers, every migration the code knows is applied,
and scheduled work is fresh. Reasons are short Vietnamese sentences without personal data."""

from dataclasses import dataclass, field
from functools import cache

from django.db import DatabaseError, connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from chibo.system import jobs


@cache
def _known_migrations() -> frozenset[tuple[str, str]]:
    # Read from disk once per process: the code does not change under a running server.
    return frozenset(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)


def unapplied_migrations() -> list[str]:
    applied = set(MigrationRecorder(connection).applied_migrations())
    return sorted(f"{app}.{name}" for app, name in _known_migrations() - applied)


@dataclass
class Health:
    checks: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_json(self) -> dict:
        return {
            "status": "ok" if self.ok else "error",
            "checks": self.checks,
            "detail": "; ".join(self.problems)
            if self.problems
            else "Hệ thống hoạt động bình thường.",
        }


def check() -> Health:
    health = Health()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        health.checks["database"] = "error"
        health.problems.append("Không kết nối được cơ sở dữ liệu.")
        return health
    health.checks["database"] = "ok"
    missing = unapplied_migrations()
    if missing:
        health.checks["migrations"] = "error"
        health.problems.append(f"Còn {len(missing)} migration chưa áp dụng; chạy `chibo migrate`.")
        return health  # the job table may not exist yet
    health.checks["migrations"] = "ok"
    stale = [s.job.name for s in jobs.status() if s.stale]
    health.checks["scheduled"] = "error" if stale else "ok"
    if stale:
        health.problems.append(
            f"Công việc định kỳ không chạy thành công quá 2 ngày: {', '.join(stale)}."
        )
    return health
