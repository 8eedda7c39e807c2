import json

from django.core.management.base import BaseCommand

from chibo.compliance import checks
from chibo.lib import params


class Command(BaseCommand):
    help = "In các cảnh báo (theo quy định có hiệu lực) tại một ngày, cho toàn hệ thống hoặc một tổ chức."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", required=True, help="Ngày xem, YYYY-MM-DD hoặc dd/mm/yyyy.")
        parser.add_argument("--org", type=int, help="Mã (id) tổ chức; mặc định: toàn hệ thống.")
        parser.add_argument("--json", action="store_true", help="In một danh sách JSON.")

    def handle(self, *args, **options):
        on, scope_ids = params.command_scope(options["as_of"], options["org"])
        found = checks.run(scope_ids=scope_ids, on=on)
        if options["json"]:
            payload = {"as_of": on.isoformat(), "findings": [f.as_json() for f in found]}
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{len(found)} cảnh báo ngày {on:%d/%m/%Y}")
        for f in found:
            self.stdout.write(f"  [{f.rule_id}] {f.organization}: {f.message}")
