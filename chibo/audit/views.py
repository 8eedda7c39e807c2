"""The "Lịch sử thay đổi" of one object: a section loaded by htmx on the object's page, or
a page of its own (for a regulation, which has no page, and without JavaScript)."""

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_GET

from chibo.audit import history
from chibo.lib import params

PAGE_SIZE = 20


@require_GET
def object_history(request, kind: str, pk: int):
    found = history.subject(request.user, kind, pk)
    since = history.day_param(request.GET, "since", "Từ ngày")
    until = history.day_param(request.GET, "until", "Đến ngày")
    page = min(max(params.optional_int(request.GET, "page", "trang") or 1, 1), 100_000)
    size = min(PAGE_SIZE, settings.CHIBO_PAGE_SIZE)
    start = (page - 1) * size
    # One more than shown, to know whether a next page exists without counting.
    rows = list(history.entries(found, since, until)[start : start + size + 1])
    context = {
        "subject": found,
        "kind_label": history.KINDS[kind],
        "shown": [history.show(e, found.reveal) for e in rows[:size]],
        "page": page,
        "more": len(rows) > size,
        "since": since,
        "until": until,
    }
    template = "audit/history.html#entries" if request.htmx else "audit/history.html"
    return render(request, template, context)
