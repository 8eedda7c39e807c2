"""Accounts without the admin (issue 10): own password change; board users manage users and
grants inside their scope, never beyond what they hold; one-time password links."""

import datetime as dt
from unittest import mock

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chibo.accounts import access
from chibo.accounts.models import Grant, Role, User
from chibo.test import PASSWORD, ChiboTestCase, make_user

NEW_PASSWORD = "Cay-tre-xanh-2026"


def d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


class PasswordChangeTests(ChiboTestCase):
    url = reverse("accounts:password_change")

    def test_every_role_reaches_the_page(self):
        everyone = [self.admin, self.board, self.committee, self.secretary, self.viewer]
        self.assert_statuses("GET", self.url, dict.fromkeys([*everyone, self.superuser], 200))
        # Django's form views take PUT as POST; other methods are refused.
        self.assert_statuses("DELETE", self.url, {self.viewer: 405})

    def test_anonymous_is_sent_to_login(self):
        response = Client().get(self.url)
        self.assertRedirects(response, f"{reverse('accounts:login')}?next={self.url}")

    def test_change_own_password(self):
        self.login(self.viewer)
        data = {"old_password": PASSWORD, "new_password1": NEW_PASSWORD}
        response = self.client.post(self.url, data | {"new_password2": NEW_PASSWORD})
        self.assertRedirects(response, reverse("accounts:password_change_done"))
        self.viewer.refresh_from_db()
        self.assertTrue(self.viewer.check_password(NEW_PASSWORD))
        # The session stays valid after the change (Django updates its hash).
        self.assertEqual(self.client.get(reverse("accounts:profile")).status_code, 200)

    def test_validators_answer_in_vietnamese(self):
        self.login(self.viewer)
        cases = [
            ({"old_password": "sai"}, "Mật khẩu cũ không chính xác"),
            ({"new_password1": "abc", "new_password2": "abc"}, "Mật khẩu quá ngắn"),
            ({"new_password1": "12345678901", "new_password2": "12345678901"}, "hoàn toàn"),
            (
                {"new_password1": NEW_PASSWORD, "new_password2": "khac-nhau-2026"},
                "không giống nhau",
            ),
        ]
        for change, text in cases:
            with self.subTest(text=text):
                data = {
                    "old_password": PASSWORD,
                    "new_password1": NEW_PASSWORD,
                    "new_password2": NEW_PASSWORD,
                } | change
                response = self.client.post(self.url, data)
                self.assertContains(response, text, status_code=200)
                self.viewer.refresh_from_db()
                self.assertTrue(self.viewer.check_password(PASSWORD))


class UserPagesMatrixTests(ChiboTestCase):
    """Board and admin allowed in scope, 404 outside, 403 for the other roles, 405."""

    def setUp(self):
        self.committee_grant = self.committee.grants.get()
        self.denied = dict.fromkeys([self.committee, self.secretary, self.viewer], 403)

    def urls_for(self, target) -> list[str]:
        return [
            reverse("accounts:user", args=[target.pk]),
            reverse("accounts:grant_create", args=[target.pk]),
            reverse("accounts:password_link", args=[target.pk]),
        ]

    def test_lists(self):
        for name in ("accounts:users", "accounts:user_create"):
            url = reverse(name)
            allowed = {self.board: 200, self.admin: 200, self.superuser: 200}
            self.assert_statuses("GET", url, allowed | self.denied)
        self.assert_statuses("POST", reverse("accounts:users"), {self.board: 405})
        self.assert_statuses("DELETE", reverse("accounts:user_create"), {self.board: 405})

    def test_user_pages_in_scope(self):
        for url in self.urls_for(self.committee):
            self.assert_statuses("GET", url, {self.board: 200, self.admin: 200} | self.denied)
            self.assert_statuses("DELETE", url, {self.board: 405})
        end = reverse("accounts:grant_end", args=[self.committee_grant.pk])
        self.assert_statuses("GET", end, {self.board: 200, self.admin: 200} | self.denied)
        self.assert_statuses("PUT", end, {self.board: 405})

    def test_outside_scope_is_404(self):
        # The police viewer's grant and the admin's lie outside Huyện ủy H.
        for target in (self.police_viewer, self.admin, self.superuser):
            for url in self.urls_for(target):
                self.assert_statuses("GET", url, {self.board: 404})
        police_grant = self.police_viewer.grants.get()
        end = reverse("accounts:grant_end", args=[police_grant.pk])
        self.assert_statuses("GET", end, {self.board: 404})
        self.assert_statuses("POST", end, {self.board: 404}, {"last_day": "01/01/2024"})
        self.assert_statuses("GET", reverse("accounts:grant_end", args=[99999]), {self.board: 404})

    def test_list_shows_users_in_scope_only(self):
        self.login(self.board)
        page = self.client.get(reverse("accounts:users"))
        shown = {u.username for u, _ in page.context["rows"]}
        self.assertEqual(shown, {"board", "committee", "secretary", "viewer", "outsider"})
        self.login(self.superuser)
        page = self.client.get(reverse("accounts:users"))
        self.assertIn("police_viewer", {u.username for u, _ in page.context["rows"]})

    def test_list_search(self):
        self.login(self.board)
        page = self.client.get(reverse("accounts:users"), {"q": "secre"})
        self.assertEqual([u.username for u, _ in page.context["rows"]], ["secretary"])
        odd = self.client.get(reverse("accounts:users"), {"q": "se\x00cre", "page": "x"})
        self.assertEqual([u.username for u, _ in odd.context["rows"]], ["secretary"])

    def test_profile_links(self):
        self.login(self.board)
        page = self.client.get(reverse("accounts:profile"))
        self.assertContains(page, reverse("accounts:password_change"))
        self.assertContains(page, reverse("accounts:users"))
        self.assertNotContains(page, reverse("accounts:lockouts"))
        self.login(self.committee)
        page = self.client.get(reverse("accounts:profile"))
        self.assertContains(page, reverse("accounts:password_change"))
        self.assertNotContains(page, reverse("accounts:users"))
        self.login(self.superuser)
        self.assertContains(
            self.client.get(reverse("accounts:profile")), reverse("accounts:lockouts")
        )


class CreateAndGrantTests(ChiboTestCase):
    def create(self, **change):
        today = timezone.localdate()
        data = {
            "username": "bithu.moi",
            "full_name": "Nguyễn Văn Mới",
            "role": Role.SECRETARY,
            "organization": self.cell_a.pk,
            "valid_from": d(today),
            "last_day": "",
            "note": "",
        } | change
        return self.client.post(reverse("accounts:user_create"), data)

    def test_board_creates_a_user_who_sets_a_password_through_the_link(self):
        self.login(self.board)
        response = self.create()
        self.assertEqual(response.status_code, 200)
        user = User.objects.get(username="bithu.moi")
        self.assertFalse(user.has_usable_password())
        grant = user.grants.get()
        self.assertEqual(
            (grant.role, grant.organization, grant.valid_to), ("secretary", self.cell_a, None)
        )
        link = response.context["link"]
        self.assertContains(response, link)

        anonymous = Client()
        form = anonymous.get(link, follow=True)
        self.assertContains(form, "Đặt mật khẩu mới")
        self.assertContains(form, "bithu.moi")
        done = anonymous.post(
            form.redirect_chain[-1][0],
            {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
        self.assertRedirects(done, reverse("accounts:password_reset_done"))
        user.refresh_from_db()
        self.assertTrue(user.check_password(NEW_PASSWORD))
        # One time only: the same link no longer works.
        again = Client().get(link, follow=True)
        self.assertContains(again, "Liên kết này không còn dùng được")
        login = Client()
        login.post(reverse("accounts:login"), {"username": "bithu.moi", "password": NEW_PASSWORD})
        self.assertIn("_auth_user_id", login.session)

    def test_the_link_expires(self):
        self.login(self.board)
        link = self.create().context["link"]
        later = dt.datetime.now() + dt.timedelta(hours=73)
        with mock.patch.object(PasswordResetTokenGenerator, "_now", return_value=later):
            page = Client().get(link, follow=True)
        self.assertContains(page, "Liên kết này không còn dùng được")

    def test_board_may_not_grant_the_admin_role(self):
        self.login(self.board)
        response = self.create(role=Role.ADMIN)
        self.assertEqual(response.status_code, 400)
        self.assertFalse(User.objects.filter(username="bithu.moi").exists())

    def test_board_may_not_grant_outside_its_scope(self):
        self.login(self.board)
        for org in (self.police, self.province):
            with self.subTest(org=str(org)):
                response = self.create(organization=org.pk, role=Role.VIEWER)
                self.assertEqual(response.status_code, 400)
                self.assertFalse(User.objects.filter(username="bithu.moi").exists())

    def test_admin_may_grant_the_admin_role_in_its_scope(self):
        self.login(self.admin)
        self.create(role=Role.ADMIN, organization=self.district.pk)
        self.assertEqual(User.objects.get(username="bithu.moi").grants.get().role, "admin")

    def test_board_grant_may_not_outlast_its_own(self):
        today = timezone.localdate()
        ends = today + dt.timedelta(days=30)
        temporary = make_user("tam", Role.BOARD, self.district, valid_to=ends)
        self.login(temporary)
        response = self.create()
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "hết hạn từ ngày", status_code=400)
        self.create(last_day=d(ends - dt.timedelta(days=1)))
        self.assertEqual(User.objects.get(username="bithu.moi").grants.get().valid_to, ends)

    def test_duplicate_username_ignoring_case_is_refused(self):
        self.login(self.board)
        response = self.create(username="Viewer")
        self.assertContains(response, "Tên đăng nhập này đã có người dùng.", status_code=400)

    def test_bad_input_is_a_400_in_vietnamese(self):
        self.login(self.board)
        cases = [
            ({"username": "có dấu cách"}, "username"),
            ({"valid_from": "31/02/2025"}, "valid_from"),
            ({"last_day": "01/01/2000"}, "last_day"),
            ({"organization": "abc"}, "organization"),
            ({"role": "chief"}, "role"),
        ]
        for change, field in cases:
            with self.subTest(field=field):
                response = self.create(**change)
                self.assertEqual(response.status_code, 400)
                self.assertIn(field, response.context["form"].errors)
        self.assertFalse(User.objects.filter(full_name="Nguyễn Văn Mới").exists())

    def test_create_needs_the_csrf_token(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.board)
        url = reverse("accounts:user_create")
        data = {
            "username": "moi",
            "full_name": "Mới",
            "role": "viewer",
            "organization": self.cell_a.pk,
            "valid_from": d(timezone.localdate()),
        }
        self.assertEqual(client.post(url, data).status_code, 403)
        token = client.get(url).context["csrf_token"]
        self.assertEqual(client.post(url, data | {"csrfmiddlewaretoken": token}).status_code, 200)
        self.assertTrue(User.objects.filter(username="moi").exists())

    def test_grant_a_role_to_an_existing_user(self):
        self.login(self.board)
        url = reverse("accounts:grant_create", args=[self.secretary.pk])
        today = timezone.localdate()
        data = {"role": "viewer", "organization": self.commune_b.pk, "valid_from": d(today)}
        response = self.client.post(url, data | {"last_day": d(today + dt.timedelta(days=9))})
        self.assertRedirects(response, reverse("accounts:user", args=[self.secretary.pk]))
        grant = self.secretary.grants.get(organization=self.commune_b)
        self.assertEqual(grant.valid_to, today + dt.timedelta(days=10))
        self.assertTrue(access.can(self.secretary, self.cell_b, today))

    def test_nobody_but_the_superuser_grants_to_themselves(self):
        self.login(self.board)
        url = reverse("accounts:grant_create", args=[self.board.pk])
        self.assertEqual(self.client.get(url).status_code, 403)


class EndGrantAndLinkTests(ChiboTestCase):
    def end_url(self, grant) -> str:
        return reverse("accounts:grant_end", args=[grant.pk])

    def test_end_a_grant_after_confirmation(self):
        grant = self.committee.grants.get()
        self.login(self.board)
        today = timezone.localdate()
        unconfirmed = self.client.post(self.end_url(grant), {"last_day": d(today)})
        self.assertEqual(unconfirmed.status_code, 400)
        grant.refresh_from_db()
        self.assertIsNone(grant.valid_to)
        response = self.client.post(self.end_url(grant), {"last_day": d(today), "confirm": "on"})
        self.assertRedirects(response, reverse("accounts:user", args=[self.committee.pk]))
        grant.refresh_from_db()
        self.assertEqual(grant.valid_to, today + dt.timedelta(days=1))

    def test_ending_yesterday_takes_the_access_away_now(self):
        grant = self.committee.grants.get()
        self.login(self.board)
        yesterday = timezone.localdate() - dt.timedelta(days=1)
        self.client.post(self.end_url(grant), {"last_day": d(yesterday), "confirm": "on"})
        fresh = User.objects.get(pk=self.committee.pk)
        self.assertFalse(access.can(fresh, self.commune_a, timezone.localdate()))

    def test_a_grant_is_shortened_never_lengthened_nor_ended_before_it_starts(self):
        today = timezone.localdate()
        grant = Grant.objects.create(
            user=self.viewer,
            role=Role.VIEWER,
            organization=self.cell_a,
            valid_from=today,
            valid_to=today + dt.timedelta(days=5),
        )
        self.login(self.board)
        for day in (today + dt.timedelta(days=10), today - dt.timedelta(days=1)):
            response = self.client.post(self.end_url(grant), {"last_day": d(day), "confirm": "on"})
            self.assertEqual(response.status_code, 400)
        grant.refresh_from_db()
        self.assertEqual(grant.valid_to, today + dt.timedelta(days=5))

    def test_board_may_not_end_an_admin_grant_nor_its_own(self):
        boss = make_user("boss", Role.ADMIN, self.commune_a)
        self.login(self.board)
        self.assertEqual(self.client.get(self.end_url(boss.grants.get())).status_code, 403)
        self.assertEqual(self.client.get(self.end_url(self.board.grants.get())).status_code, 403)

    def test_password_link_only_for_users_wholly_in_scope(self):
        self.login(self.board)
        page = self.client.get(reverse("accounts:password_link", args=[self.viewer.pk]))
        self.assertEqual(page.status_code, 200)
        # Also viewer of the police committee, outside Huyện ủy H: a link would reach it.
        Grant.objects.create(
            user=self.viewer,
            role=Role.VIEWER,
            organization=self.police,
            valid_from=dt.date(2020, 1, 1),
        )
        for target in (self.viewer, self.board):
            url = reverse("accounts:password_link", args=[target.pk])
            self.assertEqual(self.client.get(url).status_code, 403)
            self.assertEqual(self.client.post(url, {"confirm": "on"}).status_code, 403)

    def test_password_link_needs_confirmation_and_keeps_the_old_password(self):
        self.login(self.board)
        url = reverse("accounts:password_link", args=[self.secretary.pk])
        self.assertEqual(self.client.post(url, {}).status_code, 400)
        response = self.client.post(url, {"confirm": "on"})
        self.assertContains(response, "/accounts/reset/")
        self.secretary.refresh_from_db()
        self.assertTrue(self.secretary.check_password(PASSWORD))
        link = response.context["link"]
        # The user logs in with the old password: the link dies.
        self.client.logout()
        self.client.post(reverse("accounts:login"), {"username": "secretary", "password": PASSWORD})
        self.assertContains(Client().get(link, follow=True), "Liên kết này không còn dùng được")


class AccessRulesTests(ChiboTestCase):
    """``chibo.accounts.access``: what an account manager may give, end and reset."""

    def test_may_grant_no_capability_beyond_the_actors(self):
        today = timezone.localdate()
        cases = [
            (self.board, Role.SECRETARY, self.cell_a, True),
            (self.board, Role.BOARD, self.commune_b, True),
            (self.board, Role.ADMIN, self.commune_a, False),
            (self.board, Role.VIEWER, self.police, False),
            (self.admin, Role.ADMIN, self.district, True),
            (self.committee, Role.VIEWER, self.cell_a, False),
            (self.viewer, Role.VIEWER, self.cell_a, False),
            (self.superuser, Role.ADMIN, self.province, True),
        ]
        for actor, role, org, expected in cases:
            with self.subTest(actor=actor.username, role=role, org=str(org)):
                self.assertIs(access.may_grant(actor, role, org, today), expected)

    def test_may_manage_account(self):
        today = timezone.localdate()
        self.assertTrue(access.may_manage_account(self.board, self.secretary, today))
        self.assertFalse(access.may_manage_account(self.board, self.board, today))
        self.assertFalse(access.may_manage_account(self.board, self.police_viewer, today))
        self.assertFalse(access.may_manage_account(self.committee, self.secretary, today))
        self.assertTrue(access.may_manage_account(self.superuser, self.admin, today))
        # An ended grant outside the scope no longer stands in the way.
        Grant.objects.create(
            user=self.secretary,
            role=Role.VIEWER,
            organization=self.police,
            valid_from=dt.date(2020, 1, 1),
            valid_to=dt.date(2021, 1, 1),
        )
        self.assertTrue(access.may_manage_account(self.board, self.secretary, today))

    def test_manage_until_follows_the_actors_own_grant(self):
        today = timezone.localdate()
        self.assertIsNone(access.manage_until(self.board, self.cell_a, today))
        ends = today + dt.timedelta(days=3)
        temporary = make_user("tam", Role.BOARD, self.district, valid_to=ends)
        self.assertEqual(access.manage_until(temporary, self.cell_a, today), ends)
