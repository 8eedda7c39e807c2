"""``chibo import members FILE --into ORG_ID [--as-of DATE] [--dry-run] [--json]`` (issue 13).

The same engine as the page: the file is read and checked (progress on stderr), the preview
printed, and the rows written in one transaction unless ``--dry-run``. Writes are recorded
in the audit history as done by a command through the import channel.
"""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from chibo import audit
from chibo.imports import engine
from chibo.lib import vndates
from chibo.orgs.models import Organization

LABELS = {
    "new": "mới",
    "update": "cập nhật",
    "unchanged": "không đổi",
    "conflict": "xung đột",
    "error": "lỗi",
}


class Command(BaseCommand):
    help = "Nhập danh sách đảng viên từ bảng tính (.xlsx, .xls, .ods, .csv)."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["members"], help="members: danh sách đảng viên")
        parser.add_argument("file", help="đường dẫn tệp")
        parser.add_argument("--into", type=int, required=True, help="mã tổ chức nhập vào")
        parser.add_argument(
            "--as-of", default="", help="ngày áp dụng (dd/mm/yyyy; mặc định hôm nay)"
        )
        parser.add_argument("--dry-run", action="store_true", help="chỉ xem trước, không ghi")
        parser.add_argument("--json", action="store_true", help="in kết quả dạng JSON")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Không đọc được tệp {path}: {error.strerror}.") from None
        try:
            on = vndates.parse_date(options["as_of"]) if options["as_of"] else timezone.localdate()
        except vndates.DateParseError as error:
            raise CommandError(str(error)) from None
        organization = Organization.objects.filter(pk=options["into"]).first()
        if organization is None or organization.version_on(on) is None:
            raise CommandError(f"Không có tổ chức mã {options['into']} vào ngày đó.")
        with audit.acting(interface=audit.IMPORT, actor_name="lệnh chibo import"):
            try:
                # A dry run leaves nothing behind, not even the staging rows.
                with transaction.atomic():
                    batch = self._preview(data, path.name, organization, on)
                    if not options["dry_run"]:
                        engine.confirm(batch=batch, by=None)
                    rows = engine.for_person(batch)
                    counts = engine.counts(batch)
                    if options["dry_run"]:
                        transaction.set_rollback(True)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
            except engine.Stale as stale:
                raise CommandError(
                    f"Không có gì được ghi: dòng {stale.row.number}: {stale.message}"
                ) from None
        if options["json"]:
            self.stdout.write(json.dumps({"rows": rows, "summary": counts}, ensure_ascii=False))
            return
        for row in rows:
            if row["messages"]:
                self.stdout.write(
                    f"Dòng {row['row']} ({LABELS[row['status']]}): " + "; ".join(row["messages"])
                )
        done = "Xem trước (không ghi)" if options["dry_run"] else "Đã nhập"
        parts = ", ".join(f"{counts.get(k, 0)} {label}" for k, label in LABELS.items())
        self.stdout.write(f"{done}: {parts}.")

    def _preview(self, data: bytes, name: str, organization, on):
        batch = engine.start(
            data=data, file_name=name, organization=organization, as_of=on, by=None
        )
        while batch.state != batch.State.READY:
            engine.check(batch, limit=engine.CHUNK)
            self.stderr.write(f"Đã đối chiếu {batch.checked}/{batch.total} dòng")
        return batch
