"""How ``chibo serve`` runs gunicorn (issue 11 §2): defaults for a 2-core server.

* ``gthread`` workers: one process per core plus one, each with 4 threads; a page waiting on
  the database does not hold a whole process, and a CPU-heavy page (the country overview)
  holds one thread while the others keep answering.
* ``timeout`` 120 s: a worker is killed only when it has not answered the master for that
  long. The heaviest page, the country overview on national-size data, was measured (see
  README, "Production"); 120 s leaves a wide margin under load, where the 30 s default
  killed workers (issue 11).
* access log: method, path, status, size, time; no query string (search terms are names),
  no referrer (it carries the previous page's query string), no user, no address.
* ``max_requests`` with jitter: workers are replaced now and then, so memory never creeps;
  seldom (10,000 requests), because a new worker starts with none of the served results
  (issue 16) and its first views compute them again (make bench --load: with 2,000, every
  worker was replaced in the middle of the read load).
* the heap is frozen once the app is loaded (``freeze_heap``, from ``chibo.wsgi``).
"""

import gc
import os

ACCESS_LOG_FORMAT = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'


def freeze_heap() -> None:
    """Put what is alive once the app is loaded (modules, settings, templates: about 100,000
    objects) out of the garbage collector's sight for good.

    Python's full collections walk every tracked object, and after start-up almost all of
    them live as long as the process: walking them again and again was about 40 ms of each
    national overview's 340 (make bench, SQLite, with and without). Called in each gunicorn
    worker once the app is loaded (``chibo.wsgi``) and by ``chibo bench`` before it times
    anything, so the bench times what the server runs."""
    gc.collect()
    gc.freeze()


def default_workers() -> int:
    return (os.cpu_count() or 1) + 1


def gunicorn_argv(
    *,
    bind: str,
    workers: int,
    threads: int,
    timeout: int,
    access_log: str,
) -> list[str]:
    return [
        "gunicorn",
        "chibo.wsgi:application",
        f"--bind={bind}",
        "--worker-class=gthread",
        f"--workers={workers}",
        f"--threads={threads}",
        f"--timeout={timeout}",
        "--graceful-timeout=30",
        "--keep-alive=5",
        "--max-requests=10000",
        "--max-requests-jitter=1000",
        f"--access-logfile={access_log}",
        f"--access-logformat={ACCESS_LOG_FORMAT}",
        "--error-logfile=-",
        # Gunicorn 27's control socket lives in $HOME; the service user has none, and
        # nothing here uses it.
        "--no-control-socket",
        # Upload limit is enforced by nginx (client_max_body_size) and by the app's forms.
        "--limit-request-line=8190",
    ]
