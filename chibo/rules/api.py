"""``/api/v1/findings``: the alerts of the user's scope on a date."""

from django.http import HttpRequest
from ninja import Router

from chibo.lib import params
from chibo.reports.views import scope_ids
from chibo.rules import checks

router = Router(tags=["findings"])


@router.get("", summary="Cảnh báo theo quy định có hiệu lực tại một ngày")
def list_findings(request: HttpRequest, as_of: str = "", org: str = "") -> dict:
    on = params.as_of({"as_of": as_of})
    org_id = params.optional_int({"org": org}, "org", "tổ chức")
    found = checks.run(scope_ids=scope_ids(request.user, on, org_id), on=on)
    return {"as_of": on.isoformat(), "count": len(found), "findings": [f.as_json() for f in found]}
