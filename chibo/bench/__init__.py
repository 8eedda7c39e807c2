"""``chibo bench``: the main pages and endpoints timed on data sized like design §4.

Performance is measured here, never in timed tests. ``data`` builds the data set, ``run``
times the requests; the command is ``chibo/reports/management/commands/bench.py``.
"""
