"""``/api/v1/imports`` (issue 13): upload a roster and get its preview, read it again, and
confirm it; the same engine and checks as the page."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Form, Router, Schema, Status

from chibo.accounts import access
from chibo.imports import engine
from chibo.imports.forms import UploadForm
from chibo.imports.models import Batch
from chibo.lib import apiforms, contention
from chibo.lib.apiforms import FormInvalid, PathId
from chibo.orgs.models import OrgVersion

router = Router(tags=["imports"])


class PersonOut(Schema):
    ho: str
    ten_dem: str
    ten: str
    birth_date: dt.date | None
    gender: str | None
    cccd: str | None


class RowOut(Schema):
    row: int
    status: str
    person: PersonOut
    messages: list[str]


class SummaryOut(Schema):
    new: int = 0
    update: int = 0
    unchanged: int = 0
    conflict: int = 0
    error: int = 0


class ImportOut(Schema):
    id: int
    organization: int
    as_of: dt.date
    file_name: str
    state: str
    summary: SummaryOut
    rows: list[RowOut]


ImportFormIn = apiforms.schema_of(UploadForm, "ImportFormIn", multipart=True)
FileIn = apiforms.upload_of(UploadForm, "file")


def _out(batch: Batch) -> ImportOut:
    return ImportOut(
        id=batch.pk,
        organization=batch.organization_id,
        as_of=batch.as_of,
        file_name=batch.file_name,
        state=batch.state,
        summary=SummaryOut(**engine.counts(batch)),
        rows=engine.for_person(batch),
    )


def _batch(request: HttpRequest, pk: int) -> Batch:
    batch = get_object_or_404(Batch, pk=pk)
    access.get_import_org(request.user, batch.organization_id, batch.as_of)
    return batch


@router.post(
    "",
    response={201: ImportOut},
    summary="Tải lên danh sách đảng viên (multipart/form-data) và nhận bản xem trước",
)
def upload(request: HttpRequest, fields: Form[ImportFormIn], file: FileIn):
    today = timezone.localdate()
    access.require_import(request.user, today)
    targets = access.scope(request.user, today).filter(
        OrgVersion.objects.on(today), field="organization_id"
    )
    form = UploadForm(apiforms.form_data(fields), apiforms.files_of(file=file), targets=targets)

    def action(data):
        organization = access.get_import_org(request.user, data["organization"].pk, data["as_of"])
        batch = engine.start(
            data=data["file"].read(),
            file_name=data["file"].name,
            organization=organization,
            as_of=data["as_of"],
            by=request.user,
        )
        return engine.check(batch)

    batch = apiforms.run(form, action)
    return Status(201, _out(batch))


@router.get("/{import_id}", response=ImportOut, summary="Một lượt nhập và bản xem trước")
def get_import(request: HttpRequest, import_id: PathId):
    batch = _batch(request, import_id)
    if batch.state == Batch.State.CHECKING:
        engine.check(batch)
    return _out(batch)


@router.post(
    "/{import_id}/confirm",
    response=ImportOut,
    summary="Xác nhận: ghi các dòng mới và cập nhật trong một lần",
)
def confirm_import(request: HttpRequest, import_id: PathId):
    batch = _batch(request, import_id)
    if batch.state == Batch.State.CHECKING:
        engine.check(batch)
    try:
        engine.confirm(batch=batch, by=request.user)
    except engine.Stale as stale:
        # A 400, not a 409: the refused row is marked in the preview, and that mark must stay
        # even under an Idempotency-Key (a 409 is rolled back), so "confirm" again writes the
        # rest (found in review).
        raise FormInvalid(
            {"rows": [f"Không có gì được ghi: dòng {stale.row.number}: {stale.message}"]}
        ) from None
    except ValidationError as error:
        raise contention.Conflict(" ".join(error.messages)) from None
    batch.refresh_from_db()
    return _out(batch)
