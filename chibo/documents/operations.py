"""Recording working regulations (F-7); one transaction each."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from chibo import audit
from chibo.documents.models import WorkingRegulation
from chibo.lib import vntext
from chibo.orgs.models import Kind, Organization


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
    """Issue a regulation; ``replaces`` is the one it supersedes from ``issued_on``."""
    version = cell.version_on(issued_on)
    if version is None or not Kind(version.kind).is_cell:
        raise ValidationError(
            {"issued_on": f"Chi bộ không hoạt động vào ngày {issued_on:%d/%m/%Y}."}
        )
    number, title = vntext.nfc(number), vntext.nfc(title)
    if not number or not title:
        raise ValidationError("Hãy ghi số, ký hiệu và trích yếu.")
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
