"""Shared test ground: a small tree and one named persona per role (conventions §8).

    Tỉnh ủy T (province)
    ├── Đảng ủy Công an tỉnh (police committee)
    └── Huyện ủy H (district)
        ├── Đảng ủy xã A ── Chi bộ Công an xã A   (sector: Đảng ủy Công an tỉnh)
        └── Đảng ủy xã B ── Chi bộ Công an xã B   (sector: Đảng ủy Công an tỉnh)

Personas: ``admin`` (admin on T), ``board`` (board on H), ``committee`` (committee on xã A),
``secretary`` (secretary of cell A), ``viewer`` (viewer on H), ``outsider`` (committee on
xã B), ``police_viewer`` (viewer on the police committee), ``superuser``.
"""

import datetime as dt

from django.db import connection
from django.test import TestCase

from chibo.accounts.models import Grant, Role, User
from chibo.orgs import operations
from chibo.orgs.models import Kind
from chibo.orgs.operations import Attrs

START = dt.date(2020, 1, 1)
DAY = dt.date(2023, 5, 24)
PASSWORD = "mat-khau-thu-nghiem"
# Computing what will be kept (a scope's subtrees, the served findings) asks PostgreSQL's lock
# table once (chibo.audit.generation.settled); SQLite needs no query. In a test nothing is
# kept (on-commit callbacks do not run), so every request pays it.
SETTLED = 1 if connection.vendor == "postgresql" else 0


def attrs(name: str, kind: str = Kind.GRASSROOTS_COMMITTEE, code: str = "ĐU") -> Attrs:
    return Attrs(kind=kind, name=name, party_name=name, issuer_code=code, place_name="Nơi")


def make_user(username: str, role: str | None = None, org=None, **grant) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, full_name=username)
    if role is not None:
        Grant.objects.create(
            user=user,
            role=role,
            organization=org,
            valid_from=grant.get("valid_from", START),
            valid_to=grant.get("valid_to"),
        )
    return user


def build_tree(cls) -> None:
    create = operations.create
    cls.province = create(attrs=attrs("Tỉnh ủy T", Kind.PROVINCE, "TU"), on=START, by=None)
    cls.police = create(
        attrs=attrs("Đảng ủy Công an tỉnh", Kind.POLICE_COMMITTEE),
        on=START,
        by=None,
        parent=cls.province,
        is_police=True,
    )
    cls.district = create(
        attrs=attrs("Huyện ủy H", Kind.DISTRICT, "HU"), on=START, by=None, parent=cls.province
    )
    cls.commune_a = create(attrs=attrs("Đảng ủy xã A"), on=START, by=None, parent=cls.district)
    cls.commune_b = create(attrs=attrs("Đảng ủy xã B"), on=START, by=None, parent=cls.district)
    cls.cell_a, cls.cell_b = (
        create(
            attrs=attrs(f"Chi bộ Công an xã {x}", Kind.SUBORDINATE_CELL, "CB"),
            on=START,
            by=None,
            parent=parent,
            sector_superior=cls.police,
            is_police=True,
        )
        for x, parent in (("A", cls.commune_a), ("B", cls.commune_b))
    )


class ChiboTestCase(TestCase):
    """The tree and personas, built once per class."""

    @classmethod
    def setUpTestData(cls):
        build_tree(cls)
        cls.admin = make_user("admin", Role.ADMIN, cls.province)
        cls.board = make_user("board", Role.BOARD, cls.district)
        cls.committee = make_user("committee", Role.COMMITTEE, cls.commune_a)
        cls.secretary = make_user("secretary", Role.SECRETARY, cls.cell_a)
        cls.viewer = make_user("viewer", Role.VIEWER, cls.district)
        cls.outsider = make_user("outsider", Role.COMMITTEE, cls.commune_b)
        cls.police_viewer = make_user("police_viewer", Role.VIEWER, cls.police)
        cls.superuser = User.objects.create_superuser("root", password=PASSWORD)

    def login(self, user) -> None:
        self.client.force_login(user)

    def assert_statuses(self, method: str, url: str, expected: dict, data=None) -> None:
        """Request ``url`` as each persona in ``expected`` and compare the status codes."""
        for user, status in expected.items():
            with self.subTest(user=user.username, method=method, url=url):
                self.client.force_login(user)
                response = getattr(self.client, method.lower())(url, data or {})
                if response.status_code != status:
                    body = b"" if response.streaming else response.content[:500]
                    self.fail(f"{response.status_code} != {status}: {body!r}")


def add_member(
    cell,
    name: str,
    *,
    ceremony: dt.date = dt.date(2015, 3, 1),
    official: bool = True,
    gender: str = "M",
    born: dt.date | None = dt.date(1990, 1, 1),
    officer: str | None = "officer",
):
    """A party member active in ``cell`` since 2020 (and an officer of its unit, by default)."""
    from chibo.members import operations as ops

    ho, ten_dem, ten = name.split(" ")[0], " ".join(name.split(" ")[1:-1]), name.split(" ")[-1]
    person = ops.add_person(
        data=ops.PersonData(ho=ho, ten_dem=ten_dem, ten=ten, gender=gender, birth_date=born),
        registered_by=cell,
        by=None,
    )
    since = max(START, ceremony)
    ops.record_existing_member(
        person=person,
        cell=cell,
        since=since,
        decision_date=ceremony - dt.timedelta(days=20),
        ceremony_date=ceremony,
        official=official,
        by=None,
    )
    if officer:
        ops.set_police_service(
            person=person, on=since, cell=cell, position=officer, rank=7, by=None
        )
    return person
