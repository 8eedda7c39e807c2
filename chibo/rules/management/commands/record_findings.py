from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from chibo.compliance import daily
from chibo.lib.vndates import DateParseError, parse_date


class Command(BaseCommand):
    help = "Ghi lại cảnh báo trong ngày (chạy hằng ngày): mới, vẫn còn, đã khắc phục."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="Ngày ghi; mặc định hôm nay.")

    def handle(self, *args, **options):
        try:
            on = parse_date(options["as_of"]) if options["as_of"] else timezone.localdate()
        except DateParseError as error:
            raise CommandError(str(error)) from None
        outcome = daily.record(on)
        self.stdout.write(
            f"Ngày {on:%d/%m/%Y}: {outcome.new} mới, {outcome.still_open} vẫn còn, "
            f"{outcome.resolved} đã khắc phục; {outcome.late} công nhận chính thức trễ hạn được ghi lại."
        )
