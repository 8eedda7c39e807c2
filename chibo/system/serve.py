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
* the heap is frozen once the app is loaded, and collected less often (``freeze_heap``,
  from ``chibo.wsgi``).
"""

import gc
import os

ACCESS_LOG_FORMAT = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'


# How many new objects the collector lets pile up before it looks (Python's default: 700).
# A worker keeps the served results, tens of thousands of objects for the country, and with
# the default a national overview's own allocations made it walk them again and again.
COLLECT_AFTER = 10_000


def freeze_heap() -> None:
    """Put what is alive once the app is loaded (modules, URLconf, views, settings: about
    140,000 objects) out of the garbage collector's sight for good, and let it collect less
    often.

    Python's full collections walk every tracked object, and almost all of these live as long
    as the process. make bench (SQLite, the national figures computed in a process holding
    the country's served findings): 388 ms with Python's defaults, 291 with the heap frozen
    and collections after 10,000 new objects. Called in each gunicorn worker once the app is
    loaded (``chibo.wsgi``) and by ``chibo bench`` before it times anything, so the bench
    times what the server runs. Cyclic garbage is still collected, only later; objects
    frozen here are never freed, and they are the app itself."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(COLLECT_AFTER, 10, 10)


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
