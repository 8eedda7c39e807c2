"""The demo's records carry the times they would have had (issue 14): a 2023 meeting was
scored in 2023, a 2023 report sent and its papers issued in 2023, not when the demo was
loaded. The workflows stamp ``timezone.now()``, which is right in use; the demo, which
replays three years in a minute, moves each stamp to its record's own day afterwards."""

import datetime as dt

from django.utils import timezone

from chibo import audit
from chibo.briefings.models import (
    Assignment,
    CellReport,
    Conference,
    IssuedPaper,
    Progress,
    Recommendation,
)
from chibo.meetings.models import Evaluation, Meeting, Side


def at(day: dt.date, hour: int) -> dt.datetime:
    """``hour`` o'clock local time on ``day``, never later than now."""
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
    return min(moment, timezone.now())


def _save(model, rows: list, fields: list[str]) -> None:
    """Write the new stamps through the audit (one update per distinct value, recorded)."""
    groups: dict[tuple, list[int]] = {}
    for row in rows:
        groups.setdefault(tuple(getattr(row, f) for f in fields), []).append(row.pk)
    for values, pks in groups.items():
        audit.updated(model.objects.filter(pk__in=pks), **dict(zip(fields, values, strict=True)))


def build() -> None:
    meetings = list(Meeting.objects.all())
    for m in meetings:
        m.created_at = at(m.planned_date - dt.timedelta(days=7), 8)
        if m.closed_at is not None:
            m.closed_at = at(m.date or m.planned_date, 17)
    _save(Meeting, meetings, ["created_at", "closed_at"])

    evaluations = list(Evaluation.objects.select_related("meeting"))
    for e in evaluations:
        day = e.meeting.date or e.meeting.planned_date
        # The cell scores itself at the meeting; the superior the next day.
        e.scored_at = at(day, 17) if e.side == Side.SELF else at(day + dt.timedelta(days=1), 9)
    _save(Evaluation, evaluations, ["scored_at"])

    conferences = list(Conference.objects.all())
    for c in conferences:
        c.created_at = at(c.date - dt.timedelta(days=14), 8)
    _save(Conference, conferences, ["created_at"])

    reports = list(
        CellReport.objects.filter(submitted_at__isnull=False).select_related("conference")
    )
    for r in reports:
        c = r.conference
        r.submitted_at = at(max(c.period_end, c.date - dt.timedelta(days=3)), 9)
    _save(CellReport, reports, ["submitted_at"])

    recs = list(Recommendation.objects.filter(answered_on__isnull=False))
    for r in recs:
        r.answered_at = at(r.answered_on, 10)
    _save(Recommendation, recs, ["answered_at"])

    tasks = list(Assignment.objects.filter(closed_on__isnull=False))
    for t in tasks:
        t.closed_at = at(t.closed_on, 10)
    _save(Assignment, tasks, ["closed_at"])

    progress = list(Progress.objects.all())
    for p in progress:
        p.created_at = at(p.on, 10)
    _save(Progress, progress, ["created_at"])

    papers = list(IssuedPaper.objects.all())
    for p in papers:
        p.issued_at = at(p.issued_on, 15)
    _save(IssuedPaper, papers, ["issued_at"])
