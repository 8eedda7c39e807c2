"""``/api/v1/findings``: the alerts of the user's scope on a date; ``/api/v1/calendar``: the
official working calendar of a year (read-only, the same for everyone)."""

from django.http import HttpRequest
from ninja import Router

from chibo.lib import params
from chibo.reports.views import scope_ids
from chibo.rules import checks
from chibo.rules.models import DayKind, year_days
from chibo.rules.views import calendar_year

router = Router(tags=["findings"])
calendar = Router(tags=["calendar"])


@router.get("", summary="Cảnh báo theo quy định có hiệu lực tại một ngày")
def list_findings(request: HttpRequest, as_of: str = "", org: str = "") -> dict:
    on = params.as_of({"as_of": as_of})
    org_id = params.optional_int({"org": org}, "org", "tổ chức")
    found = checks.run(scope_ids=scope_ids(request.user, on, org_id), on=on)
    return {"as_of": on.isoformat(), "count": len(found), "findings": [f.as_json() for f in found]}


@calendar.get("", summary="Lịch làm việc của một năm: ngày nghỉ, ngày làm bù, nguồn")
def working_calendar(request: HttpRequest, year: str = "") -> dict:
    """R-MEM-03, R-MEM-05, R-MEM-09: the days the working-day deadlines skip and count."""
    number = calendar_year({"year": year})
    entry, rows = year_days(number)

    def listed(kind: str) -> list[dict]:
        return [{"day": d.isoformat(), "name": name} for d, k, name in rows if k == kind]

    return {
        "year": number,
        "official": entry is not None,
        "source": entry.source if entry else "",
        "confirmed": bool(entry and entry.confirmed),
        "days_off": listed(DayKind.OFF),
        "make_up_days": listed(DayKind.MAKE_UP),
    }
