"""``/api/v1/findings``: the alerts of the user's scope on a date, and setting one aside;
``/api/v1/calendar``: the official working calendar of a year (read-only, the same for
everyone)."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status

from chibo.accounts import access
from chibo.compliance import served
from chibo.lib import apiforms, params
from chibo.orgs.models import Organization
from chibo.reports.views import scope_ids
from chibo.rules import basis, forms, operations
from chibo.rules.models import DayKind, year_days
from chibo.rules.views import calendar_year

router = Router(tags=["findings"])
calendar = Router(tags=["calendar"])


class FindingOut(Schema):
    rule_id: str
    severity: str
    organization: int
    organization_name: str
    person: int | None
    message: str
    facts: list[str]
    regulation: str
    url: str
    key: str


class FindingList(Schema):
    as_of: dt.date
    count: int
    findings: list[FindingOut]


@router.get("", response=FindingList, summary="Cảnh báo theo quy định có hiệu lực tại một ngày")
def list_findings(request: HttpRequest, as_of: str = "", org: str = ""):
    on = params.as_of({"as_of": as_of})
    org_id = params.optional_int({"org": org}, "org", "tổ chức")
    found = served.findings(scope_ids=scope_ids(request.user, on, org_id), on=on)
    return {"as_of": on, "count": len(found), "findings": [f.as_json() for f in found]}


class DismissalOut(Schema):
    id: int
    key: str
    organization: int
    from_day: dt.date
    reason: str


DismissIn = apiforms.schema_of(forms.DismissForm, "DismissIn")


@router.post(
    "/dismiss",
    response={201: DismissalOut},
    summary="Bỏ qua một cảnh báo, có lý do (chỉ cấp ủy cấp trên)",
)
def dismiss(request: HttpRequest, body: DismissIn, as_of: str = ""):
    on = params.as_of({"as_of": as_of})
    found = served.findings(scope_ids=scope_ids(request.user, on, None), on=on)
    finding = next((f for f in found if f.key == body.key), None)
    if finding is None:
        raise Http404
    org = Organization.objects.get(pk=finding.organization_id)
    # Only the supervising side sets a finding aside, never the organization it is about.
    if not access.can_supervise(request.user, org, on):
        raise PermissionDenied
    form = forms.DismissForm(apiforms.form_data(body))
    made = apiforms.run(
        form,
        lambda data: operations.dismiss(
            finding=finding, organization=org, reason=data["reason"], on=on, by=request.user
        ),
    )
    return Status(
        201,
        DismissalOut(
            id=made.pk,
            key=made.key,
            organization=made.organization_id,
            from_day=made.from_day,
            reason=made.reason,
        ),
    )


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


rules = Router(tags=["rules"])


class CheckOut(Schema):
    rule_id: str
    checks: str
    source: str


class RubricOut(Schema):
    name: str
    source: str
    province: int | None
    valid_from: dt.date
    valid_to: dt.date | None
    attendance_above: int
    min_minutes: int
    min_minutes_combined: int
    max_excused_in_a_row: int


class ParameterOut(Schema):
    name: str
    label: str
    value: str


class BasisOut(Schema):
    as_of: dt.date
    name: str
    stored: bool
    valid_from: dt.date | None
    valid_to: dt.date | None
    regulation: str
    sources: list[str]
    parameters: list[ParameterOut]
    checks: list[CheckOut]
    rubrics: list[RubricOut]


class ChangeOut(Schema):
    label: str
    before: str
    after: str
    changed: bool


class RulesOut(Schema):
    as_of: BasisOut
    to: BasisOut | None
    changes: list[ChangeOut]


def _basis_out(found: basis.Basis) -> dict:
    rules = found.rule_set
    return {
        "as_of": found.on,
        "name": rules.name,
        "stored": found.stored,
        "valid_from": rules.valid_from if found.stored else None,
        "valid_to": rules.valid_to if found.stored else None,
        "regulation": rules.regulation,
        "sources": found.sources,
        "parameters": [{"name": n, "label": lbl, "value": v} for n, lbl, v in found.parameters],
        "checks": [vars(c) for c in found.checks],
        "rubrics": [
            {
                "name": r.name,
                "source": r.source,
                "province": r.province_id,
                "valid_from": r.valid_from,
                "valid_to": r.valid_to,
                "attendance_above": r.attendance_above,
                "min_minutes": r.min_minutes,
                "min_minutes_combined": r.min_minutes_combined,
                "max_excused_in_a_row": r.max_excused_in_a_row,
            }
            for r in found.rubrics
        ],
    }


@rules.get(
    "",
    response=RulesOut,
    summary="Căn cứ quy định có hiệu lực tại một ngày; với to=, so sánh với ngày thứ hai",
)
def rules_in_force(request: HttpRequest, as_of: str = "", to: str = ""):
    """The rule set, its documents, what chibo checks under it and the meeting rubrics on
    ``as_of`` (policy data, the same for every signed-in user). With ``to``, the same for the
    second date and every line side by side (``changes``)."""
    first = basis.in_force(params.as_of({"as_of": as_of}))
    if not to.strip():
        return {"as_of": _basis_out(first), "to": None, "changes": []}
    second = basis.in_force(params.as_of({"to": to}, "to"))
    changes = [
        {"label": r.label, "before": r.before, "after": r.after, "changed": r.changed}
        for r in basis.compare(first, second)
    ]
    return {"as_of": _basis_out(first), "to": _basis_out(second), "changes": changes}
