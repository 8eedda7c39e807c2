from collections import Counter, defaultdict

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET

from chibo.accounts import access
from chibo.compliance import checks, served
from chibo.figures import stats
from chibo.lib import params
from chibo.lib.vnnumbers import number
from chibo.orgs.models import Organization
from chibo.reports import charts

LABELS = {
    "commune_committees": "Đảng ủy xã, phường, thị trấn",
    "police_cells": "Chi bộ Công an",
    "members": "Đảng viên",
    "official_members": "Đảng viên chính thức",
    "probationary_members": "Đảng viên dự bị",
    "cells_with_secretary_and_deputy": "Chi bộ có Bí thư và Phó Bí thư",
    "cells_with_secretary_only": "Chi bộ chỉ có Bí thư",
    "cells_with_committee": "Chi bộ có chi ủy",
    "cells_without_secretary": "Chi bộ chưa có Bí thư",
    "regular_officers": "Cán bộ, chiến sĩ Công an chính quy",
    "regular_officers_party_members": "…trong đó là đảng viên",
    "cells_with_working_regulations": "Chi bộ có quy chế làm việc",
}


def scope_ids(user, on, org_id: int | None):
    """The user's scope on ``on``, narrowed to ``org_id``'s subtree when given (404 outside)."""
    ids = access.scope(user, on).ids()
    if org_id is None:
        return ids
    org = access.get_org(user, org_id, on)
    root = frozenset({org.pk})
    subtree = Organization.objects.kept_subtrees([root], on)[root]
    return subtree if ids is None else subtree & ids


def _rows_html(page, by_org, day: str) -> str:
    """The overview table's rows for one page, with links built once per page, not by a
    template tag per row and per finding."""
    rows = [
        (
            row,
            checks.url("orgs:detail", row.organization_id) + day,
            by_org.get(row.organization_id, []),
        )
        for row in page
    ]
    basis = reverse("rules:basis") + day
    return render_to_string("reports/overview.html#rows", {"rows": rows, "basis": basis})


@require_GET
def overview(request):
    on = params.as_of(request.GET)
    org_id = params.optional_int(request.GET, "org", "tổ chức")
    ids = scope_ids(request.user, on, org_id)
    reading = served.Reading()
    data = reading.overview(scope_ids=ids, on=on)
    found = reading.findings(scope_ids=ids, on=on)
    figures = data.figures
    cells = figures["police_cells"]

    def of(n: int) -> str:  # the article writes "07/11": two digits when out of ten or more
        return f"{n:02d}/{number(cells)}" if cells >= 10 else f"{n}/{cells}"

    cards = [
        (
            LABELS["police_cells"],
            number(cells),
            f"trực thuộc {number(figures['commune_committees'])} đảng ủy",
        ),
        (
            LABELS["members"],
            f"{figures['members']:02d}",
            f"trong đó {figures['probationary_members']:02d} dự bị",
        ),
        (
            "Bí thư và Phó Bí thư",
            f"{figures['cells_with_secretary_and_deputy']:02d}/{cells}",
            f"{figures['cells_with_secretary_only']}/{cells} chỉ có Bí thư",
        ),
        (
            "Quy chế làm việc",
            f"{figures['cells_with_working_regulations']}/{cells}",
            "chi bộ đã ban hành",
        ),
        (
            "Cán bộ chính quy là đảng viên",
            f"{number(figures['regular_officers_party_members'])}/{number(figures['regular_officers'])}",
            "",
        ),
    ]
    # One answer: each cell's row lists the same findings the summary counts; findings about
    # organizations that are not cells (tasks of a commune committee) are counted apart.
    by_org = defaultdict(list)
    for finding in found:
        by_org[finding.organization_id].append(finding)
    cell_ids = {row.organization_id for row in data.cells}
    day = f"?as_of={on:%Y-%m-%d}"
    page = Paginator(data.cells, settings.CHIBO_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "nav": "overview",
        "on": on,
        "org_id": org_id,
        # The monthly report is of one organization: offered for the one viewed or the
        # user's own (a superuser without a grant chooses one first; no link to a 400).
        "monthly_org": org_id
        or next((g.organization_id for g in access.active_grants(request.user)), None),
        "cards": cards,
        "figures": [(LABELS[k], figures[k]) for k in stats.KEYS],
        "cells": page,
        # The rows of this page as HTML, served with the figures they show: the same for
        # every user of the scope on the date (links carry the script prefix, in the key).
        "rows_html": reading.computed(
            "overview_rows",
            ids,
            on,
            lambda: _rows_html(page, by_org, day),
            page.number,
            settings.CHIBO_PAGE_SIZE,
        ),
        "warned": sum(1 for cell in cell_ids if by_org.get(cell)),
        "elsewhere": sum(len(items) for org, items in by_org.items() if org not in cell_ids),
        "alerts": Counter(f.severity for f in found),
        "total": len(found),
        "members_chart": charts.served_members_chart(reading, ids, on),
    }
    return render(request, "reports/overview.html", context)
