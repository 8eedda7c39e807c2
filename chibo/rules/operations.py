"""Writes of the compliance side: setting a finding aside, with its reason."""

import datetime as dt

from django.db import transaction

from chibo import audit
from chibo.compliance.checks import Finding
from chibo.orgs.models import Organization
from chibo.rules.models import Dismissal


@audit.operation("Bỏ qua cảnh báo", code="rules.dismiss")
@transaction.atomic
def dismiss(
    *, finding: Finding, organization: Organization, reason: str, on: dt.date, by
) -> Dismissal:
    """Bỏ qua a finding from ``on``: the reason, the person and the time are kept."""
    return Dismissal.objects.create(
        key=finding.key, reason=reason, by=by, organization=organization, from_day=on
    )
