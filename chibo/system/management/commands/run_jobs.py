from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from chibo.lib.vndates import DateParseError, parse_date
from chibo.system import jobs
from chibo.system.models import Outcome


class Command(BaseCommand):
    help = (
        "Chạy các công việc định kỳ (mỗi công việc thành công tối đa một lần mỗi ngày); "
        "bộ hẹn giờ systemd hoặc dịch vụ scheduler gọi lệnh này mỗi giờ."
    )

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="Ngày chạy cho; mặc định hôm nay.")
        parser.add_argument("--job", action="append", help="Chỉ chạy công việc này.")
        parser.add_argument("--force", action="store_true", help="Chạy lại dù đã chạy.")
        parser.add_argument("--list", action="store_true", help="Liệt kê các công việc.")

    def handle(self, *args, **options):
        if options["list"]:
            for job in jobs.JOBS:
                self.stdout.write(f"{job.name}\t{job.title}")
            return
        known = {job.name for job in jobs.JOBS}
        unknown = sorted(set(options["job"] or []) - known)
        if unknown:
            raise CommandError(f"Không có công việc: {', '.join(unknown)}.")
        try:
            day = parse_date(options["as_of"]) if options["as_of"] else timezone.localdate()
        except DateParseError as error:
            raise CommandError(str(error)) from None
        runs = jobs.run_due(day, names=options["job"], force=options["force"])
        for run in runs:
            self.stdout.write(
                f"{run.job} {day:%d/%m/%Y}: {run.get_outcome_display()} "
                f"({run.duration_ms} ms) {run.message}".rstrip()
            )
        if any(run.outcome == Outcome.FAILED for run in runs):
            raise CommandError("Có công việc lỗi; xem trang /system/ và nhật ký máy chủ.")
