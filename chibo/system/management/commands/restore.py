import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from chibo.system import backup


class Command(BaseCommand):
    help = (
        "Khôi phục một bản sao lưu vào cơ sở dữ liệu và thư mục tệp trống (dừng máy chủ "
        "trước); từ chối lược đồ mới hơn mã nguồn và từ chối ghi đè khi không có --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="Tệp chibo-YYYYmmdd-HHMMSS.tar.gz.")
        parser.add_argument(
            "--force", action="store_true", help="Ghi đè cơ sở dữ liệu và tệp đang có."
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        try:
            manifest = backup.restore(Path(options["archive"]), force=options["force"])
        except (backup.BackupError, OSError) as error:
            raise CommandError(f"Không khôi phục: {error}") from None
        self.stdout.write(
            f"Đã khôi phục bản sao lưu lúc {manifest['created_at']} "
            f"({len(manifest['parts'])} phần, {time.monotonic() - started:.1f} giây). "
            "Chạy `chibo migrate` nếu phiên bản chibo này mới hơn bản sao lưu."
        )
