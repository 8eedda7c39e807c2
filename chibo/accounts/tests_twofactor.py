"""Optional two-step login (TOTP), required for writing roles with CHIBO_REQUIRE_2FA=1
(issue 10)."""

from axes.models import AccessAttempt
from django.test import Client, override_settings
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from chibo.accounts import operations
from chibo.test import PASSWORD, ChiboTestCase

LOGIN = reverse("accounts:login")
SETUP = reverse("accounts:two_factor_setup")
CONFIRM = reverse("accounts:two_factor_confirm")
PAGE = reverse("accounts:two_factor")


def code(device: TOTPDevice) -> str:
    """The code the user's app shows now. A code is accepted once, and django-otp waits a
    moment after a failure: tests that need a second code forget both, as if time had passed."""
    device.refresh_from_db()
    device.last_t = -1
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save(
        update_fields=["last_t", "throttling_failure_count", "throttling_failure_timestamp"]
    )
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def wrong(device: TOTPDevice) -> str:
    return f"{(int(code(device)) + 1) % 10**device.digits:06d}"


class TwoFactorTestCase(ChiboTestCase):
    def turn_on(self, user) -> TOTPDevice:
        device = operations.start_two_factor(user=user, by=user)
        return operations.confirm_two_factor(device=device, by=user)


class SetUpTests(TwoFactorTestCase):
    def test_role_matrix_own_account(self):
        everyone = [self.admin, self.board, self.committee, self.secretary, self.viewer]
        self.assert_statuses("GET", PAGE, dict.fromkeys([*everyone, self.superuser], 200))
        for url in (SETUP, CONFIRM, reverse("accounts:two_factor_disable")):
            self.assert_statuses("GET", url, {self.viewer: 405})
        self.assert_statuses("DELETE", reverse("accounts:two_factor_verify"), {self.viewer: 405})

    def test_turn_on_with_a_first_code(self):
        self.login(self.secretary)
        page = self.client.post(SETUP)
        self.assertContains(page, "<svg")
        self.assertContains(page, 'data-testid="totp-secret"')
        device = TOTPDevice.objects.get(user=self.secretary)
        self.assertFalse(device.confirmed)
        refused = self.client.post(CONFIRM, {"code": wrong(device)})
        self.assertContains(refused, "Mã không đúng", status_code=400)
        device.refresh_from_db()
        self.assertFalse(device.confirmed)
        response = self.client.post(CONFIRM, {"code": code(device)})
        self.assertRedirects(response, PAGE)
        device.refresh_from_db()
        self.assertTrue(device.confirmed)
        self.assertEqual(self.client.session[DEVICE_ID_SESSION_KEY], device.persistent_id)
        self.assertContains(self.client.get(PAGE), "Đã bật xác thực hai bước.")

    def test_turn_off_needs_a_code_and_confirmation(self):
        device = self.turn_on(self.viewer)
        self.login(self.viewer)
        url = reverse("accounts:two_factor_disable")
        self.assertEqual(self.client.post(url, {"code": code(device)}).status_code, 400)
        self.assertEqual(
            self.client.post(url, {"code": wrong(device), "confirm": "on"}).status_code, 400
        )
        self.assertTrue(TOTPDevice.objects.filter(user=self.viewer).exists())
        response = self.client.post(url, {"code": code(device), "confirm": "on"})
        self.assertRedirects(response, PAGE)
        self.assertFalse(TOTPDevice.objects.filter(user=self.viewer).exists())


class LoginWithCodeTests(TwoFactorTestCase):
    def setUp(self):
        self.device = self.turn_on(self.viewer)

    def post(self, client, url=LOGIN, username="viewer", **extra):
        return client.post(url, {"username": username, "password": PASSWORD, **extra})

    def test_password_alone_is_refused_like_a_wrong_password(self):
        client = Client()
        response = self.post(client)
        self.assertContains(response, "Tên đăng nhập, mật khẩu hoặc mã xác thực không đúng.")
        self.assertNotIn("_auth_user_id", client.session)
        bad_password = client.post(LOGIN, {"username": "viewer", "password": "sai"})
        self.assertEqual(
            response.context["form"].non_field_errors(),
            bad_password.context["form"].non_field_errors(),
        )
        self.assertEqual(AccessAttempt.objects.get().failures_since_start, 2)

    def test_password_and_code_log_in_verified(self):
        client = Client()
        response = self.post(client, otp_token=code(self.device))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(client.session[DEVICE_ID_SESSION_KEY], self.device.persistent_id)

    def test_a_code_works_once(self):
        first = code(self.device)
        self.assertEqual(self.post(Client(), otp_token=first).status_code, 302)
        self.assertEqual(self.post(Client(), otp_token=first).status_code, 200)

    def test_wrong_codes_lock_the_account_like_wrong_passwords(self):
        client = Client()
        for _ in range(4):
            self.assertEqual(self.post(client, otp_token=wrong(self.device)).status_code, 200)
        self.assertEqual(self.post(client, otp_token=wrong(self.device)).status_code, 429)
        self.assertEqual(self.post(client, otp_token=code(self.device)).status_code, 429)

    def test_admin_login_asks_for_the_code_too(self):
        device = self.turn_on(self.superuser)
        client = Client()
        response = self.post(client, "/admin/login/", "root")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("_auth_user_id", client.session)
        response = self.post(client, "/admin/login/", "root", otp_token=code(device))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(client.session[DEVICE_ID_SESSION_KEY], device.persistent_id)

    def test_users_without_a_device_log_in_as_before(self):
        client = Client()
        self.post(client, username="board")
        self.assertIn("_auth_user_id", client.session)


@override_settings(CHIBO_REQUIRE_2FA=True)
class RequiredTests(TwoFactorTestCase):
    def test_writing_roles_are_sent_to_set_up(self):
        for user in (self.secretary, self.board, self.superuser):
            with self.subTest(user=user.username):
                self.login(user)
                response = self.client.get("/orgs/")
                self.assertRedirects(response, f"{PAGE}?next=%2Forgs%2F")
                self.assertContains(self.client.get(PAGE), "bắt buộc xác thực hai bước")

    def test_read_only_roles_are_not(self):
        self.login(self.viewer)
        self.assertEqual(self.client.get("/orgs/").status_code, 200)

    def test_api_with_a_session_answers_403_in_json(self):
        self.login(self.secretary)
        response = self.client.get("/api/v1/organizations")
        self.assertEqual(response.status_code, 403)
        self.assertIn("xác thực hai bước", response.json()["detail"])

    def test_after_set_up_the_pages_open(self):
        self.login(self.secretary)
        self.client.post(SETUP, {"next": "/orgs/"})
        device = TOTPDevice.objects.get(user=self.secretary)
        response = self.client.post(CONFIRM, {"code": code(device), "next": "/orgs/"})
        self.assertRedirects(response, "/orgs/")

    def test_an_unverified_session_with_a_device_enters_the_code(self):
        device = self.turn_on(self.secretary)
        self.login(self.secretary)  # a session without the second step
        verify = reverse("accounts:two_factor_verify")
        self.assertRedirects(self.client.get("/orgs/"), f"{verify}?next=%2Forgs%2F")
        refused = self.client.post(verify, {"code": wrong(device), "next": "/orgs/"})
        self.assertEqual(refused.status_code, 400)
        response = self.client.post(verify, {"code": code(device), "next": "/orgs/"})
        self.assertRedirects(response, "/orgs/")

    def test_codes_tried_on_the_verify_page_count_towards_the_lock(self):
        device = self.turn_on(self.secretary)
        self.login(self.secretary)
        verify = reverse("accounts:two_factor_verify")
        for _ in range(4):
            self.assertEqual(self.client.post(verify, {"code": wrong(device)}).status_code, 400)
        self.assertEqual(self.client.post(verify, {"code": wrong(device)}).status_code, 429)
        self.assertEqual(self.client.post(verify, {"code": code(device)}).status_code, 429)
        self.assertNotIn(DEVICE_ID_SESSION_KEY, self.client.session)

    def test_required_cannot_be_turned_off(self):
        device = self.turn_on(self.secretary)
        client = Client()
        client.post(
            LOGIN, {"username": "secretary", "password": PASSWORD, "otp_token": code(device)}
        )
        url = reverse("accounts:two_factor_disable")
        response = client.post(url, {"code": code(device), "confirm": "on"})
        self.assertEqual(response.status_code, 403)
        self.assertTrue(TOTPDevice.objects.filter(user=self.secretary).exists())

    def test_next_is_kept_on_this_site_only(self):
        self.login(self.secretary)
        self.client.post(SETUP)
        device = TOTPDevice.objects.get(user=self.secretary)
        response = self.client.post(
            CONFIRM, {"code": code(device), "next": "https://evil.example/"}
        )
        self.assertRedirects(response, PAGE)


class ResetByManagerTests(TwoFactorTestCase):
    """A lost phone: the board turns the second step off for a user wholly in its scope."""

    def test_role_matrix(self):
        self.turn_on(self.secretary)
        self.turn_on(self.police_viewer)
        url = reverse("accounts:two_factor_reset", args=[self.secretary.pk])
        denied = dict.fromkeys([self.committee, self.secretary, self.viewer], 403)
        self.assert_statuses("GET", url, {self.board: 200, self.superuser: 200} | denied)
        self.assert_statuses("PUT", url, {self.board: 405})
        outside = reverse("accounts:two_factor_reset", args=[self.police_viewer.pk])
        self.assert_statuses("GET", outside, {self.board: 404})
        self.assert_statuses("POST", outside, {self.board: 404}, {"confirm": "on"})
        self.assertTrue(TOTPDevice.objects.filter(user=self.police_viewer).exists())

    def test_board_turns_it_off_after_confirmation(self):
        self.turn_on(self.secretary)
        self.login(self.board)
        url = reverse("accounts:two_factor_reset", args=[self.secretary.pk])
        self.assertEqual(self.client.post(url, {}).status_code, 400)
        self.assertTrue(TOTPDevice.objects.filter(user=self.secretary).exists())
        response = self.client.post(url, {"confirm": "on"})
        self.assertRedirects(response, reverse("accounts:user", args=[self.secretary.pk]))
        self.assertFalse(TOTPDevice.objects.filter(user=self.secretary).exists())
        client = Client()
        client.post(LOGIN, {"username": "secretary", "password": PASSWORD})
        self.assertIn("_auth_user_id", client.session)
