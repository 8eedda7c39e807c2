"""What the operations side records: one row per run of a scheduled job."""

import datetime as dt

from django.db import models
from django.db.models import Q


class Outcome(models.TextChoices):
    OK = "ok", "Thành công"
    FAILED = "failed", "Lỗi"
    SKIPPED = "skipped", "Bỏ qua (đã chạy trong ngày)"


class JobRunQuerySet(models.QuerySet):
    def last_ok(self, job: str) -> "JobRun | None":
        return self.filter(job=job, outcome=Outcome.OK).order_by("-started_at").first()


class JobRun(models.Model):
    """One run of a scheduled job for one day. A job succeeds at most once per day (the
    constraint), so a timer that fires twice, or a manual run after the timer, changes
    nothing; failed runs are kept and the next run tries again."""

    job = models.CharField("công việc", max_length=64)
    day = models.DateField("ngày chạy cho")
    started_at = models.DateTimeField("bắt đầu")
    duration_ms = models.PositiveIntegerField("thời gian (ms)", default=0)
    outcome = models.CharField("kết quả", max_length=8, choices=Outcome.choices)
    # Counts and error types only: never names or CCCD numbers (standards: no personal data).
    message = models.CharField("ghi chú", max_length=500, blank=True, default="")

    objects = JobRunQuerySet.as_manager()

    class Meta:
        verbose_name = "lần chạy công việc định kỳ"
        verbose_name_plural = "lần chạy công việc định kỳ"
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["job", "-started_at"], name="jobrun_job_started")]
        constraints = [
            models.UniqueConstraint(
                fields=["job", "day"], condition=Q(outcome="ok"), name="jobrun_ok_once_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.day:%d/%m/%Y}: {self.get_outcome_display()}"

    @property
    def duration(self) -> dt.timedelta:
        return dt.timedelta(milliseconds=self.duration_ms)
