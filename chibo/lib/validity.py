"""Validity intervals: the one way chibo says "true on this date" (design §3).

An interval is half-open, ``[valid_from, valid_to)``: ``valid_to`` is the first day on which
the fact no longer holds, and ``None`` means it still holds. A change on day D closes the
old row at D and opens the new one at D, so exactly one row holds on any day.
"""

import datetime as dt

from django.db import models
from django.db.models import Q


def valid_on(on: dt.date, prefix: str = "") -> Q:
    """Q filter for rows whose interval contains ``on``; ``prefix`` follows a relation."""
    return Q(**{f"{prefix}valid_from__lte": on}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gt": on})
    )


class ValidityQuerySet(models.QuerySet):
    def on(self, on: dt.date):
        """Rows valid on ``on``."""
        return self.filter(valid_on(on))


class Validity(models.Model):
    valid_from = models.DateField("hiệu lực từ ngày")
    valid_to = models.DateField(
        "hết hiệu lực từ ngày", null=True, blank=True, help_text="Để trống nếu còn hiệu lực."
    )

    objects = ValidityQuerySet.as_manager()

    class Meta:
        abstract = True

    def holds_on(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on < self.valid_to)

    @property
    def last_day(self) -> dt.date | None:
        """The last day the fact holds (``valid_to`` is exclusive)."""
        return None if self.valid_to is None else self.valid_to - dt.timedelta(days=1)


def interval_constraint(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
        name=name,
        violation_error_message="Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực.",
    )
