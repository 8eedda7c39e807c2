"""``/api/v1/stats``: the overview figures, from the same code as the page and the CLI;
``/api/v1/reports/monthly``: the monthly report of a committee on its cells."""

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from chibo.compliance import served
from chibo.lib import params
from chibo.reports import views_monthly
from chibo.reports.views import scope_ids

router = Router(tags=["stats"])


@router.get("", summary="Số liệu tổng quan tại một ngày", response=dict[str, int | str])
def get_stats(request: HttpRequest, as_of: str = "", org: str = ""):
    on = params.as_of({"as_of": as_of})
    org_id = params.optional_int({"org": org}, "org", "tổ chức")
    return served.overview(scope_ids=scope_ids(request.user, on, org_id), on=on).as_json()


reports = Router(tags=["reports"])


class MonthlyCellOut(Schema):
    organization: int
    name: str
    members: int
    official: int
    probationary: int
    held: int
    regular_held: int
    missed: int
    thematic: int
    attended: int
    counted: int
    superior: int
    admitted: int
    recognized: int
    transferred_out: int
    transferred_in: int
    open_findings: int
    state: str
    attendance_rate: float | None
    level: str
    meeting_days: list[dt.date]
    findings: list[str]


class MonthlyTotalsOut(Schema):
    members: int
    official: int
    probationary: int
    held: int
    regular_held: int
    missed: int
    thematic: int
    attended: int
    counted: int
    superior: int
    admitted: int
    recognized: int
    transferred_out: int
    transferred_in: int
    open_findings: int


class MonthlyOut(Schema):
    organization: int
    organization_name: str
    month: str
    as_of: dt.date
    complete: bool
    totals: MonthlyTotalsOut
    attendance_rate: float | None
    levels: dict[str, int]
    other_findings: int
    cells: list[MonthlyCellOut]


@reports.get(
    "/monthly",
    response=MonthlyOut,
    summary="Báo cáo tháng của cấp ủy về các chi bộ Công an (đúng tại ngày cuối tháng)",
)
def monthly_report(request: HttpRequest, org: str = "", month: str = ""):
    """``month``: mm/yyyy or yyyy-mm (default: the last whole month); ``org``: default the
    organization of the caller's first grant. The same figures as the page and its files."""
    return views_monthly.report_for(request.user, {"org": org, "month": month}).as_json()
