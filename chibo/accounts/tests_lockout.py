"""Login protection (issue 10): lock after N failures per (account, address) on the login
page, the admin login and the API's bearer tokens; 429 in Vietnamese; the superuser's page
of failures and unlocking."""

import datetime as dt

from axes.models import AccessAttempt
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from chibo.accounts import lockout
from chibo.accounts.models import ApiToken
from chibo.test import PASSWORD, ChiboTestCase

LOGIN = reverse("accounts:login")
ADMIN_LOGIN = "/admin/login/"
API = "/api/v1/organizations"


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


class PageLoginLockoutTests(ChiboTestCase):
    def fail(self, url=LOGIN, username="viewer", client=None):
        client = client or self.client
        return client.post(url, {"username": username, "password": "sai-mat-khau"})

    def test_five_failures_lock_the_pair_even_for_the_right_password(self):
        for _ in range(4):
            self.assertEqual(self.fail().status_code, 200)
        fifth = self.fail()
        self.assertEqual(fifth.status_code, 429)
        self.assertContains(fifth, "Tài khoản tạm bị khóa đăng nhập", status_code=429)
        self.assertEqual(fifth["Retry-After"], "900")
        right = self.client.post(LOGIN, {"username": "viewer", "password": PASSWORD})
        self.assertEqual(right.status_code, 429)
        self.assertFalse(logged_in(self.client))

    def test_lock_is_per_account_and_address(self):
        for _ in range(5):
            self.fail()
        other_account = Client()
        other_account.post(LOGIN, {"username": "board", "password": PASSWORD})
        self.assertTrue(logged_in(other_account))
        other_address = Client(REMOTE_ADDR="10.0.0.9")
        response = other_address.post(LOGIN, {"username": "viewer", "password": PASSWORD})
        self.assertEqual(response.status_code, 302)
        self.assertTrue(logged_in(other_address))

    def test_changing_the_browser_signature_does_not_reset_the_count(self):
        for agent in ("a", "b", "c", "d", "e"):
            response = self.client.post(
                LOGIN, {"username": "viewer", "password": "x"}, HTTP_USER_AGENT=agent
            )
        self.assertEqual(response.status_code, 429)

    def test_lock_ends_after_the_minutes_set(self):
        for _ in range(5):
            self.fail()
        AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
        response = self.client.post(LOGIN, {"username": "viewer", "password": PASSWORD})
        self.assertEqual(response.status_code, 302)

    def test_a_success_resets_the_count(self):
        for _ in range(4):
            self.fail()
        self.client.post(LOGIN, {"username": "viewer", "password": PASSWORD})
        self.client.logout()
        for _ in range(4):
            self.assertEqual(self.fail().status_code, 200)

    @override_settings(CHIBO_LOGIN_FAILURES=3, AXES_FAILURE_LIMIT=3)
    def test_limit_is_configurable(self):
        self.assertEqual(self.fail().status_code, 200)
        self.assertEqual(self.fail().status_code, 200)
        response = self.fail()
        self.assertContains(response, "sau 3 lần đăng nhập sai", status_code=429)

    def test_admin_login_is_locked_too(self):
        for _ in range(4):
            self.assertEqual(self.fail(ADMIN_LOGIN, "root").status_code, 200)
        self.assertEqual(self.fail(ADMIN_LOGIN, "root").status_code, 429)
        response = self.client.post(ADMIN_LOGIN, {"username": "root", "password": PASSWORD})
        self.assertEqual(response.status_code, 429)
        self.assertFalse(logged_in(self.client))

    def test_failures_on_the_page_and_the_admin_add_up(self):
        for _ in range(3):
            self.fail(LOGIN, "root")
        self.fail(ADMIN_LOGIN, "root")
        self.assertEqual(self.fail(ADMIN_LOGIN, "root").status_code, 429)

    def test_the_password_tried_is_not_stored(self):
        self.client.post(LOGIN, {"username": "viewer", "password": "bi-mat-123"})
        attempt = AccessAttempt.objects.get()
        self.assertEqual(attempt.username, "viewer")
        self.assertNotIn("bi-mat-123", attempt.post_data)


class TokenLockoutTests(ChiboTestCase):
    def test_five_bad_tokens_lock_the_address_with_json(self):
        bad = Client(headers={"Authorization": "Bearer chibo_sai"})
        for _ in range(4):
            self.assertEqual(bad.get(API).status_code, 401)
        response = bad.get(API)
        self.assertEqual(response.status_code, 429)
        self.assertIn("Tài khoản tạm bị khóa", response.json()["detail"])
        self.assertEqual(AccessAttempt.objects.get().username, lockout.TOKEN_USERNAME)

    def test_a_locked_address_is_refused_even_a_good_token(self):
        _, key = ApiToken.issue(user=self.board, name="bảng tính")
        good = Client(headers={"Authorization": f"Bearer {key}"})
        self.assertEqual(good.get(API).status_code, 200)
        bad = Client(headers={"Authorization": "Bearer chibo_sai"})
        for _ in range(5):
            bad.get(API)
        self.assertEqual(good.get(API).status_code, 429)
        elsewhere = Client(headers={"Authorization": f"Bearer {key}"}, REMOTE_ADDR="10.0.0.7")
        self.assertEqual(elsewhere.get(API).status_code, 200)

    def test_requests_without_a_token_are_not_counted(self):
        for _ in range(6):
            self.assertEqual(Client().get(API).status_code, 401)
        self.assertFalse(AccessAttempt.objects.exists())


class ClientAddressTests(ChiboTestCase):
    def request(self, forwarded=""):
        return RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    def test_without_proxy_the_socket_address_counts(self):
        self.assertEqual(lockout.client_address(self.request("1.2.3.4")), "127.0.0.1")

    @override_settings(CHIBO_PROXY_COUNT=1)
    def test_behind_one_proxy_the_address_it_saw_counts_not_the_clients_claim(self):
        request = self.request("6.6.6.6, 203.0.113.5")
        self.assertEqual(lockout.client_address(request), "203.0.113.5")
        self.assertEqual(lockout.client_address(self.request()), "127.0.0.1")

    @override_settings(CHIBO_PROXY_COUNT=1)
    def test_a_forwarded_value_that_is_no_address_is_ignored(self):
        self.assertEqual(lockout.client_address(self.request("unknown")), "127.0.0.1")
        response = self.client.post(
            LOGIN, {"username": "viewer", "password": "x"}, HTTP_X_FORWARDED_FOR="'; DROP"
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(AccessAttempt.objects.get().ip_address, "127.0.0.1")


class LockoutPageTests(ChiboTestCase):
    url = reverse("accounts:lockouts")
    unlock = reverse("accounts:unlock")

    def lock_viewer(self):
        client = Client()
        for _ in range(5):
            client.post(LOGIN, {"username": "viewer", "password": "x"})

    def test_role_matrix(self):
        self.lock_viewer()
        denied = {self.admin, self.board, self.committee, self.secretary, self.viewer}
        self.assert_statuses("GET", self.url, {self.superuser: 200} | dict.fromkeys(denied, 403))
        self.assert_statuses("POST", self.url, {self.superuser: 405})
        self.assert_statuses("GET", self.unlock, {self.superuser: 405})
        data = {"username": "viewer", "ip_address": "127.0.0.1"}
        self.assert_statuses("POST", self.unlock, dict.fromkeys(denied, 403), data)
        self.assertEqual(AccessAttempt.objects.count(), 1)

    def test_superuser_sees_the_lock_and_unlocks(self):
        self.lock_viewer()
        self.login(self.superuser)
        page = self.client.get(self.url)
        self.assertContains(page, "viewer")
        self.assertContains(page, "Đang khóa đến")
        self.assertContains(page, "127.0.0.1")
        response = self.client.post(self.unlock, {"username": "viewer", "ip_address": "127.0.0.1"})
        self.assertRedirects(response, self.url)
        self.assertFalse(AccessAttempt.objects.exists())
        again = Client()
        again.post(LOGIN, {"username": "viewer", "password": PASSWORD})
        self.assertTrue(logged_in(again))

    def test_unlock_needs_the_csrf_token(self):
        self.lock_viewer()
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.superuser)
        data = {"username": "viewer", "ip_address": "127.0.0.1"}
        self.assertEqual(client.post(self.unlock, data).status_code, 403)
        page = client.get(self.url)
        data["csrfmiddlewaretoken"] = page.context["csrf_token"]
        self.assertEqual(client.post(self.unlock, data).status_code, 302)
        self.assertFalse(AccessAttempt.objects.exists())

    def test_unlocking_one_pair_leaves_the_others(self):
        self.lock_viewer()
        Client(REMOTE_ADDR="10.0.0.2").post(LOGIN, {"username": "board", "password": "x"})
        self.login(self.superuser)
        self.client.post(self.unlock, {"username": "viewer", "ip_address": "127.0.0.1"})
        self.assertEqual(list(AccessAttempt.objects.values_list("username", flat=True)), ["board"])

    def test_bad_unlock_input_is_refused_without_a_500(self):
        self.login(self.superuser)
        response = self.client.post(self.unlock, {"username": "", "ip_address": "không-phải-ip"})
        self.assertRedirects(response, self.url, fetch_redirect_response=False)
        self.assertContains(self.client.get(self.url), "Yêu cầu mở khóa không hợp lệ.")
