"""Scheduled work: the one mechanism (design §3, conventions §9).

A systemd timer (deploy/chibo-jobs.timer) or the compose ``scheduler`` service runs
``chibo run_jobs`` every hour. Each registered job runs at most once successfully per day
(``JobRun`` holds a partial unique constraint), so hourly firing only retries failures and
catches up after downtime. Each attempt is recorded (job, day, start, duration, outcome,
message) and shown on the status page (/system/) and in /healthz.

Why a timer and a command rather than django-tasks-db: the work is a few periodic steps,
not jobs enqueued by requests; a timer needs no extra dependency and no long-running worker
process, and systemd (or compose) restarts, logs and schedules it already.

To add a periodic job, write a plain function ``(day) -> str`` (the message: counts only, no
personal data) in the app that owns the work and add one ``Job`` line to ``JOBS`` below.
"""

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from chibo.system.models import JobRun, Outcome

log = logging.getLogger(__name__)

# A daily job whose last success is older than this is stale: /healthz answers 503 and the
# status page says so (issue 11: "a finding when it has not run for 2 days").
STALE_AFTER = dt.timedelta(days=2)


def _record_findings(day: dt.date) -> str:
    from chibo.compliance import daily

    outcome = daily.record(day)
    return f"{outcome.new} mới, {outcome.still_open} vẫn còn, {outcome.resolved} đã khắc phục"


def _prune_request_keys(day: dt.date) -> str:
    from chibo.api.once import prune_idempotency_keys

    return f"{prune_idempotency_keys()} khóa đã hết hạn được xóa"


def _prune_login_records(day: dt.date) -> str:
    # django-axes keeps every successful login (AccessLog); keep a year of them.
    from axes.models import AccessLog

    cutoff = timezone.now() - dt.timedelta(days=365)
    deleted, _ = AccessLog.objects.filter(attempt_time__lt=cutoff).delete()
    return f"{deleted} bản ghi đăng nhập cũ hơn một năm được xóa"


@dataclass(frozen=True)
class Job:
    name: str
    title: str
    run: Callable[[dt.date], str]


# The registration point: one line per periodic job.
JOBS: list[Job] = [
    Job("record_findings", "Ghi cảnh báo trong ngày", _record_findings),
    Job("prune_request_keys", "Xóa khóa chống gửi lặp đã quá 24 giờ", _prune_request_keys),
    Job("prune_login_records", "Xóa bản ghi đăng nhập cũ hơn một năm", _prune_login_records),
]


def by_name(name: str) -> Job:
    for job in JOBS:
        if job.name == name:
            return job
    raise KeyError(name)


def run_one(job: Job, day: dt.date, *, force: bool = False) -> JobRun:
    """Run ``job`` for ``day`` unless it already succeeded that day (or ``force``).

    The job's writes and its OK record are one transaction: if another run finished the
    same day first, the constraint fails and this run's writes are rolled back."""
    started = timezone.now()
    clock = time.monotonic()
    if not force and JobRun.objects.filter(job=job.name, day=day, outcome=Outcome.OK).exists():
        return JobRun.objects.create(
            job=job.name, day=day, started_at=started, outcome=Outcome.SKIPPED
        )
    try:
        with transaction.atomic():
            if force:
                JobRun.objects.filter(job=job.name, day=day, outcome=Outcome.OK).delete()
            message = job.run(day)
            return JobRun.objects.create(
                job=job.name,
                day=day,
                started_at=started,
                duration_ms=int((time.monotonic() - clock) * 1000),
                outcome=Outcome.OK,
                message=message[:500],
            )
    except IntegrityError:
        if JobRun.objects.filter(job=job.name, day=day, outcome=Outcome.OK).exists():
            return JobRun.objects.create(
                job=job.name, day=day, started_at=started, outcome=Outcome.SKIPPED
            )
        return _failed(job, day, started, clock, "IntegrityError")
    except Exception as error:
        # The traceback goes to the server log; the record keeps only the error type, since
        # a database error's text can quote the values of a row (names, CCCD).
        log.exception("scheduled job %s failed", job.name)
        return _failed(job, day, started, clock, type(error).__name__)


def _failed(job: Job, day: dt.date, started, clock: float, kind: str) -> JobRun:
    return JobRun.objects.create(
        job=job.name,
        day=day,
        started_at=started,
        duration_ms=int((time.monotonic() - clock) * 1000),
        outcome=Outcome.FAILED,
        message=f"Lỗi {kind}; chi tiết trong nhật ký máy chủ.",
    )


def run_due(day: dt.date | None = None, *, names: list[str] | None = None, force=False):
    """Run every registered job (or those named) for ``day`` (default today)."""
    day = day or timezone.localdate()
    return [run_one(job, day, force=force) for job in JOBS if names is None or job.name in names]


@dataclass
class JobStatus:
    job: Job
    last_ok: JobRun | None
    last: JobRun | None
    stale: bool


def _installed_at() -> dt.datetime | None:
    """When the database was set up: the first migration applied. A fresh install is not
    stale before its first day has passed."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT MIN(applied) FROM django_migrations")
        (value,) = cursor.fetchone()
    if value is None:
        return None
    if isinstance(value, str):  # SQLite without type detection
        value = dt.datetime.fromisoformat(value)
    return value if timezone.is_aware(value) else timezone.make_aware(value, dt.UTC)


def status(now: dt.datetime | None = None) -> list[JobStatus]:
    now = now or timezone.now()
    installed = _installed_at() or now
    result = []
    for job in JOBS:
        last_ok = JobRun.objects.last_ok(job.name)
        last = JobRun.objects.filter(job=job.name).exclude(outcome=Outcome.SKIPPED).first()
        # A job never run successfully is judged from its first attempt; one never tried (added
        # by an upgrade) from the timer's latest run of any job, else from the install.
        first = JobRun.objects.filter(job=job.name).order_by("started_at").first()
        latest = JobRun.objects.order_by("-started_at").first()
        if last_ok is not None:
            since = last_ok.started_at
        elif first is not None:
            since = first.started_at
        else:
            since = latest.started_at if latest is not None else installed
        result.append(JobStatus(job, last_ok, last, stale=now - since > STALE_AFTER))
    return result
