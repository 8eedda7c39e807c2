"""Test-run configuration: a fast password hasher (the tests create many users), and the
``once`` marker for the slow suites (page crawls, papers rendered to PDF) that CI runs in one
database only: ``CHIBO_SLOW_SUITES=0`` skips them (the SQLite run of ``.ci/run``)."""

import os

import pytest


def pytest_configure(config):
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    config.addinivalue_line(
        "markers",
        "once: a slow suite that does not depend on the database engine; "
        "skipped when CHIBO_SLOW_SUITES=0",
    )


def pytest_collection_modifyitems(config, items):
    if os.environ.get("CHIBO_SLOW_SUITES", "1") != "0":
        return
    skip = pytest.mark.skip(reason="CHIBO_SLOW_SUITES=0: chạy một lần, ở lượt PostgreSQL")
    for item in items:
        if item.get_closest_marker("once"):
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _computed_cache_cleared():
    """Each test starts with nothing served from ``CACHES["computed"]``, the kept
    subtrees or the lists' lengths: rolled-back and flushed databases hand out the same ids
    again, so a generation seen by one test could name other data in the next."""
    from django.core.cache import caches

    caches["computed"].clear()
    caches["subtrees"].clear()
    caches["counts"].clear()
    yield
