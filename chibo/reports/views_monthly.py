"""The monthly report of a committee on its cells (issue 14, item 3): the page, its .xlsx and
its Party-format .docx, one URL each, all read-only: any reader of the organization on the
month's last day may open them (404 outside scope, 405 for any other method)."""

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from chibo import audit
from chibo.accounts import access
from chibo.lib import params, vntext, xlsx
from chibo.orgs.models import Organization
from chibo.reports import charts, monthly, monthly_files
from chibo.reports.views import scope_ids

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def report_for(user, query) -> monthly.MonthlyReport:
    """The report the query asks for: ``org`` (default: the organization of the user's first
    grant) and ``month`` (mm/yyyy; default: the last whole month). Bad input is a 400 with a
    Vietnamese message, an organization outside the scope a 404."""
    today = timezone.localdate()
    month = monthly.parse_month(query.get("month"), today)
    last = min(month.next.first - dt.timedelta(days=1), today)
    org_id = params.optional_int(query, "org", "tổ chức")
    if org_id is None:
        grants = access.active_grants(user)
        if not grants:
            raise params.InvalidParam("Hãy chọn tổ chức (tham số org).")
        org_id = grants[0].organization_id
    org = access.get_org(user, org_id, last)
    day = org.nearest_day(last)
    return monthly.compute(organization=org, scope_ids=scope_ids(user, day, org.pk), month=month)


def _choices(user, on: dt.date) -> list[tuple[int, str]]:
    """The organizations of the user's grants, to switch between (a few, never the tree)."""
    ids = [g.organization_id for g in access.active_grants(user)]
    orgs = Organization.objects.filter(pk__in=ids)
    return [(o.pk, str(o.version_on(on) or o)) for o in orgs]


@require_GET
def page(request: HttpRequest) -> HttpResponse:
    report = report_for(request.user, request.GET)
    context = {
        "nav": "overview",
        "report": report,
        "totals": report.totals,
        "month_text": report.month.label,
        # A list, not the Counter: a template looks "items" up as a key first.
        "levels": sorted(report.levels.items(), key=lambda item: vntext.sort_key(item[0])),
        "choices": _choices(request.user, report.as_of),
        # 12 months up to the report's month, over the same cells (issue 14, item 5).
        "charts": charts.meeting_charts(
            report.scope_ids, report.month, key="monthly", today=timezone.localdate()
        ),
    }
    return render(request, "reports/monthly.html", context)


@require_GET
def as_xlsx(request: HttpRequest) -> HttpResponse:
    report = report_for(request.user, request.GET)
    audit.accessed(report.organization, note=f"Tải báo cáo tháng {report.month.label} (.xlsx)")
    return xlsx.response(monthly_files.render_xlsx(report), monthly_files.filename(report, "xlsx"))


@require_GET
def as_docx(request: HttpRequest) -> HttpResponse:
    report = report_for(request.user, request.GET)
    audit.accessed(report.organization, note=f"Tải báo cáo tháng {report.month.label} (.docx)")
    reply = HttpResponse(monthly_files.render_docx(report), content_type=DOCX)
    reply["Content-Disposition"] = (
        f'attachment; filename="{monthly_files.filename(report, "docx")}"'
    )
    return reply
