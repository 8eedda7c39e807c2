import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from chibo.system import backup


class Command(BaseCommand):
    help = (
        "Sao lưu cơ sở dữ liệu và mọi tệp tải lên vào một tệp .tar.gz (chạy được khi máy chủ "
        "đang phục vụ), kèm manifest có phiên bản lược đồ và sha256 từng phần."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", help="Thư mục ghi bản sao lưu; mặc định var/backups (CHIBO_BACKUP_DIR)."
        )
        parser.add_argument("--keep-daily", type=int, help="Giữ bản mới nhất của N ngày gần nhất.")
        parser.add_argument(
            "--keep-monthly", type=int, help="Giữ bản mới nhất của M tháng gần nhất."
        )

    def handle(self, *args, **options):
        output = Path(options["output"] or settings.CHIBO_BACKUP_DIR)
        daily, monthly = options["keep_daily"], options["keep_monthly"]
        if (daily is None) != (monthly is None):
            raise CommandError("Hãy ghi cả --keep-daily và --keep-monthly (0 nếu không giữ).")
        if (daily is not None and daily < 1) or (monthly is not None and monthly < 0):
            raise CommandError("--keep-daily phải từ 1 trở lên, --keep-monthly từ 0 trở lên.")
        started = time.monotonic()
        try:
            result = backup.create(output)
        except (backup.BackupError, OSError) as error:
            raise CommandError(f"Sao lưu không thành công: {error}") from None
        self.stdout.write(
            f"Đã sao lưu: {result.path} ({result.size:,} byte, {result.parts} phần, "
            f"{time.monotonic() - started:.1f} giây)."
        )
        if daily is not None:
            for path in backup.rotate(output, keep_daily=daily, keep_monthly=monthly):
                self.stdout.write(f"Đã xóa bản cũ: {path.name}")
