"""The organization tree costs its top levels, not the scope (issue 16 item 5): a big scope
draws its roots and, when small, the level under them; the rest opens on demand, by htmx or
by a plain link. Query counts are pinned: they do not grow with the organizations."""

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chibo.orgs import operations
from chibo.orgs.models import Kind
from chibo.test import START, ChiboTestCase, attrs

TREE = reverse("orgs:tree")
ON = {"as_of": "2023-05-24"}
HX = {"HX-Request": "true"}


@override_settings(CHIBO_TREE_EAGER_MAX=3)
class LazyTreeScaleTests(ChiboTestCase):
    def add_communes(self, count: int) -> None:
        for i in range(count):
            commune = operations.create(
                attrs=attrs(f"Đảng ủy xã Thêm {i}"), on=START, by=None, parent=self.district
            )
            operations.create(
                attrs=attrs(f"Chi bộ Công an xã Thêm {i}", Kind.SUBORDINATE_CELL, "CB"),
                on=START,
                by=None,
                parent=commune,
                is_police=True,
            )

    def queries(self, url: str, data: dict, **extra) -> tuple[int, str]:
        with CaptureQueriesContext(connection) as ctx:
            response = self.client.get(url, data, **extra)
        self.assertEqual(response.status_code, 200)
        return len(ctx), response.content.decode()

    def test_superuser_tree_queries_do_not_grow_with_organizations(self):
        self.login(self.superuser)
        self.client.get(TREE, ON)
        before, html = self.queries(TREE, ON)
        self.assertIn("Tỉnh ủy T", html)
        self.assertIn("Huyện ủy H", html)  # the level under the root: two, drawn
        self.assertNotIn("Đảng ủy xã A", html)  # deeper: on demand
        self.add_communes(6)
        after, html = self.queries(TREE, ON)
        self.assertEqual(after, before)
        self.assertLessEqual(after, 10)
        self.assertNotIn("Đảng ủy xã Thêm", html)
        self.assertIn("19 tổ chức trong phạm vi", html)

    def test_level_under_the_roots_is_lazy_when_it_is_big(self):
        self.add_communes(3)  # the board's district now has five communes under it
        self.login(self.board)
        _count, html = self.queries(TREE, ON)
        self.assertIn("Huyện ủy H", html)
        self.assertNotIn("Đảng ủy xã A", html)
        children = reverse("orgs:children", args=[self.district.pk])
        self.assertIn(f'hx-get="{children}?as_of=2023-05-24"', html)
        self.assertIn(f'href="{children}?as_of=2023-05-24" data-testid="open-children"', html)

    def test_children_queries_do_not_grow_with_organizations(self):
        self.login(self.superuser)
        url = reverse("orgs:children", args=[self.district.pk])
        self.client.get(url, ON, headers=HX)
        before, fragment = self.queries(url, ON, headers=HX)
        self.add_communes(5)
        after, fragment = self.queries(url, ON, headers=HX)
        self.assertEqual(after, before)
        self.assertIn("Đảng ủy xã Thêm 4", fragment)
        self.assertNotIn("<html", fragment)

    def test_children_page_without_scripts(self):
        """A plain request (no htmx) for a node's children is a page: the tree works without
        JavaScript, one level per link."""
        self.login(self.committee)
        url = reverse("orgs:children", args=[self.commune_a.pk])
        page = self.client.get(url, ON)
        self.assertContains(page, "<html")
        self.assertContains(page, "Chi bộ Công an xã A")
        self.assertContains(page, 'data-testid="whole-tree"')
        self.assertContains(page, "1 tổ chức trực thuộc Đảng ủy xã A")
        # Not existing on the date: 404 with a Vietnamese message, not a 500.
        self.assertEqual(self.client.get(url, {"as_of": "2000-01-01"}).status_code, 404)

    def test_children_page_role_matrix(self):
        url = reverse("orgs:children", args=[self.commune_a.pk])
        allowed = [self.admin, self.board, self.committee, self.viewer, self.superuser]
        self.assert_statuses(
            "get", url, {**{u: 200 for u in allowed}, self.outsider: 404, self.secretary: 404}
        )
        self.assert_statuses("post", url, {self.admin: 405, self.viewer: 405})
