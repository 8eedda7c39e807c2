"""Recording working regulations (F-7); one transaction each."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from chibo import audit
from chibo.documents.models import WorkingRegulation
from chibo.lib import vntext
from chibo.orgs.models import Kind, Organization


def number_key(number: str) -> str:
    """The number as compared: case, spaces and Unicode form aside ("01-QC/CB" = "01 - qc/cb")."""
    return "".join(vntext.nfc(number).casefold().split())


def _same_number_in_force(cell: Organization, number: str, on: dt.date) -> WorkingRegulation | None:
    key = number_key(number)
    for regulation in WorkingRegulation.objects.in_force_on(on).filter(cell=cell):
        if number_key(regulation.number) == key:
            return regulation
    return None


@audit.operation("Ghi quy chế làm việc")
@transaction.atomic
def add_regulation(
    *,
    cell: Organization,
    number: str,
    title: str,
    issued_on: dt.date,
    replaces: WorkingRegulation | None = None,
    file=None,
    by,
) -> WorkingRegulation:
    """Issue a regulation; ``replaces`` is the one it supersedes from ``issued_on``, when it
    stops being in force. A number in force in the cell on that day can be issued again
    only as the replacement of the regulation bearing it."""
    version = cell.version_on(issued_on)
    if version is None or not Kind(version.kind).is_cell:
        raise ValidationError(
            {"issued_on": f"Chi bộ không hoạt động vào ngày {issued_on:%d/%m/%Y}."}
        )
    number, title = vntext.nfc(number), vntext.nfc(title)
    if not number or not title:
        raise ValidationError("Hãy ghi số, ký hiệu và trích yếu.")
    # Serialise issues in one cell, so two at once cannot both find the number free.
    Organization.objects.select_for_update().filter(pk=cell.pk).first()
    same = _same_number_in_force(cell, number, issued_on)
    if same is not None and (replaces is None or replaces.pk != same.pk):
        raise ValidationError(
            {
                "replaces": f"Quy chế số {same.number} (ban hành ngày "
                f"{same.issued_on:%d/%m/%Y}) đang có hiệu lực ở chi bộ; quy chế mới cùng số "
                "phải ghi là thay thế quy chế đó."
            }
        )
    if replaces is not None:
        if replaces.cell_id != cell.pk:
            raise ValidationError({"replaces": "Quy chế bị thay thế phải của cùng chi bộ."})
        if replaces.replaced_by_id is not None:
            raise ValidationError({"replaces": "Quy chế này đã được thay thế trước đó."})
        if replaces.issued_on >= issued_on:
            raise ValidationError(
                {"issued_on": "Quy chế mới phải ban hành sau quy chế bị thay thế."}
            )
    regulation = WorkingRegulation.objects.create(
        cell=cell, number=number, title=title, issued_on=issued_on, created_by=by
    )
    if file is not None:
        regulation.file_name = vntext.nfc(file.name)[:200]
        regulation.file.save(file.name, file, save=False)
        regulation.save()
    if replaces is not None:
        replaces.replaced_by = regulation
        replaces.save(update_fields=["replaced_by"])
    return regulation
