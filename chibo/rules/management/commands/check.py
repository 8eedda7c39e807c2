import json

from django.core.management.base import BaseCommand, CommandError

from chibo.lib.vndates import DateParseError, parse_date
from chibo.orgs.models import Organization
from chibo.rules import checks


class Command(BaseCommand):
    help = "In các cảnh báo (theo quy định có hiệu lực) tại một ngày, cho toàn hệ thống hoặc một tổ chức."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", required=True, help="Ngày xem, YYYY-MM-DD hoặc dd/mm/yyyy.")
        parser.add_argument("--org", type=int, help="Mã (id) tổ chức; mặc định: toàn hệ thống.")
        parser.add_argument("--json", action="store_true", help="In một danh sách JSON.")

    def handle(self, *args, **options):
        try:
            on = parse_date(options["as_of"])
        except DateParseError as error:
            raise CommandError(str(error)) from None
        scope_ids = None
        if options["org"] is not None:
            if not Organization.objects.filter(pk=options["org"]).exists():
                raise CommandError(f"Không có tổ chức mã {options['org']}.")
            scope_ids = Organization.objects.subtree_ids(
                [options["org"]], on, with_predecessors=True
            )
        found = checks.run(scope_ids=scope_ids, on=on)
        if options["json"]:
            payload = {"as_of": on.isoformat(), "findings": [f.as_json() for f in found]}
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{len(found)} cảnh báo ngày {on:%d/%m/%Y}")
        for f in found:
            self.stdout.write(f"  [{f.rule_id}] {f.organization}: {f.message}")
