"""``/api/v1/stats``: the overview figures, from the same code as the page and the CLI."""

from django.http import HttpRequest
from ninja import Router

from chibo.lib import params
from chibo.reports import stats
from chibo.reports.views import scope_ids

router = Router(tags=["stats"])


@router.get("", summary="Số liệu tổng quan tại một ngày", response=dict[str, int | str])
def get_stats(request: HttpRequest, as_of: str = "", org: str = ""):
    on = params.as_of({"as_of": as_of})
    org_id = params.optional_int({"org": org}, "org", "tổ chức")
    return stats.compute(scope_ids=scope_ids(request.user, on, org_id), on=on).as_json()
