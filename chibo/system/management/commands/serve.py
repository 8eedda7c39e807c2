import os
import shutil
import subprocess
import sys

from django.core.management.base import BaseCommand, CommandError

from chibo.settings import env_int, env_str
from chibo.system import serve


class Command(BaseCommand):
    help = (
        "Chạy máy chủ sản xuất (gunicorn) với mặc định cho máy 2 nhân; thu gom tệp tĩnh "
        "(tên có mã băm, nén sẵn) trước khi chạy."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--bind",
            default=env_str("CHIBO_BIND", "127.0.0.1:8000"),
            help="Địa chỉ:cổng (CHIBO_BIND; mặc định 127.0.0.1:8000, sau nginx).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=env_int("CHIBO_WORKERS", serve.default_workers()),
            help="Số tiến trình (CHIBO_WORKERS; mặc định số nhân + 1).",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=env_int("CHIBO_THREADS", 4),
            help="Số luồng mỗi tiến trình (CHIBO_THREADS; mặc định 4).",
        )
        parser.add_argument(
            "--timeout",
            type=int,
            default=env_int("CHIBO_TIMEOUT", 120),
            help="Giây trước khi tiến trình treo bị thay (CHIBO_TIMEOUT; mặc định 120).",
        )
        parser.add_argument(
            "--access-log",
            default=env_str("CHIBO_ACCESS_LOG", "-"),
            help="Tệp nhật ký truy cập, '-' là đầu ra chuẩn (CHIBO_ACCESS_LOG).",
        )
        parser.add_argument(
            "--no-collectstatic",
            action="store_true",
            help="Bỏ qua thu gom tệp tĩnh (đã làm ở bước triển khai).",
        )

    def handle(self, *args, **options):
        for name in ("workers", "threads", "timeout"):
            if options[name] < 1:
                raise CommandError(f"--{name} phải từ 1 trở lên.")
        gunicorn = shutil.which("gunicorn") or os.path.join(
            os.path.dirname(sys.executable), "gunicorn"
        )
        if not os.path.exists(gunicorn):
            raise CommandError("Không tìm thấy gunicorn; chạy `make .venv/.synced`.")
        env = {**os.environ, "CHIBO_STATIC_HASHED": "1"}
        if not options["no_collectstatic"]:
            # A child process: this one was started with the plain (unhashed) storage.
            step = [sys.executable, "-m", "chibo.manage", "collectstatic", "--no-input", "-v0"]
            if subprocess.run(step, env=env).returncode != 0:
                raise CommandError("Thu gom tệp tĩnh (collectstatic) không thành công.")
        argv = serve.gunicorn_argv(
            bind=options["bind"],
            workers=options["workers"],
            threads=options["threads"],
            timeout=options["timeout"],
            access_log=options["access_log"],
        )
        self.stdout.write(
            f"chibo: gunicorn trên http://{options['bind']} ({options['workers']} tiến trình "
            f"× {options['threads']} luồng, timeout {options['timeout']} s)"
        )
        self.stdout.flush()
        sys.stdout.flush()
        os.execve(gunicorn, argv, env)  # gunicorn takes over this process (systemd's PID)
