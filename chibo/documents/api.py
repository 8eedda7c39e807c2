"""``/api/v1/regulations``: working regulations, in force or not on a date (F-7)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Form, Router, Schema, Status

from chibo.accounts import access
from chibo.accounts.access import Capability
from chibo.documents import operations
from chibo.documents.forms import RegulationForm
from chibo.documents.models import WorkingRegulation, in_force_on
from chibo.lib import apiforms, params
from chibo.members.roster import cells_in
from chibo.orgs.models import NameBook

router = Router(tags=["regulations"])


class RegulationOut(Schema):
    id: int
    cell: int
    cell_name: str
    number: str
    title: str
    issued_on: dt.date
    replaced_by: int | None
    replaces: int | None
    in_force: bool
    has_file: bool


def _replaced(regulation: WorkingRegulation) -> int | None:
    try:
        return regulation.replaces.pk  # the reverse side, selected with the row
    except WorkingRegulation.DoesNotExist:
        return None


def _out(regulation: WorkingRegulation, book: NameBook, on: dt.date, in_force: bool):
    return RegulationOut(
        id=regulation.pk,
        cell=regulation.cell_id,
        cell_name=book.name(regulation.cell_id, regulation.issued_on),
        number=regulation.number,
        title=regulation.title,
        issued_on=regulation.issued_on,
        replaced_by=regulation.replaced_by_id,
        replaces=_replaced(regulation),
        in_force=in_force,
        has_file=bool(regulation.file),
    )


@router.get("", response=list[RegulationOut], summary="Quy chế làm việc của các chi bộ")
def list_regulations(request: HttpRequest, as_of: str = "", in_force: bool = False):
    on = params.as_of({"as_of": as_of})
    ids = [c.organization_id for c in cells_in(access.scope(request.user, on), on)]
    rows = (
        WorkingRegulation.objects.filter(cell_id__in=ids, issued_on__lte=on)
        .select_related("replaces")
        .order_by("cell_id", "issued_on")
    )
    active = set(rows.filter(in_force_on(on)).values_list("pk", flat=True))
    book = NameBook(set(ids))
    return [_out(r, book, on, r.pk in active) for r in rows if not in_force or r.pk in active]


RegulationIn = apiforms.schema_of(RegulationForm, "RegulationIn")
RegulationFormIn = apiforms.schema_of(RegulationForm, "RegulationFormIn", multipart=True)
FileIn = apiforms.upload_of(RegulationForm, "file")


def _create(request: HttpRequest, data: dict, files: dict | None = None):
    """The page's write (``regulation_new``): the same form, the same checks, one operation."""
    today = timezone.localdate()
    scope = access.require_any(request.user, today, Capability.WRITE)
    cells = cells_in(scope, today, Capability.WRITE)
    regulations = WorkingRegulation.objects.filter(
        in_force_on(today), cell_id__in=[c.organization_id for c in cells]
    )
    form = RegulationForm(data, files, cells=cells, regulations=regulations)

    def action(data):
        if not access.can(request.user, data["cell"], data["issued_on"], Capability.WRITE):
            raise ValidationError({"cell": "Chi bộ nằm ngoài phạm vi bạn được ghi vào ngày đó."})
        replaces = regulations.filter(pk=data["replaces"]).first() if data["replaces"] else None
        return operations.add_regulation(
            cell=data["cell"],
            number=data["number"],
            title=data["title"],
            issued_on=data["issued_on"],
            replaces=replaces,
            file=data["file"],
            by=request.user,
        )

    regulation = apiforms.run(form, action)
    book = NameBook([regulation.cell_id])
    return Status(201, _out(regulation, book, regulation.issued_on, True))


@router.post("", response={201: RegulationOut}, summary="Ghi quy chế làm việc (không kèm tệp)")
def create_regulation(request: HttpRequest, body: RegulationIn):
    return _create(request, apiforms.form_data(body))


@router.post(
    "/upload",
    response={201: RegulationOut},
    summary="Ghi quy chế làm việc kèm tệp (multipart/form-data; PDF hoặc DOCX)",
)
def upload_regulation(
    request: HttpRequest,
    fields: Form[RegulationFormIn],
    file: FileIn = None,
):
    return _create(request, apiforms.form_data(fields), apiforms.files_of(file=file))
