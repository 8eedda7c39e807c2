"""``make load`` — the acceptance run of issue 9: every acknowledged write exists exactly once.

What it does, on loopback only and bounded in clients and time:

1. A fresh database: SQLite in ``var/load/load.sqlite3`` (removed first), or the PostgreSQL
   database named by ``DATABASE_URL``, which is dropped and created again — so its name must
   contain ``load`` (e.g. ``postgres://chibo:chibo@127.0.0.1:5432/chibo_load``).
2. Migrations, the demo, an API token for each demo writer and a conference for today.
3. The production server: gunicorn on ``127.0.0.1:PORT`` with a few workers.
4. ``--clients`` threads for ``--seconds``: mixed API writes (create people, plan meetings,
   raise recommendations, each with an ``Idempotency-Key``), some sent with a client-side
   timeout far too short and then retried with the same key, some sent twice at once from
   two connections, and reads.
5. The check, in the database: each write carries a unique marker; an acknowledged (2xx)
   write missing is *lost*, a marker found more than once is *duplicated*.

Results: printed, and written as JSON to ``var/load/results-<database>.json``.
``python -m chibo.bench.load --help`` lists the options.
"""

import argparse
import datetime as dt
import http.client
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

PROJECT_DIR = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"  # loopback only
MAX_CLIENTS = 200
MAX_SECONDS = 600
WRITERS = ["bithu.hiepduc", "dangu.hiepduc", "dangu.vietan", "bantochuc"]
READER = "thanhtra"


@dataclass
class Write:
    kind: str  # person, meeting, recommendation
    marker: str
    key: str
    mode: str  # plain, retry (short timeout then retry), twin (sent twice at once)
    statuses: list[int] = field(default_factory=list)
    ids: set[int] = field(default_factory=set)
    timeouts: int = 0
    acknowledged: bool = False


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: Counter = field(default_factory=Counter)
    client_timeouts: int = 0
    client_errors: Counter = field(default_factory=Counter)
    reads: int = 0
    writes: list[Write] = field(default_factory=list)
    replays: int = 0

    def answer(self, status: int, replayed: bool) -> None:
        with self.lock:
            self.statuses[status] += 1
            self.replays += replayed


# --- database --------------------------------------------------------------------------


def _is_postgres(url: str) -> bool:
    return url.split(":", 1)[0] in {"postgres", "postgresql"}


def fresh_database(url: str | None, var: Path) -> str:
    """The URL of an empty database for the run."""
    if not url or not _is_postgres(url):
        path = var / "load.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "load" not in name:
        sys.exit(
            f"Cơ sở dữ liệu {name!r} sẽ bị xóa và tạo lại; tên phải chứa 'load' (ví dụ chibo_load)."
        )
    import psycopg

    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url


def prepare(seed: int) -> dict:
    """Migrate, load the demo, give each writer a token; the plan of what each may write."""
    from django.core.management import call_command

    from chibo.accounts import access
    from chibo.accounts.access import Capability
    from chibo.accounts.models import ApiToken, Grant, User
    from chibo.briefings import operations as briefings
    from chibo.members.roster import cells_in

    call_command("migrate", verbosity=0, interactive=False)
    call_command("demo", verbosity=0)
    today = dt.date.today()
    board = User.objects.get(username="bantochuc")
    host = Grant.objects.filter(user=board, valid_to=None).get().organization
    cells = [v.organization for v in cells_in(access.scope(board, today), today, Capability.WRITE)]
    conference = briefings.create_conference(
        host=host,
        title="trực báo kiểm tra tải",
        date=today,
        period_start=today.replace(day=1) - dt.timedelta(days=90),
        period_end=today,
        invited=cells,
        by=None,
    )
    writers = []
    for username in WRITERS:
        user = User.objects.get(username=username)
        _token, key = ApiToken.issue(user=user, name="make load")
        mine = cells_in(access.scope(user, today), today, Capability.WRITE)
        writers.append({"user": username, "token": key, "cells": [v.organization_id for v in mine]})
    _token, read_key = ApiToken.issue(user=User.objects.get(username=READER), name="make load")
    return {
        "conference": conference.pk,
        "host": host.pk,
        "writers": writers,
        "reader": read_key,
        "seed": seed,
    }


def count_markers(prefix: str) -> dict[str, Counter]:
    from django.db.models import Count

    from chibo.briefings.models import Recommendation
    from chibo.meetings.models import Meeting
    from chibo.members.models import Person

    found = {}
    for kind, model, name in (
        ("person", Person, "home_town"),
        ("meeting", Meeting, "topic"),
        ("recommendation", Recommendation, "text"),
    ):
        rows = (
            model.objects.filter(**{f"{name}__startswith": prefix})
            .values(name)
            .annotate(n=Count("pk"))
        )
        found[kind] = Counter({row[name]: row["n"] for row in rows})
    return found


# --- server ----------------------------------------------------------------------------


def start_server(env: dict, port: int, workers: int, wait: float = 60) -> subprocess.Popen:
    # The production server as deployed (``chibo serve``: gunicorn, gthread workers, hashed
    # static files), with the access log off so the run's output stays readable.
    command = [
        sys.executable,
        "-m",
        "chibo.manage",
        "serve",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--access-log",
        "/dev/null",
    ]
    server = subprocess.Popen(command, env=env, cwd=PROJECT_DIR, start_new_session=True)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("gunicorn dừng ngay khi khởi động.")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/api/v1/openapi.json")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    stop_server(server)
    sys.exit(f"gunicorn không trả lời sau {wait:.0f} giây.")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)


# --- clients ---------------------------------------------------------------------------


class Client:
    """One keep-alive connection with a bearer token."""

    def __init__(self, port: int, token: str, tally: Tally):
        self.port, self.token, self.tally = port, token, tally
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body=None, key=None, timeout: float = 30.0):
        """(status, parsed JSON or None, replayed); raises ``TimeoutError`` on a client-side
        timeout (the connection is dropped, as an impatient client would)."""
        if self.conn is None:
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=timeout)
        self.conn.timeout = timeout
        if self.conn.sock is not None:
            self.conn.sock.settimeout(timeout)
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if key is not None:
            headers["Idempotency-Key"] = key
        try:
            self.conn.request(method, path, body=data, headers=headers)
            response = self.conn.getresponse()
            raw = response.read()
        except TimeoutError:
            self.close()
            with self.tally.lock:
                self.tally.client_timeouts += 1
            raise TimeoutError from None
        except (OSError, http.client.HTTPException) as error:
            self.close()
            with self.tally.lock:
                self.tally.client_errors[type(error).__name__] += 1
            raise
        replayed = response.getheader("Idempotent-Replayed") == "true"
        self.tally.answer(response.status, replayed)
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = None
        return response.status, parsed, replayed

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class Driver:
    def __init__(self, plan: dict, port: int, seconds: float, clients: int, run_id: str):
        self.plan, self.port, self.clients, self.run_id = plan, port, clients, run_id
        self.deadline = time.monotonic() + seconds
        self.tally = Tally()
        self.slots = iter(range(10**9))
        self.slot_lock = threading.Lock()
        self.meeting_day0 = dt.date.today() + dt.timedelta(days=1)

    def next_slot(self) -> int:
        with self.slot_lock:
            return next(self.slots)

    def body(self, kind: str, writer: dict, marker: str, rng: random.Random) -> tuple[str, dict]:
        cell = rng.choice(writer["cells"])
        if kind == "person":
            return "/api/v1/people", {
                "ho": "Tải",
                "ten_dem": "Văn",
                "ten": "Thử",
                "gender": rng.choice(["M", "F"]),
                "birth_date": f"{rng.randint(1970, 2000)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                "home_town": marker,
                "registered_by": cell,
                # The same fictional name comes back with the same birth date by chance: that
                # warning (person_duplicate) is confirmed, as a clerk would for two people.
                "confirm_warnings": True,
            }
        if kind == "meeting":
            # Thematic meetings on distinct (cell, day) slots, all within the coming year.
            slot = self.next_slot()
            cells = writer["cells"]
            day = self.meeting_day0 + dt.timedelta(days=(slot // len(cells)) % 360)
            return "/api/v1/meetings", {
                "cell": cells[slot % len(cells)],
                "kind": "thematic",
                "planned_date": day.isoformat(),
                "topic": marker,
            }
        return f"/api/v1/conferences/{self.plan['conference']}/recommendations", {
            "raised_by": cell,
            "addressed_to": self.plan["host"],
            "category": "policy",
            "text": marker,
        }

    def send(self, client: Client, path: str, body: dict, write: Write, timeout: float) -> None:
        status, parsed, _replayed = client.request(
            "POST", path, body, key=write.key, timeout=timeout
        )
        write.statuses.append(status)
        if 200 <= status < 300:
            write.acknowledged = True
            if isinstance(parsed, dict) and "id" in parsed:
                write.ids.add(parsed["id"])

    def send_until_answered(self, client, path, body, write, first_timeout: float) -> None:
        timeout = first_timeout
        for _attempt in range(6):
            try:
                self.send(client, path, body, write, timeout)
            except TimeoutError:
                write.timeouts += 1
                timeout = 30.0
                continue
            except (OSError, http.client.HTTPException):
                timeout = 30.0
                continue
            if write.statuses[-1] in (409, 503) and write.mode != "twin":
                time.sleep(0.2)  # pending twin or busy: the same key again, as a client would
                timeout = 30.0
                continue
            return

    def write_once(self, client: Client, writer: dict, rng: random.Random) -> None:
        kind = rng.choices(["person", "meeting", "recommendation"], [4, 3, 3])[0]
        mode = rng.choices(["plain", "retry", "twin"], [8, 1, 1])[0]
        marker = f"{self.run_id}-{uuid.uuid4().hex[:12]}"
        write = Write(kind=kind, marker=marker, key=str(uuid.uuid4()), mode=mode)
        path, body = self.body(kind, writer, marker, rng)
        with self.tally.lock:
            self.tally.writes.append(write)
        if mode == "plain":
            self.send_until_answered(client, path, body, write, 30.0)
        elif mode == "retry":
            # Give up long before the server can answer, then retry with the same key.
            self.send_until_answered(client, path, body, write, rng.uniform(0.005, 0.05))
        else:
            other = Client(self.port, writer["token"], self.tally)
            twin = threading.Thread(
                target=self.send_until_answered, args=(other, path, body, write, 30.0)
            )
            twin.start()
            self.send_until_answered(client, path, body, write, 30.0)
            twin.join(timeout=60)
            other.close()
            if not write.acknowledged or any(s in (409, 503) for s in write.statuses):
                # A twin that was told "pending" retries as a client would.
                self.send_until_answered(client, path, body, write, 30.0)

    def read_once(self, client: Client, rng: random.Random) -> None:
        path = rng.choice(
            [
                "/api/v1/members?limit=50",
                "/api/v1/meetings?limit=20",
                f"/api/v1/conferences/{self.plan['conference']}",
                "/api/v1/organizations?kind=subordinate_cell",
                "/api/v1/stats",
            ]
        )
        try:
            client.request("GET", path, timeout=30.0)
        except (OSError, http.client.HTTPException):
            return
        with self.tally.lock:
            self.tally.reads += 1

    def client_loop(self, index: int) -> None:
        rng = random.Random(self.plan["seed"] * 1000 + index)
        writer = self.plan["writers"][index % len(self.plan["writers"])]
        writing = Client(self.port, writer["token"], self.tally)
        reading = Client(self.port, self.plan["reader"], self.tally)
        while time.monotonic() < self.deadline:
            if rng.random() < 0.55:
                self.write_once(writing, writer, rng)
            else:
                self.read_once(reading, rng)
        writing.close()
        reading.close()

    def run(self) -> Tally:
        threads = [
            threading.Thread(target=self.client_loop, args=(i,), daemon=True)
            for i in range(self.clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=max(1.0, self.deadline - time.monotonic()) + 120)
        return self.tally


# --- main ------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8111)
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args(argv)
    if not 1 <= args.clients <= MAX_CLIENTS or not 1 <= args.seconds <= MAX_SECONDS:
        parser.error(f"--clients từ 1 đến {MAX_CLIENTS}, --seconds từ 1 đến {MAX_SECONDS}.")
    if not 1 <= args.workers <= 16 or not 1024 < args.port < 65536:
        parser.error("--workers từ 1 đến 16, --port trên 1024.")

    var = Path(os.environ.get("CHIBO_VAR_DIR", PROJECT_DIR / "var")) / "load"
    var.mkdir(parents=True, exist_ok=True)
    url = fresh_database(os.environ.get("DATABASE_URL"), var)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chibo.settings")
    import django

    django.setup()
    from django.db import connection, connections

    vendor = connection.vendor
    print(f"chibo load: {vendor}, chuẩn bị dữ liệu…", flush=True)
    plan = prepare(args.seed)
    connections.close_all()

    env = {**os.environ, "DATABASE_URL": url}
    server = start_server(env, args.port, args.workers)
    run_id = f"load-{uuid.uuid4().hex[:8]}"
    started = time.monotonic()
    try:
        print(
            f"chibo load: {args.clients} máy khách, {args.seconds:g} giây, "
            f"gunicorn {args.workers} worker tại {HOST}:{args.port}",
            flush=True,
        )
        tally = Driver(plan, args.port, args.seconds, args.clients, run_id).run()
    finally:
        stop_server(server)
    elapsed = time.monotonic() - started

    found = count_markers(run_id)
    writes = tally.writes
    lost = [w for w in writes if w.acknowledged and found[w.kind][w.marker] == 0]
    duplicated = [w for w in writes if found[w.kind][w.marker] > 1]
    split_ids = [w for w in writes if len(w.ids) > 1]
    unanswered = [w for w in writes if not w.statuses]
    by_class = Counter(f"{s // 100}xx" for s in tally.statuses.elements())
    result = {
        "database": vendor,
        "clients": args.clients,
        "seconds": round(elapsed, 1),
        "workers": args.workers,
        "writes_attempted": len(writes),
        "writes_acknowledged": sum(w.acknowledged for w in writes),
        "writes_by_kind": dict(Counter(w.kind for w in writes)),
        "writes_by_mode": dict(Counter(w.mode for w in writes)),
        "reads": tally.reads,
        "http_answers": sum(tally.statuses.values()),
        "http_2xx": by_class["2xx"],
        "http_4xx": by_class["4xx"],
        "http_5xx": by_class["5xx"],
        "statuses": {str(k): v for k, v in sorted(tally.statuses.items())},
        "replayed_answers": tally.replays,
        "client_timeouts": tally.client_timeouts,
        "client_errors": dict(tally.client_errors),
        "written_without_acknowledgement": sum(
            1 for w in writes if not w.acknowledged and found[w.kind][w.marker] == 1
        ),
        "unanswered_writes": len(unanswered),
        "lost": len(lost),
        "duplicated": len(duplicated),
        "answers_with_two_ids": len(split_ids),
    }
    out = var / f"results-{vendor}.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(result, indent=2, ensure_ascii=False))
    print(f"chibo load: kết quả ghi tại {out}")
    if not result["writes_acknowledged"]:
        # E.g. bearer tokens refused on writes (issue 9, first point): nothing was measured.
        print("chibo load: không lần ghi nào được chấp nhận; kết quả không có giá trị.")
    ok = (
        result["writes_acknowledged"] > 0
        and result["http_5xx"] == 0
        and not lost
        and not duplicated
        and not split_ids
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
