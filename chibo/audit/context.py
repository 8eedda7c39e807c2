"""Who is acting, through what, and in which operation: set once, read by every record.

A request (``AuditMiddleware``), a management command (``chibo.manage``), an importer
(``acting(interface=Interface.IMPORT, actor=user)``) or a task sets the context; each
operation function carries ``@operation("Kết nạp đảng viên")`` so that the rows it writes
are grouped under that label. Nothing here touches the database: apps at every layer import
it (``chibo.audit`` sits beside ``chibo.lib``).
"""

import contextlib
import contextvars
import dataclasses
import functools
import getpass
import uuid
from collections.abc import Callable, Iterator
from typing import Any

# Codes stored in entries; the Vietnamese labels live in chibo.audit.models.Interface.
PAGE, API, ADMIN, COMMAND, IMPORT, SYSTEM = "page", "api", "admin", "command", "import", "system"

# Operation code → Vietnamese label, filled as the decorated functions are defined.
LABELS: dict[str, str] = {}


@dataclasses.dataclass(frozen=True)
class State:
    interface: str = SYSTEM
    actor: Any = None  # a user, or None (then the request's user, if any)
    actor_name: str = ""  # who, when there is no user (a command's system account)
    request: Any = None
    operation: str = ""
    group: uuid.UUID = dataclasses.field(default_factory=uuid.uuid4)

    def who(self) -> tuple[int | None, str]:
        """(user id, name) of the person acting; a request's user is read late because the
        API authenticates a bearer token inside the view, after the middleware."""
        user = self.actor
        if user is None and self.request is not None:
            user = getattr(self.request, "user", None)
        if user is not None and getattr(user, "is_authenticated", False):
            return user.pk, user.get_username()
        return None, self.actor_name

    def channel(self) -> str:
        """page, api or admin for a request, judged by the URL namespace it resolved to."""
        if self.request is None or self.interface != PAGE:
            return self.interface
        match = getattr(self.request, "resolver_match", None)
        namespaces = match.namespaces if match is not None else []
        if "admin" in namespaces:
            return ADMIN
        if "api" in namespaces:
            return API
        return PAGE


_state: contextvars.ContextVar[State | None] = contextvars.ContextVar("chibo_audit", default=None)


def current() -> State:
    return _state.get() or State()


@contextlib.contextmanager
def acting(
    *, interface: str, actor: Any = None, actor_name: str = "", request: Any = None
) -> Iterator[State]:
    """Everything recorded inside is attributed to ``actor`` through ``interface``."""
    state = State(interface=interface, actor=actor, actor_name=actor_name, request=request)
    token = _state.set(state)
    try:
        yield state
    finally:
        _state.reset(token)


def as_command() -> contextlib.AbstractContextManager[State]:
    """For ``chibo <command>``: no user, the operating-system account as the name."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry in some containers
        name = "?"
    return acting(interface=COMMAND, actor_name=f"lệnh quản trị ({name})")


def operation(label: str, code: str = "") -> Callable:
    """Group what the decorated function writes under one operation, labelled in
    Vietnamese. The outermost operation names the group (``register_person`` calling
    ``add_person`` is one "Thêm người"); a user passed as ``by=`` is the actor. ``code``
    defaults to ``<app>.<function>``; give it for a function defined inside a view."""

    def decorate(func: Callable) -> Callable:
        name = code or f"{func.__module__.split('.')[-2]}.{func.__name__}"
        LABELS[name] = label

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            outer = current()
            if outer.operation:
                return func(*args, **kwargs)
            by = kwargs.get("by")
            actor = by if getattr(by, "is_authenticated", False) else outer.actor
            state = dataclasses.replace(outer, operation=name, group=uuid.uuid4(), actor=actor)
            token = _state.set(state)
            try:
                return func(*args, **kwargs)
            finally:
                _state.reset(token)

        return wrapper

    return decorate


class AuditMiddleware:
    """Attribute every write of a request to its user and channel (page, API, admin)."""

    def __init__(self, get_response: Callable):
        self.get_response = get_response

    def __call__(self, request):
        with acting(interface=PAGE, request=request):
            return self.get_response(request)
