"""``/api/v1/organizations/{id}/split``, ``…/dissolve`` and ``/api/v1/mergers``: the
reorganizations that move people, through the same workflows as the pages
(``chibo.reorganize.workflows``), above both the tree and the members."""

from typing import Annotated

from django.http import HttpRequest
from ninja import Router, Status
from pydantic import Field, Strict

from chibo.accounts import access
from chibo.accounts.access import Capability
from chibo.lib import apiforms, params
from chibo.lib.validity import valid_on
from chibo.orgs import api as orgs_api
from chibo.orgs import forms, operations, views
from chibo.orgs.api import OrganizationOut
from chibo.orgs.models import OrgVersion
from chibo.reorganize import workflows

organizations = Router(tags=["organizations"])
mergers = Router(tags=["organizations"])

MergeIn = apiforms.schema_of(forms.MergeForm, "MergeIn")
DissolveIn = apiforms.schema_of(forms.DissolveForm, "DissolveIn")
SplitIn = apiforms.schema_of(
    forms.SplitForm,
    "SplitIn",
    extra={
        "children": (
            dict[int, Annotated[int, Strict()]],
            Field(
                {},
                title="Tổ chức trực thuộc giao cho tổ chức mới số (1–10), theo mã tổ chức",
            ),
        )
    },
)


@organizations.post(
    "/{org_id}/split", response=list[OrganizationOut], summary="Chia tách thành các tổ chức mới"
)
def split(request: HttpRequest, org_id: apiforms.PathId, body: SplitIn, as_of: str = ""):
    on, org = orgs_api.managed(request, org_id, as_of)
    child_ids = org.downlinks.filter(valid_on(on)).values_list("child_id", flat=True)
    children = OrgVersion.objects.on(on).filter(organization_id__in=child_ids).sorted_by_name()
    data = apiforms.form_data(body)
    data.pop("children", None)
    data.update({f"child_{k}": str(v) for k, v in body.children.items()})
    form = forms.SplitForm(data, children=children)

    def action(data):
        views.require_manage_on(request, [org], data["on"])
        version = org.version_on(org.nearest_day(on))
        parts = [
            operations.Attrs(
                kind=version.kind,
                name=name,
                party_name=name,
                issuer_code=version.issuer_code,
                place_name=version.place_name,
            )
            for name in data["parts"]
        ]
        return workflows.split(
            org=org,
            on=data["on"],
            by=request.user,
            parts=parts,
            children=form.child_assignment(),
            decision=data["decision"],
        )

    created = apiforms.run(form, action)
    return [orgs_api.answer(part, form.cleaned_data["on"]) for part in created]


@organizations.post("/{org_id}/dissolve", response=OrganizationOut, summary="Giải thể")
def dissolve(request: HttpRequest, org_id: apiforms.PathId, body: DissolveIn, as_of: str = ""):
    _on, org = orgs_api.managed(request, org_id, as_of)
    form = forms.DissolveForm(apiforms.form_data(body))

    def action(data):
        views.require_manage_on(request, [org], data["on"])
        return workflows.dissolve(
            org=org, on=data["on"], by=request.user, decision=data["decision"]
        )

    apiforms.run(form, action)
    return orgs_api.answer(org, form.cleaned_data["on"])


@mergers.post("", response={201: OrganizationOut}, summary="Hợp nhất, sáp nhập tổ chức")
def merge(request: HttpRequest, body: MergeIn, as_of: str = ""):
    on = params.as_of({"as_of": as_of})
    scope = access.require_any(request.user, on, Capability.MANAGE_STRUCTURE)
    versions = views.versions_in(scope, on, Capability.MANAGE_STRUCTURE)
    form = forms.MergeForm(apiforms.form_data(body), versions=versions)

    def action(data):
        views.require_manage_on(request, [*data["sources"], data["into"]], data["on"])
        new = views.attrs_of(data, "new_") if data["into"] is None else None
        return workflows.merge(
            sources=data["sources"],
            into=data["into"],
            new=new,
            on=data["on"],
            by=request.user,
            decision=data["decision"],
        )

    successor = apiforms.run(form, action)
    return Status(201, orgs_api.answer(successor, form.cleaned_data["on"]))
