"""What the register's pages and API list, for one user on one date (the same code for both):
scoped through ``chibo.accounts.access``."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from chibo.accounts import access
from chibo.accounts.access import Capability
from chibo.lib import vntext
from chibo.lib.idlist import IdList
from chibo.lib.params import InvalidParam
from chibo.members.roster import cells_in
from chibo.orgs.models import NameBook
from chibo.register import progress
from chibo.register.models import Advice, Direction, Dissemination, DocType, Document

SORTS = {
    "date": ("issued_on", "pk"),
    "-date": ("-issued_on", "-pk"),
    "number": ("number", "pk"),
    "type": ("doc_type", "-issued_on", "-pk"),
    "issuer": ("issuer_name", "-issued_on", "-pk"),
}
SORT_LABELS = {
    "-date": "Mới nhất trước",
    "date": "Cũ nhất trước",
    "number": "Số, ký hiệu",
    "type": "Loại văn bản",
    "issuer": "Cơ quan ban hành",
}


def _restrict(queryset, ids, field: str = "organization_id"):
    return queryset if ids is None else queryset.filter(**{f"{field}__in": IdList(ids)})


def documents(
    user, on: dt.date, *, q: str = "", direction: str = "", doc_type: str = "", sort: str = "-date"
):
    """The register as of ``on`` for ``user``: own documents of the cells in scope, incoming
    documents recorded in scope or by the superiors the user's cells study from."""
    if direction and direction not in Direction.values:
        raise InvalidParam("Loại sổ không hợp lệ (own hoặc incoming).")
    if doc_type and doc_type not in DocType.values:
        raise InvalidParam("Loại văn bản không hợp lệ.")
    if sort not in SORTS:
        raise InvalidParam("Cách sắp xếp không hợp lệ.")
    rows = _restrict(Document.objects.as_of(on), access.reading_ids(user, on))
    if direction:
        rows = rows.filter(direction=direction)
    if doc_type:
        rows = rows.filter(doc_type=doc_type)
    for word in vntext.search_key(q or "").split():
        rows = rows.filter(search_key__contains=word)
    return rows.select_related("meeting").order_by(*SORTS[sort])


def document(user, pk: int, on: dt.date) -> Document:
    """One document the user may read on ``on`` (its issue date at least); 404 otherwise."""
    found = Document.objects.select_related("organization", "meeting").filter(pk=pk).first()
    if found is None:
        raise Http404("Không tìm thấy văn bản.")
    day = max(on, found.issued_on)
    ids = access.reading_ids(user, day)
    if ids is not None and found.organization_id not in ids:
        raise Http404("Không tìm thấy văn bản.")
    return found


def writable_documents(user, on: dt.date):
    """Incoming documents the user may plan a dissemination of (those they read)."""
    return documents(user, on, direction=Direction.INCOMING)


def dissemination_rows(user, on: dt.date, document_id: int | None = None):
    """Completion per cell in scope as of ``on`` (plans whose document is issued by then)."""
    ids = [c.organization_id for c in cells_in(access.scope(user, on), on)]
    plans = Dissemination.objects.filter(
        document__issued_on__lte=on, cell_id__in=IdList(ids)
    ).select_related("document")
    if document_id is not None:
        plans = plans.filter(document_id=document_id)
    rows = progress.completions(
        plans.order_by("-document__issued_on", "document_id", "cell_id"), on
    )
    book = NameBook({r.dissemination.cell_id for r in rows})
    return [(r, book.name(r.dissemination.cell_id, on)) for r in rows]


def dissemination(user, pk: int, on: dt.date, capability=Capability.VIEW) -> Dissemination:
    found = Dissemination.objects.select_related("document", "cell").filter(pk=pk).first()
    if found is None or not access.can(user, found.cell, on):
        raise Http404("Không tìm thấy kế hoạch học tập.")
    if not access.can(user, found.cell, on, capability):
        raise PermissionDenied("Vai trò của bạn không được thực hiện thao tác này.")
    return found


def advices(user, on: dt.date):
    scope = access.scope(user, on)
    rows = Advice.objects.filter(submitted_on__lte=on).select_related("resolution")
    return scope.filter(rows, Capability.VIEW, "cell_id") if not scope.everything else rows


def advice(user, pk: int, on: dt.date, capability=Capability.VIEW) -> Advice:
    found = Advice.objects.select_related("cell", "resolution").filter(pk=pk).first()
    if found is None or not access.can(user, found.cell, on):
        raise Http404("Không tìm thấy hồ sơ tham mưu.")
    if not access.can(user, found.cell, on, capability):
        raise PermissionDenied("Vai trò của bạn không được thực hiện thao tác này.")
    return found


def committee_resolutions(advice: Advice):
    """Documents of the committee the draft went to, that the outcome may name."""
    return Document.objects.filter(
        Q(direction=Direction.INCOMING), organization_id=advice.committee_id
    ).order_by("-issued_on")
