"""Pages of the reorganizations that move people: merge, split, dissolve (URLs under
``/orgs/``, names in the ``reorganize`` namespace)."""

from django.views.decorators.http import require_http_methods

from chibo.accounts import access
from chibo.accounts.access import Capability
from chibo.lib import params
from chibo.lib.pages import form_page, posted
from chibo.lib.validity import valid_on
from chibo.orgs import forms, operations
from chibo.orgs.models import OrgVersion
from chibo.orgs.views import attrs_of, managed, require_manage_on, versions_in
from chibo.reorganize import workflows


def _form_page(request, form, template: str, context: dict, action):
    return form_page(request, form, template, {**context, "nav": "orgs"}, action)


@require_http_methods(["GET", "POST"])
def merge(request):
    on = params.as_of(request.GET)
    scope = access.require_any(request.user, on, Capability.MANAGE_STRUCTURE)
    versions = versions_in(scope, on, Capability.MANAGE_STRUCTURE)
    form = forms.MergeForm(posted(request), versions=versions, initial={"on": on})

    def action(data):
        require_manage_on(request, [*data["sources"], data["into"]], data["on"])
        successor = workflows.merge(
            sources=data["sources"],
            into=data["into"],
            new=attrs_of(data, "new_") if data["into"] is None else None,
            on=data["on"],
            by=request.user,
            decision=data["decision"],
        )
        return params.url_as_of("orgs:detail", data["on"], successor.pk), "Đã ghi việc hợp nhất."

    return _form_page(request, form, "orgs/merge.html", {"on": on}, action)


@require_http_methods(["GET", "POST"])
def split(request, pk: int):
    on, org, version = managed(request, pk)
    child_ids = org.downlinks.filter(valid_on(on)).values_list("child_id", flat=True)
    children = OrgVersion.objects.on(on).filter(organization_id__in=child_ids).sorted_by_name()
    form = forms.SplitForm(posted(request), children=children, initial={"on": on})

    def action(data):
        require_manage_on(request, [org], data["on"])
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
        created = workflows.split(
            org=org,
            on=data["on"],
            by=request.user,
            parts=parts,
            children=form.child_assignment(),
            decision=data["decision"],
        )
        return params.url_as_of("orgs:detail", data["on"], created[0].pk), "Đã ghi việc chia tách."

    context = {"on": on, "org": org, "version": version, "children": children}
    return _form_page(request, form, "orgs/split.html", context, action)


@require_http_methods(["GET", "POST"])
def dissolve(request, pk: int):
    on, org, version = managed(request, pk)
    form = forms.DissolveForm(posted(request), initial={"on": on})

    def action(data):
        require_manage_on(request, [org], data["on"])
        event = workflows.dissolve(
            org=org, on=data["on"], by=request.user, decision=data["decision"]
        )
        return params.url_as_of("orgs:detail", data["on"], org.pk), f"Đã ghi: {event.summary}."

    context = {"on": on, "org": org, "version": version}
    return _form_page(request, form, "orgs/dissolve.html", context, action)
