"""Compliance checks on the documents register (listed in ``chibo.compliance.checks.CHECKS``):
overdue dissemination of a higher document (F-9), and a commune committee without its
resolution on security and order for the year by the configured day (F-8, [G])."""

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse

from chibo.lib.idlist import IdList
from chibo.lib.vndates import format_date
from chibo.orgs.models import OrgLink, Relation
from chibo.register import progress
from chibo.register.models import Direction, Dissemination, DocType, Document
from chibo.rules.models import Severity

if TYPE_CHECKING:  # checks.py imports this module; only its types are named here
    from chibo.compliance.checks import Context, Finding


def security_deadline(year: int) -> dt.date:
    """The day of ``year`` by which a commune committee should have issued its resolution on
    security and order (``CHIBO_SECURITY_RESOLUTION_BY``, "MM-DD"; [G])."""
    month, day = (int(x) for x in settings.CHIBO_SECURITY_RESOLUTION_BY.split("-"))
    return dt.date(year, month, day)


def check_dissemination(ctx: "Context") -> "list[Finding]":
    """F-9: a cell's study of a higher document past its deadline with members still to
    reach. Two queries for all cells."""
    plans = Dissemination.objects.filter(cell_id__in=ctx.cells, due_on__lt=ctx.on).select_related(
        "document"
    )
    found = []
    for row in progress.completions(plans, ctx.on):
        if row.complete:
            continue
        plan = row.dissemination
        found.append(
            ctx.finding(
                "F-9",
                Severity.MEDIUM,
                plan.cell_id,
                f"Chưa hoàn thành học tập, quán triệt {plan.document.label} (hạn đến hết ngày "
                f"{format_date(plan.due_on)}): {row.reached}/{row.to_reach} đảng viên đã học.",
                reverse("register:dissemination", args=[plan.pk]) + f"?as_of={ctx.on.isoformat()}",
                f"dissemination:{plan.pk}",
                facts=[f"Còn {row.to_reach - row.reached} đảng viên chưa học."],
            )
        )
    return found


def check_security_resolution(ctx: "Context") -> "list[Finding]":
    """F-8 [G]: from the configured day of each year, a commune committee over cells in
    scope without a resolution on security and order issued that year."""
    deadline = security_deadline(ctx.on.year)
    if ctx.on <= deadline:
        return []
    committees = set(
        OrgLink.objects.on(ctx.on)
        .filter(child_id__in=ctx.cells, relation=Relation.TERRITORIAL)
        .values_list("parent_id", flat=True)
    )
    if ctx.scope_ids is not None:
        committees &= ctx.scope_ids  # a cell's own board does not list its superior's gaps
    if not committees:
        return []
    covered = set(
        Document.objects.filter(
            organization_id__in=IdList(committees),
            direction=Direction.INCOMING,
            doc_type=DocType.NQ,
            security=True,
            issued_on__gte=dt.date(ctx.on.year, 1, 1),
            issued_on__lte=ctx.on,
        ).values_list("organization_id", flat=True)
    )
    advice = reverse("register:advice") + f"?as_of={ctx.on.isoformat()}"  # once: thousands
    return [
        ctx.finding(
            "F-8",
            Severity.LOW,
            committee,
            f"Chưa có nghị quyết về an ninh, trật tự năm {ctx.on.year} (hạn "
            f"{format_date(deadline)}); chi bộ Công an tham mưu đảng ủy ban hành.",
            advice,
            f"security:{committee}:{ctx.on.year}",
        )
        for committee in sorted(committees - covered)
    ]
