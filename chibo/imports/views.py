"""The "Nhập dữ liệu" page (issue 13): upload → progress → preview (status filter, reasons,
column mapping) → confirmation step → result; the error report and the sample workbook.

Checking a long file runs a chunk per progress poll (``progress``), inside the request: no
worker process to install or watch, a poll that fails is simply repeated, and a user who
leaves finds the batch where it stopped. The page polls with htmx and, without it, offers a
link that does the same; the bar is a ``<progress>`` element (no inline style, CSP).
"""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chibo import audit
from chibo.accounts import access
from chibo.imports import engine, report
from chibo.imports.forms import MappingForm, UploadForm
from chibo.imports.models import Batch, RowStatus
from chibo.imports.samples.make_sample import PATH as SAMPLE
from chibo.lib import vndates, vntext, xlsx
from chibo.lib.pages import form_page, posted, uploaded
from chibo.members.models import Gender, PolicePosition, Rank
from chibo.orgs.models import OrgVersion

PAGE_SIZE = 100


def _targets(user, on):
    ids = access.importable_ids(user, on)
    versions = OrgVersion.objects.on(on)
    if ids is not None:
        versions = versions.filter(organization_id__in=ids)
    # Any organization in reach: a cell takes every row; above it, the "Chi bộ" column says.
    return versions.sorted_by_name()


@require_http_methods(["GET", "POST"])
def start(request):
    today = timezone.localdate()
    access.require_import(request.user, today)
    form = UploadForm(posted(request), uploaded(request), targets=_targets(request.user, today))

    def action(data):
        organization = access.get_import_org(request.user, data["organization"].pk, data["as_of"])
        upload = data["file"]
        batch = engine.start(
            data=upload.read(),
            file_name=upload.name,
            organization=organization,
            as_of=data["as_of"],
            by=request.user,
        )
        return reverse("imports:batch", args=[batch.pk]), "Đã đọc tệp; đang đối chiếu."

    recent = Batch.objects.filter(created_by=request.user).order_by("-pk")[:10]
    context = {
        "nav": "imports",
        "title": "Nhập dữ liệu",
        "recent": recent,
        "button": "Tải lên và xem trước",
        "cancel_url": reverse("home"),
    }
    return form_page(request, form, "imports/start.html", context, action)


def _batch(request, pk: int) -> Batch:
    batch = get_object_or_404(Batch.objects.select_related("organization"), pk=pk)
    access.get_import_org(request.user, batch.organization_id, batch.as_of)
    return batch


def _day(iso: str | None) -> str:
    return vndates.format_date(dt.date.fromisoformat(iso)) if iso else ""


def shown(values: dict) -> dict:
    """A row's values as the preview shows them: dates dd/mm/yyyy (R-TXT-01), labels for
    codes, nothing for what is missing. The CCCD is not shown (personal data)."""
    return {
        "name": vntext.join_name(
            values.get("ho", ""), values.get("ten_dem", ""), values.get("ten", "")
        ),
        "birth_date": _day(values.get("birth_date")),
        "gender": Gender(values["gender"]).label if values.get("gender") else "",
        "home_town": values.get("home_town", ""),
        "decision_date": _day(values.get("decision_date")),
        "official_date": _day(values.get("official_date")),
        "rank": Rank(values["rank"]).label if values.get("rank") else "",
        "position": PolicePosition(values["position"]).label if values.get("position") else "",
    }


CHANGE_LABELS = {
    "name": "Họ và tên",
    "birth_date": "Ngày sinh",
    "cccd": "Số CCCD",
    "home_town": "Quê quán",
    "card_no": "Số thẻ đảng viên",
    "party": "Hồ sơ đảng viên (ngày vào Đảng)",
    "official": "Công nhận chính thức",
    "rank": "Cấp bậc",
    "position": "Chức vụ",
}


def changes(row) -> list[tuple[str, str, str]]:
    found = []
    for field, (old, new) in (row.changes or {}).items():
        if field in ("birth_date", "party", "official"):
            old, new = _day(old), _day(new)
        found.append((CHANGE_LABELS.get(field, field), old or "(trống)", new or ""))
    return found


@require_GET
def batch_page(request, pk: int):
    batch = _batch(request, pk)
    status = request.GET.get("status", "")
    if status not in RowStatus.values:
        status = ""
    rows = engine.visible_rows(batch, status)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "nav": "imports",
        "batch": batch,
        "status": status,
        "statuses": [(s.value, s.label) for s in RowStatus if s != RowStatus.PENDING],
        "counts": engine.counts(batch),
        "page": page,
        "items": [(row, shown(row.values or {}), changes(row)) for row in page],
        "mapping_form": MappingForm(headers=batch.headers, mapping=batch.mapping),
    }
    return render(request, "imports/batch.html", context)


@require_GET
def progress(request, pk: int):
    """Check the next chunk and answer the progress bar; once done, send the browser to the
    preview (htmx follows ``HX-Redirect``; a plain link lands on the same page)."""
    batch = _batch(request, pk)
    if batch.state == Batch.State.CHECKING:
        engine.check(batch, limit=engine.CHUNK)
    url = reverse("imports:batch", args=[batch.pk])
    if batch.state != Batch.State.CHECKING:
        if request.htmx:
            response = HttpResponse("")
            response["HX-Redirect"] = url
            return response
        return HttpResponseRedirect(url)
    if not request.htmx:
        return HttpResponseRedirect(url)
    return render(request, "imports/_progress.html", {"batch": batch})


@require_POST
def mapping(request, pk: int):
    batch = _batch(request, pk)
    form = MappingForm(request.POST, headers=batch.headers, mapping=batch.mapping)
    if form.is_valid():
        try:
            engine.remap(batch, form.mapping(), save_for_org=form.cleaned_data["save"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Đã đổi cách ghép cột; đang đối chiếu lại.")
    else:
        messages.error(request, "Cách ghép cột không hợp lệ.")
    return HttpResponseRedirect(reverse("imports:batch", args=[batch.pk]))


@require_http_methods(["GET", "POST"])
def confirm(request, pk: int):
    batch = _batch(request, pk)
    url = reverse("imports:batch", args=[batch.pk])
    if batch.state != Batch.State.READY:
        messages.info(request, "Lượt nhập chưa sẵn sàng để xác nhận, hoặc đã xác nhận.")
        return HttpResponseRedirect(url)
    if request.method == "POST":
        try:
            engine.confirm(batch=batch, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except engine.Stale as stale:
            messages.error(
                request,
                f"Không có gì được ghi: dòng {stale.row.number} bị từ chối ({stale.message}). "
                "Hãy sửa dòng đó trong tệp hoặc để nó ở trạng thái lỗi rồi xác nhận lại.",
            )
        else:
            counts = engine.counts(batch)
            messages.success(
                request,
                f"Đã nhập: {counts['new']} đảng viên mới, {counts['update']} cập nhật.",
            )
        return HttpResponseRedirect(url)
    context = {"nav": "imports", "batch": batch, "counts": engine.counts(batch)}
    return render(request, "imports/confirm.html", context)


@require_GET
def error_report(request, pk: int):
    batch = _batch(request, pk)
    content = report.render(batch)
    # The report carries the file's rows as sent, CCCD numbers included: a download of
    # personal data, recorded like the member list's export.
    audit.accessed(
        kind="imports.errors",
        note=f"Tải báo cáo lỗi của lượt nhập #{batch.pk} (.xlsx)",
        details={"batch": batch.pk},
    )
    return xlsx.response(content, f"loi-nhap-du-lieu-{batch.pk}.xlsx")


@require_GET
def sample(request):
    access.require_import(request.user, timezone.localdate())
    return xlsx.response(SAMPLE.read_bytes(), SAMPLE.name)
