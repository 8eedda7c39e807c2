"""A per-process cache that keeps the objects themselves (issue 16).

Django's local-memory cache pickles every value on ``set`` and unpickles it on every
``get``: for the findings of a region (thousands of objects) each view rebuilt them all, and
the collector then walked them, about a quarter of a served overview (make bench, profile of
the board's overview). Here a value is stored and returned as it is, so whoever reads it
must not change it (``compliance.served`` documents this; the alerts page copies the
findings it annotates). Expiry and the bound on entries work as in ``LocMemCache``.
"""

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache


class ObjectCache(LocMemCache):
    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                return default
            value = self._cache[key]
            self._cache.move_to_end(key, last=False)
        return value

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            self._set(key, value, timeout)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._set(key, value, timeout)
                return True
            return False

    def incr(self, key, delta=1, version=None):
        raise NotImplementedError("ObjectCache keeps computed results, not counters.")
