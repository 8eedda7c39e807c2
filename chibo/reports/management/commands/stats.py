import json

from django.core.management.base import BaseCommand

from chibo.figures import stats
from chibo.lib import params


class Command(BaseCommand):
    help = "In số liệu tổng quan tại một ngày, cho toàn hệ thống hoặc một tổ chức."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", required=True, help="Ngày xem, YYYY-MM-DD hoặc dd/mm/yyyy.")
        parser.add_argument("--org", type=int, help="Mã (id) tổ chức; mặc định: toàn hệ thống.")
        parser.add_argument("--json", action="store_true", help="In một đối tượng JSON.")

    def handle(self, *args, **options):
        on, scope_ids = params.command_scope(options["as_of"], options["org"])
        overview = stats.compute(scope_ids=scope_ids, on=on)
        if options["json"]:
            self.stdout.write(json.dumps(overview.as_json(), ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"Số liệu ngày {on:%d/%m/%Y}")
        for key, value in overview.figures.items():
            self.stdout.write(f"  {key:<34} {value}")
        for row in overview.cells:
            self.stdout.write(
                f"  {row.version.name}: {row.members} đảng viên ({row.probationary} dự bị)"
            )
            for warning in row.warnings:
                self.stdout.write(f"    ! {warning}")
