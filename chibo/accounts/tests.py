"""The access module: scope on a date, grant validity, predecessors, capabilities; and the
account pages (profile, API tokens) with their role matrix."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from chibo.accounts import access
from chibo.accounts.access import Capability
from chibo.accounts.models import ApiToken, Grant, Role, User
from chibo.orgs import operations
from chibo.test import SETTLED, ChiboTestCase, attrs, make_user

D = dt.date
DAY = D(2023, 5, 24)


class ScopeTests(ChiboTestCase):
    def ids(self, user, on=DAY, capability=Capability.VIEW):
        return access.scope(user, on).ids(capability)

    def test_scope_is_the_grant_and_everything_under_it(self):
        self.assertEqual(self.ids(self.committee), {self.commune_a.pk, self.cell_a.pk})
        self.assertEqual(self.ids(self.secretary), {self.cell_a.pk})
        self.assertEqual(
            self.ids(self.board),
            {
                self.district.pk,
                self.commune_a.pk,
                self.commune_b.pk,
                self.cell_a.pk,
                self.cell_b.pk,
            },
        )

    def test_sector_relation_counts_as_under(self):
        self.assertEqual(
            self.ids(self.police_viewer), {self.police.pk, self.cell_a.pk, self.cell_b.pk}
        )

    def test_scope_follows_the_date(self):
        operations.move(org=self.cell_a, on=D(2024, 1, 1), by=None, parent=self.commune_b)
        self.assertIn(self.cell_a.pk, self.ids(self.committee, D(2023, 12, 31)))
        self.assertNotIn(self.cell_a.pk, self.ids(self.committee, D(2024, 1, 1)))
        self.assertIn(self.cell_a.pk, self.ids(self.outsider, D(2024, 1, 1)))

    def test_expired_or_future_grant_gives_nothing(self):
        today = timezone.localdate()
        expired = make_user("expired", Role.BOARD, self.district, valid_to=today)
        future = make_user(
            "future", Role.BOARD, self.district, valid_from=today + dt.timedelta(days=1)
        )
        self.assertEqual(self.ids(expired), frozenset())
        self.assertEqual(self.ids(future), frozenset())

    def test_successor_grant_reads_predecessors_history(self):
        merged = operations.merge(
            sources=[self.commune_a, self.commune_b],
            new=attrs("Đảng ủy xã AB"),
            on=D(2025, 7, 1),
            by=None,
        )
        user = make_user("ab", Role.COMMITTEE, merged, valid_from=D(2025, 7, 1))
        self.assertEqual(
            self.ids(user, DAY),
            {merged.pk, self.commune_a.pk, self.commune_b.pk, self.cell_a.pk, self.cell_b.pk},
        )
        # After the merger the predecessors are still roots, but nothing hangs under them.
        self.assertEqual(
            self.ids(user, D(2025, 7, 1)),
            {merged.pk, self.commune_a.pk, self.commune_b.pk, self.cell_a.pk, self.cell_b.pk},
        )
        operations.move(org=self.cell_a, on=D(2025, 8, 1), by=None, parent=self.district)
        self.assertNotIn(self.cell_a.pk, self.ids(user, D(2025, 8, 1)))

    def test_capabilities_by_role(self):
        cases = [
            (self.admin, Capability.MANAGE_STRUCTURE, True),
            (self.board, Capability.MANAGE_STRUCTURE, False),
            (self.board, Capability.WRITE, True),
            (self.committee, Capability.WRITE, True),
            (self.secretary, Capability.WRITE, True),
            (self.viewer, Capability.WRITE, False),
            (self.viewer, Capability.VIEW, True),
        ]
        for user, capability, expected in cases:
            with self.subTest(user=user.username, capability=capability):
                self.assertEqual(access.can(user, self.cell_a, DAY, capability), expected)

    def test_get_org_404_outside_scope_403_without_capability(self):
        with self.assertRaises(Http404):
            access.get_org(self.outsider, self.cell_a.pk, DAY)
        with self.assertRaises(PermissionDenied):
            access.get_org(self.viewer, self.cell_a.pk, DAY, Capability.WRITE)
        self.assertEqual(access.get_org(self.viewer, self.cell_a.pk, DAY), self.cell_a)

    def test_superuser_sees_everything(self):
        scope = access.scope(self.superuser, DAY)
        self.assertTrue(scope.everything)
        self.assertTrue(scope.allows(self.cell_b.pk, Capability.MANAGE_STRUCTURE))

    def test_two_grants_add_up_and_scope_is_cached_per_date(self):
        Grant.objects.create(
            user=self.outsider,
            role=Role.VIEWER,
            organization=self.commune_a,
            valid_from=D(2020, 1, 1),
        )
        self.outsider.__dict__.pop("_chibo_grants", None)
        self.outsider.__dict__.pop("_chibo_scopes", None)
        # Grants, the data's generation, (PostgreSQL: the lock check,) the subtree for view,
        # the subtree for write.
        with self.assertNumQueries(4 + SETTLED), self.captureOnCommitCallbacks(execute=True):
            scope = access.scope(self.outsider, DAY)
        self.assertTrue(scope.allows(self.cell_a.pk))
        self.assertFalse(scope.allows(self.cell_a.pk, Capability.WRITE))
        self.assertTrue(scope.allows(self.cell_b.pk, Capability.WRITE))
        with self.assertNumQueries(0):
            access.scope(self.outsider, DAY)
        # The next request (a new user object): the subtrees are served until the data
        # changes (issue 16), so grants and the generation only.
        again = User.objects.get(pk=self.outsider.pk)
        with self.assertNumQueries(2):
            self.assertEqual(access.scope(again, DAY)._ids, scope._ids)

    def test_a_served_scope_follows_a_change_of_the_tree(self):
        """Issue 16: a kept subtree is served only while the data is the same; a link moved
        to another parent is a new generation, and the next scope is computed again."""
        # A committee of commune A: cell B (of commune B) is outside until it is moved in.
        committee_a = make_user("committee_a", Role.COMMITTEE, self.commune_a)
        fresh = lambda: access.scope(User.objects.get(pk=committee_a.pk), DAY)  # noqa: E731
        with self.captureOnCommitCallbacks(execute=True):
            self.assertTrue(fresh().allows(self.cell_a.pk))
        self.assertFalse(fresh().allows(self.cell_b.pk))
        with self.captureOnCommitCallbacks(execute=True):
            operations.move(
                org=self.cell_b, parent=self.commune_a, on=DAY - dt.timedelta(days=1), by=None
            )
        self.assertTrue(fresh().allows(self.cell_b.pk))


class AccountPagesTests(ChiboTestCase):
    def test_profile_matrix(self):
        url = reverse("accounts:profile")
        everyone = [self.admin, self.board, self.committee, self.secretary, self.viewer]
        self.assert_statuses("get", url, {u: 200 for u in everyone})
        self.assert_statuses("post", url, {u: 405 for u in everyone})

    def test_profile_lists_grants(self):
        self.login(self.committee)
        response = self.client.get(reverse("accounts:profile"))
        self.assertContains(response, "Đảng ủy xã")
        self.assertContains(response, "Đảng ủy xã A")
        self.assertContains(response, "Đang hiệu lực")

    def test_token_create_shows_key_once(self):
        self.login(self.viewer)  # read-only on data, but owns its tokens
        response = self.client.post(reverse("accounts:token_create"), {"name": "  Bảng tính "})
        self.assertEqual(response.status_code, 200)
        key = response.context["new_key"]
        token = ApiToken.objects.get(user=self.viewer)
        self.assertEqual(token.name, "Bảng tính")
        self.assertNotIn(key, token.digest)
        self.assertEqual(ApiToken.objects.for_key(key).get(), token)
        self.assertNotContains(self.client.get(reverse("accounts:profile")), key)

    def test_token_create_validation_and_method(self):
        self.login(self.board)
        response = self.client.post(reverse("accounts:token_create"), {"name": "   "})
        self.assertContains(response, "Trường này là bắt buộc", status_code=400)
        self.assertFalse(ApiToken.objects.exists())
        self.assert_statuses("get", reverse("accounts:token_create"), {self.board: 405})

    def test_token_revoke_only_own(self):
        token, _ = ApiToken.issue(user=self.board, name="x")
        url = reverse("accounts:token_revoke", args=[token.pk])
        self.assert_statuses("post", url, {self.committee: 404, self.viewer: 404})
        self.assert_statuses("get", url, {self.board: 405})
        self.login(self.board)
        self.assertRedirects(self.client.post(url), reverse("accounts:profile"))
        token.refresh_from_db()
        self.assertIsNotNone(token.revoked_at)
        self.assertEqual(self.client.post(url).status_code, 404)

    def test_login_and_logout(self):
        response = self.client.post(
            reverse("accounts:login"), {"username": "board", "password": "sai"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Tên đăng nhập")
        from chibo.test import PASSWORD

        response = self.client.post(
            reverse("accounts:login"), {"username": "board", "password": PASSWORD}
        )
        self.assertRedirects(response, reverse("home"), fetch_redirect_response=False)
        self.assertEqual(self.client.post(reverse("accounts:logout")).status_code, 302)
        self.assertEqual(self.client.get(reverse("orgs:tree")).status_code, 302)
