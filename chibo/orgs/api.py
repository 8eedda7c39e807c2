"""``/api/v1/organizations``: the tree as of a date, scoped like the pages."""

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from chibo.accounts import access
from chibo.lib import apiforms, params
from chibo.lib.params import InvalidParam
from chibo.orgs.models import Kind, OrgLink, OrgVersion, Relation

router = Router(tags=["organizations"])

MAX_LIMIT = 1000


class OrganizationOut(Schema):
    id: int
    name: str
    party_name: str
    kind: str
    kind_label: str
    issuer_code: str
    place_name: str
    is_police: bool
    parent: int | None
    sector_superior: int | None
    valid_from: dt.date
    valid_to: dt.date | None
    exists: bool


class OrganizationList(Schema):
    as_of: dt.date
    count: int
    limit: int
    offset: int
    items: list[OrganizationOut]


def _out(version: OrgVersion, superiors: dict, exists: bool = True) -> OrganizationOut:
    up = superiors.get(version.organization_id, {})
    return OrganizationOut(
        id=version.organization_id,
        name=version.name,
        party_name=version.party_name,
        kind=version.kind,
        kind_label=version.get_kind_display(),
        issuer_code=version.issuer_code,
        place_name=version.place_name,
        is_police=version.organization.is_police,
        parent=up.get(Relation.TERRITORIAL),
        sector_superior=up.get(Relation.SECTOR),
        valid_from=version.valid_from,
        valid_to=version.valid_to,
        exists=exists,
    )


def _superiors(org_ids, on: dt.date) -> dict[int, dict[str, int]]:
    result: dict[int, dict[str, int]] = {}
    for child, parent, relation in (
        OrgLink.objects.on(on)
        .filter(child_id__in=org_ids)
        .values_list("child_id", "parent_id", "relation")
    ):
        result.setdefault(child, {})[relation] = parent
    return result


@router.get("", response=OrganizationList, summary="Tổ chức đảng vào một ngày")
def list_organizations(
    request: HttpRequest,
    as_of: str = "",
    kind: str = "",
    parent: str = "",
    sector_superior: str = "",
    limit: int = 100,
    offset: int = 0,
):
    on = params.as_of({"as_of": as_of})
    if kind and kind not in Kind.values:
        raise InvalidParam(
            f"Loại hình “{kind[:30]}” không hợp lệ; dùng một trong: {', '.join(Kind.values)}."
        )
    if not 1 <= limit <= MAX_LIMIT or not 0 <= offset <= 10_000_000:
        raise InvalidParam(f"limit phải từ 1 đến {MAX_LIMIT}, offset không âm.")
    scope = access.scope(request.user, on)
    versions = scope.filter(OrgVersion.objects.on(on), field="organization_id")
    if kind:
        versions = versions.filter(kind=kind)
    filters = {"parent": parent, "sector_superior": sector_superior}
    for name, relation, label in (
        ("parent", Relation.TERRITORIAL, "cấp trên"),
        ("sector_superior", Relation.SECTOR, "cấp trên theo ngành"),
    ):
        superior = params.optional_int(filters, name, label)
        if superior is not None:
            children = OrgLink.objects.on(on).filter(parent_id=superior, relation=relation)
            versions = versions.filter(organization_id__in=children.values("child_id"))
    ordered = versions.select_related("organization").sorted_by_name()
    page = ordered[offset : offset + limit]
    superiors = _superiors([v.organization_id for v in page], on)
    return OrganizationList(
        as_of=on,
        count=len(ordered),
        limit=limit,
        offset=offset,
        items=[_out(v, superiors) for v in page],
    )


@router.get("/{org_id}", response=OrganizationOut, summary="Một tổ chức đảng vào một ngày")
def get_organization(request: HttpRequest, org_id: apiforms.PathId, as_of: str = ""):
    on = params.as_of({"as_of": as_of})
    org = access.get_org(request.user, org_id, on)
    day = org.nearest_day(on)
    version = org.version_on(day)
    version.organization = org
    return _out(version, _superiors([org.pk], day), exists=(day == on))
