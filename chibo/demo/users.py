"""Demo users, one per role, with the scopes a real office would give them (design §1).
Fictional people; one shared password printed by ``chibo demo``."""

import datetime as dt

from chibo.accounts.models import Grant, Role, User
from chibo.demo.structure import REFORM, Tree

PASSWORD = "chibo-demo-2023"

# (username, full name, role, organization key, valid_from, valid_to, description)
PERSONAS = [
    ("quantri", "Lê Văn Quản", None, None, None, None, "Quản trị toàn hệ thống"),
    (
        "bantochuc",
        "Phạm Thị Tổ",
        Role.BOARD,
        "city",
        REFORM,
        None,
        "Ban Tổ chức Thành ủy Đà Nẵng (kế thừa Huyện ủy Hiệp Đức, Tỉnh ủy Quảng Nam)",
    ),
    (
        "dangu.hiepduc",
        "Võ Văn Đảng",
        Role.COMMITTEE,
        "Hiệp Đức (2025)",
        REFORM,
        None,
        "Đảng ủy xã Hiệp Đức (kế thừa Quế Tân, Tân Bình, Quế Lưu)",
    ),
    (
        "dangu.vietan",
        "Đỗ Thị An",
        Role.COMMITTEE,
        "Việt An (2025)",
        REFORM,
        None,
        "Đảng ủy xã Việt An",
    ),
    (
        "bithu.hiepduc",
        "Trương Văn Bí",
        Role.SECRETARY,
        "cell:Hiệp Đức (2025)",
        REFORM,
        None,
        "Bí thư Chi bộ Công an xã Hiệp Đức",
    ),
    (
        "thanhtra",
        "Hồ Thị Xem",
        Role.VIEWER,
        "city_police",
        REFORM,
        None,
        "Đảng ủy Công an thành phố Đà Nẵng, chỉ xem",
    ),
]


def _organization(tree: Tree, key: str):
    if key.startswith("cell:"):
        return tree.cells[key.removeprefix("cell:")]
    if key in tree.communes:
        return tree.communes[key]
    return getattr(tree, key)


def build(tree: Tree) -> list[tuple[str, str]]:
    """Create the personas; return (username, description) pairs to print."""
    created = []
    for username, full_name, role, key, start, end, description in PERSONAS:
        user = User.objects.create_user(username=username, password=PASSWORD, full_name=full_name)
        if role is None:
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        else:
            Grant.objects.create(
                user=user,
                role=role,
                organization=_organization(tree, key),
                valid_from=start,
                valid_to=end,
            )
        created.append((username, description))
    # History: the board officer held the district grant before the reform.
    Grant.objects.create(
        user=User.objects.get(username="bantochuc"),
        role=Role.BOARD,
        organization=tree.district,
        valid_from=dt.date(2021, 1, 1),
        valid_to=REFORM,
        note="Ban Tổ chức Huyện ủy Hiệp Đức (trước 1/7/2025)",
    )
    return created


# Member logins (issue 15 item 6): one ordinary member (no party post) of each of two of
# today's cells, chosen the same way on every load; the person is whoever the demo's
# fictional roster puts first in the Vietnamese order.
MEMBER_LOGINS = [
    (
        "dangvien.hiepduc",
        "Hiệp Đức (2025)",
        "Đảng viên Chi bộ Công an xã Hiệp Đức (trang của mình)",
    ),
    ("dangvien.vietan", "Việt An (2025)", "Đảng viên Chi bộ Công an xã Việt An (trang của mình)"),
]


def build_members(tree: Tree, on: dt.date) -> list[tuple[str, str]]:
    """Member accounts for ``MEMBER_LOGINS``, with the shared demo password; needs the demo's
    people (``chibo.demo.people``) loaded first."""
    from chibo.lib.validity import valid_on
    from chibo.members import operations
    from chibo.members.models import Membership, MembershipKind, Position

    created = []
    for username, cell_key, description in MEMBER_LOGINS:
        cell = tree.cells[cell_key]
        posts = Position.objects.filter(valid_on(on), organization=cell).values("person_id")
        membership = (
            Membership.objects.counted_on(on)
            .filter(cell=cell, kind=MembershipKind.OFFICIAL)
            .exclude(person_id__in=posts)
            .select_related("person")
            .order_by("person__sort_key", "person_id")
            .first()
        )
        account = operations.create_member_account(
            person=membership.person, username=username, on=on, by=None
        )
        account.user.set_password(PASSWORD)
        account.user.save(update_fields=["password"])
        created.append((username, description))
    return created
