from django.core.management.base import BaseCommand

from chibo.members import operations


class Command(BaseCommand):
    help = (
        "Chuyển sinh hoạt, công tác còn mở ở chi bộ đã hợp nhất sang chi bộ kế thừa "
        "(sửa dữ liệu nhập lùi ngày trước khi hệ thống tự làm việc này)."
    )

    def handle(self, *args, **options):
        carried, unsettled = operations.follow_ended_cells()
        self.stdout.write(f"Đã chuyển {carried} bản ghi sang tổ chức kế thừa.")
        for message in unsettled:
            # Person ids only: no names or party records in logs.
            self.stdout.write(f"Cần xử lý thủ công: {message}")
