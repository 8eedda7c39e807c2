"""Roster import at size (issue 13, "Performance"): preview and confirm of 10,000 generated
rows on the current database, in a transaction rolled back afterwards so the benchmark's data
stay as generated. Targets: preview under 10 s, confirm under 30 s on SQLite, 2 cores."""

import datetime as dt
import io
import random
import time
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook

from chibo.accounts.models import User
from chibo.imports import engine
from chibo.orgs.models import Organization

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng"]
MIDDLE = ["Văn", "Thị", "Minh", "Quốc", "Đình", "Thu", "Ngọc", "Hữu", "Thanh", "Đức"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Giang", "Hải", "Khoa", "Lâm", "Nam", "Phúc", "Quân"]
RANKS = ["Thiếu úy", "Trung úy", "Thượng úy", "Đại úy", "Thiếu tá"]


def workbook(rows: int, seed: int = 13) -> bytes:
    """Fictional people, each with a distinct CCCD of the right layout (province 049)."""
    rng = random.Random(seed)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Danh sách")
    sheet.append(["DANH SÁCH ĐẢNG VIÊN (dữ liệu đo hiệu năng)"])
    sheet.append(["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Ngày vào Đảng",
                  "Ngày chính thức", "Cấp bậc", "Chức vụ"])  # fmt: skip
    for index in range(rows):
        born = dt.date(1970, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 30))
        joined = born + dt.timedelta(days=365 * 22 + rng.randrange(0, 365 * 8))
        female = rng.random() < 0.2
        digit = (0 if born.year < 2000 else 2) + female
        cccd = f"049{digit}{born.year % 100:02d}{index:06d}"
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        official = joined.replace(year=joined.year + 1) if joined.month != 2 else None
        sheet.append([index + 1, name, born.strftime("%d/%m/%Y"), "Nữ" if female else "Nam",
                      cccd, joined.strftime("%d/%m/%Y"),
                      official.strftime("%d/%m/%Y") if official else "",
                      rng.choice(RANKS), "Cán bộ, chiến sĩ"])  # fmt: skip
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def measure(
    organization: Organization, user, *, rows: int = 10_000, log: Callable[[str], None] = print
) -> dict[str, float]:
    """Seconds to preview (read, convert, match, classify) and to confirm ``rows`` new
    members into ``organization``; nothing stays written."""
    data = workbook(rows)
    on = timezone.localdate()
    timings = {}
    with transaction.atomic():
        start, cpu = time.perf_counter(), time.process_time()
        batch = engine.check(
            engine.start(
                data=data, file_name="bench.xlsx", organization=organization, as_of=on, by=user
            )
        )
        timings["preview_s"] = round(time.perf_counter() - start, 2)
        timings["preview_cpu_s"] = round(time.process_time() - cpu, 2)
        start, cpu = time.perf_counter(), time.process_time()
        engine.confirm(batch=batch, by=user)
        timings["confirm_s"] = round(time.perf_counter() - start, 2)
        timings["confirm_cpu_s"] = round(time.process_time() - cpu, 2)
        timings["new"] = engine.counts(batch)["new"]
        transaction.set_rollback(True)
    # CPU time beside the wall clock: on a shared machine the wall clock measures the others'
    # load too; this process's CPU time is what an idle machine would take, about.
    log(
        f"  nhập {rows} dòng: xem trước {timings['preview_s']} s (CPU {timings['preview_cpu_s']} s),"
        f" xác nhận {timings['confirm_s']} s (CPU {timings['confirm_cpu_s']} s),"
        f" {timings['new']} mới"
    )
    return timings


def run(dataset, *, log: Callable[[str], None] = print, rows: int = 10_000) -> list:
    """The benchmark's hook: two results, as the page cases are reported."""
    from chibo.bench.run import Result

    user = User.objects.get(pk=dataset.board_id)
    timings = measure(Organization.objects.get(pk=dataset.cell_id), user, rows=rows, log=log)
    results = []
    for key, label in (("preview_s", "import preview"), ("confirm_s", "import confirm")):
        result = Result(label, "board", f"engine, {rows} dòng", status=200)
        # One run of each: its time is the median, the p95 and the extremes alike.
        result.median_ms = result.p95_ms = result.max_ms = result.min_ms = timings[key] * 1000
        result.runs_ms = [timings[key] * 1000]
        results.append(result)
    return results
