"""The production server (issue 11 §2): `chibo serve` really serves over HTTP with hashed,
compressed static files and an access log without query strings; `make run PORT=` says
clearly when the port is taken."""

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.test import SimpleTestCase

from chibo.system import serve

PORT = 8174  # ops' range 8171-8179


def _get(path: str, **headers) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


class ServeArgumentsTests(SimpleTestCase):
    def test_access_log_has_no_query_string_referrer_user_or_address(self):
        argv = serve.gunicorn_argv(
            bind="127.0.0.1:8000", workers=3, threads=4, timeout=120, access_log="-"
        )
        fmt = next(a for a in argv if a.startswith("--access-logformat="))
        # %(r)s is the request line with its query string, %(q)s the query, %(f)s the
        # referrer, %(u)s the user, %(h)s the address; %(U)s is the path alone.
        for field in ("%(r)s", "%(q)s", "%(f)s", "%(u)s", "%(h)s", "%({"):
            self.assertNotIn(field, fmt)
        self.assertIn("%(U)s", fmt)
        self.assertIn("--timeout=120", argv)
        self.assertIn("--worker-class=gthread", argv)

    def test_two_cores_get_three_workers(self):
        with mock.patch("os.cpu_count", return_value=2):
            self.assertEqual(serve.default_workers(), 3)


class WorkerHeapTests(SimpleTestCase):
    def test_a_worker_freezes_the_whole_app_once_loaded(self):
        """Issue 16: importing chibo.wsgi (what each gunicorn worker does) loads the URLconf,
        and through it the views, before freezing the heap; replacements are seldom."""
        probe = (
            "import gc, sys; import chibo.wsgi; "
            "print(gc.get_freeze_count() > 50000, 'chibo.members.views' in sys.modules, "
            "gc.get_threshold()[0])"
        )
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "chibo.settings"}
        out = subprocess.run(
            [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120
        )
        self.assertEqual(
            out.stdout.split(), ["True", "True", str(serve.COLLECT_AFTER)], out.stderr[-2000:]
        )
        argv = serve.gunicorn_argv(
            bind="127.0.0.1:8000", workers=3, threads=4, timeout=120, access_log="-"
        )
        self.assertIn("--max-requests=10000", argv)


class LiveServeTests(SimpleTestCase):
    def test_serves_hashed_gzip_static_health_and_logs_no_query(self):
        var = Path(tempfile.mkdtemp(prefix="chibo-serve-test-"))
        self.addCleanup(lambda: subprocess.run(["rm", "-rf", str(var)], check=False))
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env.update(CHIBO_VAR_DIR=str(var), DJANGO_SETTINGS_MODULE="chibo.settings")
        log = (var / "serve.log").open("w")
        server = subprocess.Popen(
            [
                sys.executable,
                *("-m", "chibo.manage", "serve"),
                *(f"--bind=127.0.0.1:{PORT}", "--workers=1", "--threads=2"),
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 180
            while time.monotonic() < deadline:
                try:
                    socket.create_connection(("127.0.0.1", PORT), timeout=1).close()
                    break
                except OSError:
                    self.assertIsNone(server.poll(), (var / "serve.log").read_text())
                    time.sleep(0.5)
            # A fresh folder: no migration applied yet, so not healthy, and it says why.
            status, _, body = _get("/healthz?q=Nguy%E1%BB%85n")
            self.assertEqual(status, 503)
            self.assertIn("migration chưa áp dụng", json.loads(body)["detail"])
            manifest = json.loads((var / "static" / "staticfiles.json").read_text())
            hashed = manifest["paths"]["chibo/chibo.css"]
            self.assertNotEqual(hashed, "chibo/chibo.css")
            status, headers, body = _get(f"/static/{hashed}", **{"Accept-Encoding": "gzip"})
            self.assertEqual(status, 200)
            self.assertEqual(headers.get("Content-Encoding"), "gzip")
            self.assertIn("immutable", headers.get("Cache-Control", ""))
        finally:
            server.terminate()
            server.wait(timeout=60)
            log.close()
        output = (var / "serve.log").read_text()
        self.assertIn('"GET /healthz HTTP/1.1" 503', output)
        self.assertNotIn("Nguy", output)
        self.assertNotIn("q=", output)


class MakeRunPortTests(SimpleTestCase):
    def test_taken_port_gives_a_clear_message(self):
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", PORT + 1))
            taken.listen()
            result = subprocess.run(
                ["make", "-s", "run", f"PORT={PORT + 1}"],
                cwd=settings.PROJECT_DIR,
                capture_output=True,
                text=True,
                timeout=120,
            )
        self.assertNotEqual(result.returncode, 0)
        self.assertIn(f"cổng {PORT + 1} trên 127.0.0.1 đang bận", result.stdout)
        self.assertIn("make run PORT=", result.stdout)
