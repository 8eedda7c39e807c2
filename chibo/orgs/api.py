"""``/api/v1/organizations``: the tree as of a date, scoped like the pages."""

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema, Status

from chibo.accounts import access
from chibo.accounts.access import Capability
from chibo.lib import apiforms, params
from chibo.lib.params import InvalidParam
from chibo.orgs import forms, operations, views
from chibo.orgs.models import Kind, Organization, OrgLink, OrgVersion, Relation

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


# Reorganizations (R-ORG-*, R-GEO-*): the pages' forms and operations, for those who manage
# the structure. The date in ``as_of`` chooses the organizations offered, as on the pages.

CreateIn = apiforms.schema_of(forms.CreateForm, "OrganizationIn")
RenameIn = apiforms.schema_of(forms.RenameForm, "RenameIn")
MoveIn = apiforms.schema_of(forms.MoveForm, "MoveIn")


def answer(org: Organization, on: dt.date) -> OrganizationOut:
    day = org.nearest_day(on)
    version = org.version_on(day)
    version.organization = org
    return _out(version, _superiors([org.pk], day), exists=(day == on))


@router.post("", response={201: OrganizationOut}, summary="Thành lập tổ chức đảng")
def create_organization(request: HttpRequest, body: CreateIn, as_of: str = ""):
    on = params.as_of({"as_of": as_of})
    root = access.can_create_root(request.user)
    scope = (
        access.scope(request.user, on)
        if root
        else access.require_any(request.user, on, Capability.MANAGE_STRUCTURE)
    )
    form = forms.CreateForm(
        apiforms.form_data(body),
        versions=views.versions_in(scope, on, Capability.MANAGE_STRUCTURE),
        parent_required=not root,
    )

    def action(data):
        views.require_manage_on(request, [data["parent"], data["sector_superior"]], data["on"])
        return operations.create(
            attrs=views.attrs_of(data),
            on=data["on"],
            by=request.user,
            parent=data["parent"],
            sector_superior=data["sector_superior"],
            is_police=data["is_police"],
            decision=data["decision"],
        )

    org = apiforms.run(form, action)
    return Status(201, answer(org, form.cleaned_data["on"]))


def managed(request, org_id: int, as_of: str) -> tuple[dt.date, Organization]:
    on = params.as_of({"as_of": as_of})
    return on, access.get_org(request.user, org_id, on, Capability.MANAGE_STRUCTURE)


@router.post("/{org_id}/rename", response=OrganizationOut, summary="Đổi tên, loại hình, ký hiệu")
def rename(request: HttpRequest, org_id: apiforms.PathId, body: RenameIn, as_of: str = ""):
    _on, org = managed(request, org_id, as_of)
    form = forms.RenameForm(apiforms.form_data(body))

    def action(data):
        views.require_manage_on(request, [org], data["on"])
        changes = {f: data[f] for f in operations.ATTRIBUTES}
        return operations.rename(
            org=org, on=data["on"], by=request.user, decision=data["decision"], **changes
        )

    apiforms.run(form, action)
    return answer(org, form.cleaned_data["on"])


@router.post("/{org_id}/move", response=OrganizationOut, summary="Chuyển cấp trên")
def move(request: HttpRequest, org_id: apiforms.PathId, body: MoveIn, as_of: str = ""):
    on, org = managed(request, org_id, as_of)
    scope = access.scope(request.user, on)
    candidates = [
        v
        for v in views.versions_in(scope, on, Capability.MANAGE_STRUCTURE)
        if v.organization_id != org.pk
    ]
    form = forms.MoveForm(apiforms.form_data(body), versions=candidates)

    def action(data):
        views.require_manage_on(request, [org, data["parent"]], data["on"])
        return operations.move(
            org=org,
            on=data["on"],
            by=request.user,
            parent=data["parent"],
            relation=data["relation"],
            decision=data["decision"],
        )

    apiforms.run(form, action)
    return answer(org, form.cleaned_data["on"])
