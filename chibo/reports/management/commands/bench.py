"""``chibo bench``: generate data sized like design §4 and time the main pages and API.

Where the data goes:

* by default, a SQLite file of its own, ``var/bench/bench.sqlite3`` (under
  ``CHIBO_VAR_DIR`` when set), never the developer's ``var/chibo.sqlite3``. Settings are
  read once at start-up, so the command runs itself again as a child process with
  ``DATABASE_URL`` pointing at that file; a ``DATABASE_URL`` naming SQLite is replaced too.
* when ``DATABASE_URL`` names PostgreSQL, that database, in this process. It is emptied
  (``flush``) before generating, so the command refuses a database holding anything the
  benchmark did not write. Create one for it:
  ``createdb chibo_bench && DATABASE_URL=postgres://…/chibo_bench make bench``.

After generating, PostgreSQL gets ``ANALYZE`` (autovacuum would run it on a real server);
SQLite gets none, as an installation with default settings never runs it.

Results: a table on standard output and ``var/bench/results-sqlite.json`` or
``var/bench/results-postgres.json``.
"""

import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import django
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from chibo.bench import data, floor, readload, run
from chibo.rules.models import RuleSet
from chibo.system import serve

# Set in the child process, which already has the benchmark database in its settings.
CHILD = "CHIBO_BENCH_CHILD"


def _bench_dir() -> Path:
    return Path(settings.VAR_DIR).resolve() / "bench"


def _sqlite_file() -> Path:
    return _bench_dir() / "bench.sqlite3"


def _peak_rss_mib() -> float:
    """The process's peak resident memory so far (Linux reports KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _is_postgres(url: str) -> bool:
    return url.split(":", 1)[0] in {"postgres", "postgresql", "pgsql", "postgis"}


class Command(BaseCommand):
    help = (
        "Đo thời gian các trang và API chính trên dữ liệu cỡ toàn quốc (design §4): "
        "34 tỉnh, 3.321 xã, ~120.000 đảng viên. Mặc định dùng SQLite riêng "
        "var/bench/bench.sqlite3; dùng PostgreSQL khi DATABASE_URL trỏ tới PostgreSQL."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Hệ số cỡ dữ liệu so với design §4, ví dụ 0.1 (mặc định 1).",
        )
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="Dùng lại dữ liệu đã sinh lần trước nếu có (bỏ qua bước sinh dữ liệu).",
        )
        parser.add_argument(
            "--repeat", type=int, default=5, help="Số lần đo mỗi trang, sau một lần chạy nóng."
        )
        parser.add_argument(
            "--load",
            action="store_true",
            help="Thêm phép đo tải: gunicorn trên 127.0.0.1, nhiều kết nối đồng thời.",
        )
        parser.add_argument("--port", type=int, default=8170, help="Cổng cho gunicorn (--load).")
        parser.add_argument(
            "--connections", type=int, default=50, help="Số kết nối đồng thời (--load)."
        )
        parser.add_argument(
            "--seconds", type=float, default=30, help="Số giây đo mỗi trang (--load)."
        )
        parser.add_argument("--workers", type=int, default=0, help="Số tiến trình gunicorn.")
        parser.add_argument(
            "--load-only",
            action="store_true",
            help="Chỉ đo tải (bỏ qua đo từng trang); dùng cùng --reuse.",
        )

    def handle(self, *args, **options):
        if not 0 < options["scale"] <= 10:
            raise CommandError("--scale phải lớn hơn 0 và không quá 10.")
        if options["repeat"] < 1:
            raise CommandError("--repeat phải từ 1 trở lên.")
        if not 1 <= options["connections"] <= readload.MAX_CONNECTIONS:
            raise CommandError("--connections phải từ 1 đến 200.")
        if not 0 < options["seconds"] <= readload.MAX_SECONDS:
            raise CommandError("--seconds phải lớn hơn 0 và không quá 120.")
        if not 1024 < options["port"] < 65536 or not 0 <= options["workers"] <= 16:
            raise CommandError("--port phải trên 1024, --workers từ 0 (mặc định) đến 16.")
        if os.environ.get(CHILD) != "1" and not _is_postgres(os.environ.get("DATABASE_URL", "")):
            self._run_child(options)
            return
        self._bench(options)

    def _run_child(self, options) -> None:
        """Run again with the benchmark's own SQLite file as the database."""
        _bench_dir().mkdir(parents=True, exist_ok=True)
        env = {**os.environ, CHILD: "1", "DATABASE_URL": f"sqlite:///{_sqlite_file()}"}
        argv = [sys.executable, "-m", "chibo.manage", "bench"]
        argv += ["--scale", str(options["scale"]), "--repeat", str(options["repeat"])]
        if options["reuse"]:
            argv.append("--reuse")
        if options["load_only"]:
            argv.append("--load-only")
        if options["load"] or options["load_only"]:
            argv += ["--load", "--port", str(options["port"])]
            argv += ["--connections", str(options["connections"])]
            argv += ["--seconds", str(options["seconds"]), "--workers", str(options["workers"])]
        self.stdout.flush()
        code = subprocess.call(argv, env=env)
        if code:
            sys.exit(code)  # the child has already said what went wrong

    def _bench(self, options) -> None:
        say = self.stdout.write
        database = self._prepare_database(options["reuse"])
        say(f"Cơ sở dữ liệu: {database}")
        call_command("migrate", interactive=False, verbosity=0)
        info_file = _bench_dir() / f"dataset-{connection.vendor}.json"
        dataset = data.find() if options["reuse"] else None
        if dataset is not None:
            if data.restore_reference():
                say(
                    "Đã ghi lại các bộ quy định, lịch làm việc và thang điểm (thiếu trong dữ liệu cũ)."
                )
            info = self._read_info(info_file, database)
            generated = info.get("generation_seconds")
            peak = info.get("generation_peak_rss_mib")
            scale = info.get("scale")
            say(f"Dùng lại dữ liệu đã sinh (cỡ {scale if scale else '?'}).")
            if scale and scale != options["scale"]:
                say(f"  Lưu ý: --scale {options['scale']} bị bỏ qua khi dùng lại dữ liệu.")
        else:
            if data.is_foreign():
                raise CommandError(
                    "Cơ sở dữ liệu này có dữ liệu không do lệnh bench sinh ra; không xóa. "
                    "Hãy chỉ DATABASE_URL tới một cơ sở dữ liệu riêng cho đo hiệu năng."
                )
            scale = options["scale"]
            sizes = data.Sizes.at_scale(scale)
            call_command("flush", interactive=False, verbosity=0)
            data.restore_reference()  # what migrate wrote and flush emptied
            say(
                f"Sinh dữ liệu (cỡ {scale}): {sizes.provinces} tỉnh, {sizes.communes} xã, "
                f"{sizes.members} đảng viên…"
            )
            start = time.perf_counter()
            rss_before = _peak_rss_mib()
            dataset = data.generate(sizes, log=say)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            generated = round(time.perf_counter() - start, 1)
            peak = _peak_rss_mib()
            say(
                f"Sinh dữ liệu xong trong {generated} s; bộ nhớ đỉnh của tiến trình {peak} MiB "
                f"(trước khi sinh {rss_before} MiB)."
            )
            info_file.parent.mkdir(parents=True, exist_ok=True)  # PostgreSQL: nothing made it
            info_file.write_text(
                json.dumps(
                    {
                        "database": database,
                        "scale": scale,
                        "generation_seconds": generated,
                        "generation_peak_rss_mib": peak,
                        "peak_rss_before_mib": rss_before,
                        "loadavg": os.getloadavg(),
                    },
                    indent=2,
                )
            )
        counts = data.row_counts()
        say("Số dòng:")
        for model, count in counts.items():
            say(f"  {model:<18} {count:>9}")
        vendor = "postgres" if connection.vendor == "postgresql" else connection.vendor
        _bench_dir().mkdir(parents=True, exist_ok=True)  # PostgreSQL reused: nothing made it
        path = _bench_dir() / f"results-{vendor}.json"
        report = {
            "created_at": timezone.now().isoformat(timespec="seconds"),
            "as_of": timezone.localdate().isoformat(),  # the pages' default day
            "rule_set": RuleSet.on(timezone.localdate()).name,  # the checks run under it
            "database": database,
            "vendor": connection.vendor,
            "scale": scale,
            "generation_seconds": generated,
            "generation_peak_rss_mib": peak,
            "loadavg": os.getloadavg(),
            "repeat": options["repeat"],
            "rows": counts,
            "python": platform.python_version(),
            "django": django.get_version(),
            "cpus": os.cpu_count(),
            "results": [],
            "load": [],
        }
        results, floors = [], []
        serve.freeze_heap()  # as each server worker does once the app is loaded
        if not options["load_only"]:
            say(
                f"Đo {len(run.CASES)} trường hợp, mỗi trường hợp 1 lần nóng + "
                f"{options['repeat']} lần:"
            )
            results = run.run(dataset, repeat=options["repeat"], log=say)
            say("So với SQL viết tay (sàn), cùng tiến trình, chạy xen kẽ:")
            floors = floor.run(
                dataset,
                region_user_id=run.region_user(),
                on=timezone.localdate(),
                repeat=max(options["repeat"], 5),
                log=say,
            )
            say("")
            say(run.table(results))
            say(
                "sql ms: thời gian cursor.execute của lần chạy nóng; SQLite đọc dòng dần khi lấy "
                "kết quả nên con số này thấp hơn thời gian SQL thật. median/max: "
                f"{options['repeat']} lần đo, cả yêu cầu (middleware, view, template)."
            )
            say("")
            say(floor.table(floors))
            report["results"] = [r.as_json() for r in results] + [f.as_json() for f in floors]
            # Written before the load run, so a server that fails to start loses nothing.
            path.write_text(json.dumps(report, ensure_ascii=False, indent=2))
        if options["load"] or options["load_only"]:
            loads = self._load(dataset, options)
            report["load"] = [r.as_json() for r in loads]
            if options["load_only"] and path.exists():  # keep the page timings already there
                previous = json.loads(path.read_text())
                report["results"] = previous.get("results", [])
            path.write_text(json.dumps(report, ensure_ascii=False, indent=2))
        say(f"\nKết quả JSON: {path}")
        if any(r.error or r.status != 200 for r in [*results, *floors]):
            raise CommandError("Có trang hoặc API trả lỗi; xem bảng trên.")

    def _load(self, dataset: data.Dataset, options) -> list[readload.LoadResult]:
        """The read load against gunicorn on loopback, logged in as the bench's board user:
        a session for the pages, an API token for the API (revoked at the end)."""
        from django.test import Client

        from chibo.accounts.models import ApiToken, User
        from chibo.bench import load

        say = self.stdout.write
        board = User.objects.get(pk=dataset.board_id)
        client = Client()
        client.force_login(board)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        token, key = ApiToken.issue(user=board, name="chibo bench --load")
        headers = {
            "none": {},
            "session": {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"},
            "token": {"Authorization": f"Bearer {key}", "Accept": "application/json"},
        }
        workers = options["workers"] or serve.default_workers()
        connection.close()  # the server's workers open their own
        # Start-up runs migrate's checks and imports the app in each worker: on a loaded
        # machine that takes more than the API load test's minute.
        server = load.start_server(dict(os.environ), options["port"], workers, wait=300)
        results = []
        try:
            say(
                f"\nĐo tải: gunicorn {workers} tiến trình tại 127.0.0.1:{options['port']}, "
                f"{options['connections']} kết nối, {options['seconds']} s mỗi trang "
                f"(tải trung bình trước khi đo {os.getloadavg()[0]:.2f}):"
            )
            for target in readload.TARGETS:
                result = readload.measure(
                    options["port"],
                    target,
                    headers[target.auth],
                    connections=options["connections"],
                    seconds=options["seconds"],
                )
                results.append(result)
                say(f"  {target.name:<14} {result.rps:>8.1f} yêu cầu/s, p95 {result.p95_ms} ms")
        finally:
            load.stop_server(server)
            token.delete()
        login = next((r.rps for r in results if r.name == "login page"), 0)
        for result in results:
            result.ratio_to_login = round(result.rps / login, 4) if login else 0.0
        say("")
        say(readload.table(results))
        return results

    def _prepare_database(self, reuse: bool) -> str:
        """Check the database is the benchmark's own; a fresh run starts from no file."""
        db = settings.DATABASES["default"]
        if connection.vendor == "postgresql":
            host, port = db.get("HOST") or "localhost", db.get("PORT") or 5432
            return f"postgresql://{host}:{port}/{db['NAME']}"  # no user, no password
        if connection.vendor != "sqlite":
            raise CommandError("Chỉ hỗ trợ SQLite (mặc định) và PostgreSQL.")
        name = Path(db["NAME"]).resolve()
        if name != _sqlite_file():  # only ever delete the benchmark's own file
            raise CommandError(f"Cơ sở dữ liệu không phải tệp đo hiệu năng {_sqlite_file()}.")
        _bench_dir().mkdir(parents=True, exist_ok=True)
        if not reuse:
            connection.close()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{name}{suffix}").unlink(missing_ok=True)
        return str(name)

    @staticmethod
    def _read_info(path: Path, database: str) -> dict:
        try:
            info = json.loads(path.read_text())
        except (OSError, ValueError):
            return {}
        return info if info.get("database") == database else {}
