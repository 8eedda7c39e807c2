"""Pages of the tree: role matrix (allowed, 404 outside scope, 403 read-only, 405), bad input,
history kept, query counts."""

import datetime as dt

from django.test import override_settings
from django.urls import reverse

from chibo.orgs import operations
from chibo.orgs.models import Kind, OrgEvent, OrgLink, OrgVersion, Relation
from chibo.test import SETTLED, START, ChiboTestCase, attrs

D = dt.date


def add_communes(district, count: int) -> None:
    """``count`` communes under ``district``, each with a cell: a tree that grows."""
    for i in range(count):
        commune = operations.create(
            attrs=attrs(f"Đảng ủy xã C{i}"), on=START, by=None, parent=district
        )
        operations.create(
            attrs=attrs(f"Chi bộ C{i}", Kind.SUBORDINATE_CELL, "CB"),
            on=START,
            by=None,
            parent=commune,
        )


class TreePageTests(ChiboTestCase):
    url = reverse("orgs:tree")

    def test_role_matrix(self):
        everyone = [self.admin, self.board, self.committee, self.secretary, self.viewer]
        self.assert_statuses("get", self.url, {u: 200 for u in [*everyone, self.outsider]})
        self.assert_statuses("post", self.url, {u: 405 for u in everyone})

    def test_anonymous_is_sent_to_login(self):
        response = self.client.get(self.url)
        self.assertRedirects(response, "/accounts/login/?next=/orgs/")

    def test_committee_sees_only_its_commune(self):
        self.login(self.committee)
        html = self.client.get(self.url, {"as_of": "2023-05-24"}).content.decode()
        self.assertIn("Đảng ủy xã A", html)
        self.assertIn("Chi bộ Công an xã A", html)
        self.assertNotIn("xã B", html)
        self.assertNotIn("Huyện ủy H", html)

    def test_police_viewer_sees_cells_under_the_sector_relation(self):
        self.login(self.police_viewer)
        html = self.client.get(self.url, {"as_of": "2023-05-24"}).content.decode()
        self.assertIn("Chi bộ Công an xã A", html)
        self.assertIn("Chi bộ Công an xã B", html)
        self.assertNotIn("Đảng ủy xã A", html)

    def test_date_in_both_formats_and_names_of_that_date(self):
        operations.rename(org=self.commune_a, on=D(2024, 1, 1), by=None, name="Đảng ủy xã Mới")
        self.login(self.board)
        for value in ("24/05/2023", "2023-05-24"):
            html = self.client.get(self.url, {"as_of": value}).content.decode()
            self.assertIn("Đảng ủy xã A", html)
            self.assertIn('value="24/05/2023"', html)
        html = self.client.get(self.url, {"as_of": "2024-01-01"}).content.decode()
        self.assertIn("Đảng ủy xã Mới", html)
        self.assertNotIn("Đảng ủy xã A<", html)

    def test_bad_date_answers_400_in_vietnamese(self):
        self.login(self.board)
        for value in ("2023-13-45", "hôm nay", "31/02/2023"):
            response = self.client.get(self.url, {"as_of": value})
            self.assertEqual(response.status_code, 400)
            self.assertContains(
                response, "dd/mm/yyyy" if value == "hôm nay" else "không tồn tại", status_code=400
            )

    def test_search_keeps_matches_and_their_path(self):
        self.login(self.board)
        html = self.client.get(
            self.url, {"as_of": "2023-05-24", "q": "cong an xa b"}
        ).content.decode()
        self.assertIn("Chi bộ Công an xã B", html)
        self.assertIn("Đảng ủy xã B", html)
        self.assertNotIn("Chi bộ Công an xã A", html)

    def test_query_count_does_not_grow_with_organizations(self):
        self.login(self.board)
        self.client.get(self.url)  # warm the session

        def count() -> int:
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as ctx:
                self.assertEqual(self.client.get(self.url).status_code, 200)
            return len(ctx)

        before = count()
        add_communes(self.district, 20)
        self.assertEqual(count(), before)
        self.assertLessEqual(before, 8 + SETTLED)  # the scope's subtree, computed (issue 16)


class DetailPageTests(ChiboTestCase):
    def test_role_matrix(self):
        url = reverse("orgs:detail", args=[self.cell_a.pk])
        allowed = [self.admin, self.board, self.committee, self.secretary, self.viewer]
        self.assert_statuses("get", url, {**{u: 200 for u in allowed}, self.outsider: 404})
        self.assert_statuses("post", url, {u: 405 for u in allowed})

    def test_secretary_cannot_see_the_commune_above(self):
        url = reverse("orgs:detail", args=[self.commune_a.pk])
        self.assert_statuses("get", url, {self.secretary: 404, self.committee: 200})

    def test_unknown_id_is_404(self):
        self.login(self.admin)
        self.assertEqual(self.client.get(reverse("orgs:detail", args=[99999])).status_code, 404)

    def test_history_and_actions(self):
        operations.rename(org=self.cell_a, on=D(2024, 1, 1), by=self.admin, name="Chi bộ A Mới")
        self.login(self.admin)
        response = self.client.get(
            reverse("orgs:detail", args=[self.cell_a.pk]), {"as_of": "2023-05-24"}
        )
        html = response.content.decode()
        self.assertIn('<h1 class="h3">Chi bộ Công an xã A</h1>', html)
        self.assertIn("Chi bộ A Mới", html)  # in the history table
        self.assertIn("Đổi tên Chi bộ Công an xã A thành Chi bộ A Mới", html)
        self.assertIn("Đảng ủy Công an tỉnh", html)  # sector superior listed
        self.assertIn(reverse("orgs:rename", args=[self.cell_a.pk]), html)

    def test_read_only_roles_see_no_actions(self):
        self.login(self.viewer)
        html = self.client.get(reverse("orgs:detail", args=[self.cell_a.pk])).content.decode()
        self.assertNotIn(reverse("orgs:rename", args=[self.cell_a.pk]), html)

    def test_ended_organization_stays_reachable(self):
        operations.merge(sources=[self.cell_b], into=self.cell_a, on=D(2024, 1, 1), by=None)
        self.login(self.outsider)  # committee of xã B: saw cell B until it ended
        response = self.client.get(
            reverse("orgs:detail", args=[self.cell_b.pk]), {"as_of": "2025-01-01"}
        )
        self.assertContains(response, "không hoạt động vào ngày 01/01/2025")
        self.assertContains(response, "Kế thừa bởi")


class OperationPagesMatrixTests(ChiboTestCase):
    """Every reorganization page: admin allowed, other roles 403, outside scope 404, 405."""

    def test_matrix_of_pages_on_one_organization(self):
        for name in ("orgs:rename", "orgs:move", "reorganize:split", "reorganize:dissolve"):
            url = reverse(name, args=[self.cell_a.pk])
            self.assert_statuses(
                "get",
                url,
                {
                    self.admin: 200,
                    self.superuser: 200,
                    self.board: 403,
                    self.committee: 403,
                    self.secretary: 403,
                    self.viewer: 403,
                    self.outsider: 404,
                },
            )
            self.assert_statuses("put", url, {self.admin: 405, self.viewer: 405})
            self.assert_statuses("post", url, {self.viewer: 403, self.outsider: 404})

    def test_matrix_of_pages_without_an_organization(self):
        for name in ("orgs:create", "reorganize:merge"):
            url = reverse(name)
            self.assert_statuses(
                "get",
                url,
                {
                    self.admin: 200,
                    self.superuser: 200,
                    self.board: 403,
                    self.committee: 403,
                    self.secretary: 403,
                    self.viewer: 403,
                },
            )
            self.assert_statuses("post", url, {self.viewer: 403, self.board: 403})
            self.assert_statuses("delete", url, {self.admin: 405})


class OperationPagesTests(ChiboTestCase):
    def setUp(self):
        self.login(self.admin)

    def test_rename_through_the_page(self):
        url = reverse("orgs:rename", args=[self.cell_a.pk]) + "?as_of=2024-01-01"
        form = self.client.get(url).context["form"]
        self.assertEqual(form.initial["name"], "Chi bộ Công an xã A")
        data = {**form.initial, "on": "01/01/2024", "name": "Chi bộ  Công an xã A1", "decision": ""}
        response = self.client.post(url, data)
        self.assertRedirects(
            response, reverse("orgs:detail", args=[self.cell_a.pk]) + "?as_of=2024-01-01"
        )
        self.assertEqual(self.cell_a.version_on(D(2024, 1, 1)).name, "Chi bộ Công an xã A1")
        self.assertEqual(self.cell_a.version_on(D(2023, 12, 31)).name, "Chi bộ Công an xã A")
        self.assertEqual(OrgEvent.objects.filter(kind="rename").get().by, self.admin)

    def test_bad_date_in_a_form_is_shown_at_the_field_and_changes_nothing(self):
        url = reverse("orgs:rename", args=[self.cell_a.pk])
        before = OrgVersion.objects.count()
        for value in ("2023-13-45", "32/01/2024", "abc"):
            response = self.client.post(
                url,
                {
                    "on": value,
                    "kind": Kind.SUBORDINATE_CELL,
                    "name": "X",
                    "issuer_code": "CB",
                    "place_name": "A",
                },
            )
            self.assertEqual(response.status_code, 400)
            self.assertContains(response, "dd/mm/yyyy", status_code=400)
        self.assertEqual(OrgVersion.objects.count(), before)

    def test_date_before_the_organization_existed(self):
        url = reverse("orgs:rename", args=[self.cell_a.pk])
        response = self.client.post(
            url,
            {
                "on": "01/01/2019",
                "kind": Kind.SUBORDINATE_CELL,
                "name": "X",
                "issuer_code": "CB",
                "place_name": "A",
            },
        )
        self.assertContains(response, "không tồn tại vào ngày 01/01/2019", status_code=400)

    def test_move_cycle_is_refused_at_the_field(self):
        url = reverse("orgs:move", args=[self.district.pk])
        response = self.client.post(
            url, {"on": "01/01/2024", "relation": Relation.TERRITORIAL, "parent": self.cell_a.pk}
        )
        self.assertContains(response, "vòng lặp", status_code=400)
        self.assertEqual(self.district.superior_on(D(2024, 1, 1)), self.province)

    def test_move_through_the_page(self):
        url = reverse("orgs:move", args=[self.cell_a.pk])
        response = self.client.post(
            url, {"on": "01/01/2024", "relation": Relation.TERRITORIAL, "parent": self.commune_b.pk}
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.cell_a.superior_on(D(2024, 1, 1)), self.commune_b)

    def test_merge_of_nothing_is_refused(self):
        url = reverse("reorganize:merge")
        response = self.client.post(url, {"on": "01/01/2024", "confirm": "on", "new_name": "X"})
        self.assertContains(response, "Hãy chọn các tổ chức cần hợp nhất", status_code=400)
        response = self.client.post(
            url,
            {
                "on": "01/01/2024",
                "confirm": "on",
                "sources": [self.commune_a.pk],
                "new_name": "X",
                "new_kind": Kind.GRASSROOTS_COMMITTEE,
                "new_issuer_code": "ĐU",
                "new_place_name": "X",
            },
        )
        self.assertContains(response, "Cần ít nhất hai tổ chức", status_code=400)
        self.assertEqual(OrgEvent.objects.filter(kind="merge").count(), 0)

    def test_merge_needs_confirmation(self):
        url = reverse("reorganize:merge")
        data = {
            "on": "01/12/2024",
            "sources": [self.commune_a.pk, self.commune_b.pk],
            "new_name": "Đảng ủy xã AB",
            "new_kind": Kind.GRASSROOTS_COMMITTEE,
            "new_issuer_code": "ĐU",
            "new_place_name": "AB",
        }
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 400)
        self.assertIsNotNone(self.commune_a.version_on(D(2024, 12, 1)))
        response = self.client.post(url, {**data, "confirm": "on"})
        self.assertEqual(response.status_code, 302)
        self.assertIsNone(self.commune_a.version_on(D(2024, 12, 1)))
        merged = OrgVersion.objects.on(D(2024, 12, 1)).get(name="Đảng ủy xã AB").organization
        self.assertEqual(merged.superior_on(D(2024, 12, 1)), self.district)

    def test_split_through_the_page(self):
        url = reverse("reorganize:split", args=[self.district.pk]) + "?as_of=2024-01-01"
        response = self.client.post(
            url,
            {
                "on": "01/01/2024",
                "parts": "Huyện ủy H1\nHuyện ủy H2\n",
                f"child_{self.commune_a.pk}": "1",
                f"child_{self.commune_b.pk}": "2",
                "confirm": "on",
            },
        )
        self.assertEqual(response.status_code, 302, response.content[:2000])
        self.assertEqual(
            sorted(
                OrgVersion.objects.on(D(2024, 1, 1))
                .filter(kind=Kind.DISTRICT)
                .values_list("name", flat=True)
            ),
            ["Huyện ủy H1", "Huyện ủy H2"],
        )

    def test_split_with_a_child_given_to_a_missing_part(self):
        url = reverse("reorganize:split", args=[self.district.pk])
        response = self.client.post(
            url,
            {
                "on": "01/01/2024",
                "parts": "H1\nH2",
                f"child_{self.commune_a.pk}": "3",
                f"child_{self.commune_b.pk}": "1",
                "confirm": "on",
            },
        )
        self.assertContains(response, "Chỉ có 2 tổ chức mới", status_code=400)

    def test_dissolve_with_children_is_refused_then_allowed(self):
        url = reverse("reorganize:dissolve", args=[self.commune_a.pk])
        response = self.client.post(url, {"on": "01/01/2024", "confirm": "on"})
        self.assertContains(response, "còn 1 tổ chức trực thuộc", status_code=400)
        url = reverse("reorganize:dissolve", args=[self.cell_a.pk])
        response = self.client.post(url, {"on": "01/01/2024"})
        self.assertEqual(response.status_code, 400)  # not confirmed
        response = self.client.post(url, {"on": "01/01/2024", "confirm": "on"})
        self.assertEqual(response.status_code, 302)
        self.assertIsNone(self.cell_a.version_on(D(2024, 1, 1)))
        self.assertFalse(OrgLink.objects.on(D(2024, 1, 1)).filter(child=self.cell_a).exists())

    def test_create_under_parent(self):
        url = reverse("orgs:create") + f"?parent={self.commune_a.pk}"
        self.assertEqual(self.client.get(url).context["form"].initial["parent"], self.commune_a.pk)
        response = self.client.post(
            url,
            {
                "on": "01/03/2023",
                "parent": self.commune_a.pk,
                "sector_superior": self.police.pk,
                "kind": Kind.SUBORDINATE_CELL,
                "is_police": "on",
                "name": "Chi bộ Quân sự xã A",
                "issuer_code": "CB",
                "place_name": "A",
            },
        )
        self.assertEqual(response.status_code, 302)
        version = OrgVersion.objects.get(name="Chi bộ Quân sự xã A")
        self.assertEqual(version.party_name, "Chi bộ Quân sự xã A")
        self.assertEqual(version.organization.superior_on(D(2023, 3, 1)), self.commune_a)

    def test_admin_cannot_create_a_root_but_superuser_can(self):
        data = {
            "on": "01/01/2024",
            "kind": Kind.PROVINCE,
            "name": "Tỉnh ủy Mới",
            "issuer_code": "TU",
            "place_name": "X",
        }
        response = self.client.post(reverse("orgs:create"), data)
        self.assertEqual(response.status_code, 400)
        self.login(self.superuser)
        self.assertEqual(self.client.post(reverse("orgs:create"), data).status_code, 302)

    def test_parent_outside_managed_scope_is_not_offered(self):
        other = operations.create(
            attrs=attrs("Tỉnh ủy khác", Kind.PROVINCE, "TU"), on=START, by=None
        )
        response = self.client.post(
            reverse("orgs:create"),
            {
                "on": "01/01/2024",
                "parent": other.pk,
                "kind": Kind.DISTRICT,
                "name": "X",
                "issuer_code": "HU",
                "place_name": "X",
            },
        )
        self.assertContains(response, "Hãy chọn một lựa chọn hợp lệ", status_code=400)


class MergeCarriesMembersTests(ChiboTestCase):
    def test_r_geo_03_merge_page_carries_members_and_officers(self):
        from chibo.members.models import Membership, PoliceService
        from chibo.test import add_member

        a = add_member(self.cell_a, "Lê Văn A")
        b = add_member(self.cell_b, "Lê Văn B")
        self.login(self.admin)
        response = self.client.post(
            reverse("reorganize:merge"),
            {
                "on": "01/07/2025",
                "sources": [self.cell_a.pk, self.cell_b.pk],
                "new_name": "Chi bộ Công an xã AB",
                "new_kind": Kind.GRASSROOTS_CELL,
                "new_issuer_code": "CB",
                "new_place_name": "AB",
                "confirm": "on",
            },
        )
        self.assertEqual(response.status_code, 302)
        merged = OrgVersion.objects.get(name="Chi bộ Công an xã AB").organization
        counted = Membership.objects.counted_on(D(2025, 7, 1)).filter(cell=merged)
        self.assertEqual(set(counted.values_list("person", flat=True)), {a.pk, b.pk})
        self.assertEqual(PoliceService.objects.on(D(2025, 7, 1)).filter(cell=merged).count(), 2)


HX = {"HX-Request": "true"}  # htmx asks for the fragment; a plain request gets the page


@override_settings(CHIBO_TREE_EAGER_MAX=3)
class LazyTreeTests(ChiboTestCase):
    def test_large_trees_load_deeper_levels_on_demand(self):
        self.login(self.admin)
        html = self.client.get(reverse("orgs:tree"), {"as_of": "2023-05-24"}).content.decode()
        self.assertIn("Huyện ủy H", html)
        self.assertNotIn("Chi bộ Công an xã A", html)  # below the second level
        children = reverse("orgs:children", args=[self.district.pk])
        self.assertIn(f'hx-get="{children}?as_of=2023-05-24"', html)
        fragment = self.client.get(children, {"as_of": "2023-05-24"}, headers=HX).content.decode()
        self.assertNotIn("<html", fragment)
        self.assertIn("Đảng ủy xã A", fragment)
        self.assertIn(reverse("orgs:children", args=[self.commune_a.pk]), fragment)  # lazy again
        deeper = self.client.get(
            reverse("orgs:children", args=[self.commune_a.pk]), {"as_of": "2023-05-24"}, headers=HX
        )
        self.assertContains(deeper, "Chi bộ Công an xã A")
        self.assertContains(deeper, "theo ngành: Đảng ủy Công an tỉnh")

    def test_children_matrix(self):
        url = reverse("orgs:children", args=[self.commune_a.pk])
        allowed = [self.admin, self.board, self.committee, self.viewer]
        self.assert_statuses(
            "get", url, {**{u: 200 for u in allowed}, self.outsider: 404, self.secretary: 404}
        )
        self.assert_statuses("post", url, {self.admin: 405})
        self.login(self.committee)
        fragment = self.client.get(
            reverse("orgs:children", args=[self.commune_a.pk])
        ).content.decode()
        self.assertIn("Chi bộ Công an xã A", fragment)
        self.assertEqual(
            self.client.get(reverse("orgs:children", args=[self.district.pk])).status_code, 404
        )


class TreeSearchTests(ChiboTestCase):
    """Issue 16: a search builds only the matches and their path, and draws what pruning
    the whole tree would draw."""

    def test_search_draws_the_pruned_whole_tree(self):
        from chibo.accounts import access
        from chibo.accounts.access import Capability
        from chibo.orgs.views import _search, build_tree

        def shape(nodes):
            return [
                (n.version.organization_id, n.matched, n.sector_parent, shape(n.children))
                for n in nodes
            ]

        on = dt.date(2023, 5, 24)
        for user in (self.superuser, self.admin, self.board, self.police_viewer, self.committee):
            scope = access.scope(user, on)
            in_scope = scope.filter(OrgVersion.objects.on(on), Capability.VIEW, "organization_id")
            for query in ("xa b", "cong an", "huyen", "Tỉnh", "không có"):
                with self.subTest(user=user.username, query=query):
                    whole = build_tree(in_scope.sorted_by_name(), on, query)
                    self.assertEqual(shape(_search(in_scope, on, query)), shape(whole))
        self.assertTrue(shape(_search(in_scope, on, "xa a")))

    def test_search_query_count_does_not_grow_with_organizations(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.login(self.board)
        url = reverse("orgs:tree")

        def count() -> int:
            with CaptureQueriesContext(connection) as ctx:
                response = self.client.get(url, {"as_of": "2023-05-24", "q": "chi bo"})
            self.assertContains(response, "Chi bộ Công an xã A")
            return len(ctx)

        before = count()
        add_communes(self.district, 10)
        self.assertEqual(count(), before)
