from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_http_methods

from chibo.accounts import access
from chibo.accounts.access import Capability
from chibo.documents import forms, operations
from chibo.documents.models import WorkingRegulation, in_force_on
from chibo.lib import params
from chibo.lib.pages import form_page, posted, uploaded
from chibo.members.roster import cells_in


@require_GET
def regulation_list(request):
    on = params.as_of(request.GET)
    scope = access.scope(request.user, on)
    cells = cells_in(scope, on)
    ids = [c.organization_id for c in cells]
    in_force = set(
        WorkingRegulation.objects.filter(in_force_on(on), cell_id__in=ids).values_list(
            "pk", flat=True
        )
    )
    regulations = WorkingRegulation.objects.filter(
        cell_id__in=ids, issued_on__lte=on
    ).select_related("replaced_by", "replaces")
    names = {c.organization_id: c.name for c in cells}
    covered = {r.cell_id for r in regulations if r.pk in in_force}
    rows = sorted(
        ((r, names[r.cell_id], r.pk in in_force) for r in regulations),
        key=lambda row: (row[1], row[0].issued_on),
    )
    context = {
        "nav": "documents",
        "on": on,
        "rows": rows,
        "cells_without": [c for c in cells if c.organization_id not in covered],
        "can_add": scope.can_anywhere(Capability.WRITE),
    }
    return render(request, "documents/regulations.html", context)


@require_http_methods(["GET", "POST"])
def regulation_new(request):
    on = params.as_of(request.GET)
    scope = access.require_any(request.user, on, Capability.WRITE)
    cells = cells_in(scope, on, Capability.WRITE)
    regulations = WorkingRegulation.objects.filter(
        in_force_on(on), cell_id__in=[c.organization_id for c in cells]
    )
    cell_id = params.optional_int(request.GET, "cell", "chi bộ")
    form = forms.RegulationForm(
        posted(request),
        uploaded(request),
        cells=cells,
        regulations=regulations,
        initial={"cell": cell_id, "issued_on": on},
    )

    def action(data):
        if not access.can(request.user, data["cell"], data["issued_on"], Capability.WRITE):
            raise ValidationError({"cell": "Chi bộ nằm ngoài phạm vi bạn được ghi vào ngày đó."})
        replaces = None
        if data["replaces"]:
            replaces = regulations.filter(pk=data["replaces"]).first()
        regulation = operations.add_regulation(
            cell=data["cell"],
            number=data["number"],
            title=data["title"],
            issued_on=data["issued_on"],
            replaces=replaces,
            file=data["file"],
            by=request.user,
        )
        return params.url_as_of(
            "documents:regulations", data["issued_on"]
        ), f"Đã ghi quy chế {regulation.number}."

    context = {
        "nav": "documents",
        "on": on,
        "title": "Ban hành quy chế làm việc",
        "crumbs": [(params.url_as_of("documents:regulations", on), "Quy chế làm việc")],
        "cancel_url": params.url_as_of("documents:regulations", on),
    }
    return form_page(request, form, "form_page.html", context, action)


@require_GET
def regulation_file(request, pk: int):
    regulation = get_object_or_404(WorkingRegulation.objects.select_related("cell"), pk=pk)
    if not access.can(request.user, regulation.cell, regulation.issued_on):
        raise Http404("Không tìm thấy.")
    if not regulation.file:
        raise Http404("Quy chế này không có tệp đính kèm.")
    name = regulation.file_name or regulation.file.name.rsplit("/", 1)[-1]
    return FileResponse(regulation.file.open("rb"), as_attachment=True, filename=name)
