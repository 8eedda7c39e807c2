"""Writes happen once (issue 9): ``Idempotency-Key`` on the API, one-time tokens on page
forms, and contention answered with 409 / 503 instead of a 500."""

import datetime as dt
import json
import re
from unittest import mock

from django.db import IntegrityError, OperationalError
from django.test import Client, SimpleTestCase
from django.urls import reverse
from django.utils import timezone

from chibo.accounts.models import ApiToken
from chibo.api.models import RequestKey
from chibo.api.once import KEY_LIFETIME, prune_idempotency_keys
from chibo.briefings import operations as briefings
from chibo.briefings.models import Recommendation
from chibo.lib import contention
from chibo.meetings.models import Meeting
from chibo.members.models import Person
from chibo.test import ChiboTestCase, add_member

PERSON = {"ho": "Võ", "ten_dem": "Văn", "ten": "Một", "gender": "M", "birth_date": "1999-04-02"}
DONE = "Thao tác này đã được ghi nhận."


def token_of(response) -> str:
    """The one-time token of the form on a page, as a browser would send it back."""
    found = re.search(r'name="once" value="([A-Za-z0-9_-]+)"', response.content.decode())
    assert found, "the form carries no one-time token"
    return found.group(1)


class OnceTestCase(ChiboTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        add_member(cls.cell_a, "Lê Văn An")
        cls.conference = briefings.create_conference(
            host=cls.district,
            title="các chi bộ Công an xã",
            date=dt.date(2023, 5, 24),
            period_start=dt.date(2023, 1, 1),
            period_end=dt.date(2023, 5, 23),
            invited=[cls.cell_a, cls.cell_b],
            by=None,
        )

    def post_json(self, url: str, payload, key: str | None = None, **headers):
        if key is not None:
            headers["HTTP_IDEMPOTENCY_KEY"] = key
        return self.client.post(
            url, json.dumps(payload), content_type="application/json", **headers
        )

    def person(self, **extra) -> dict:
        return {**PERSON, "registered_by": self.cell_a.pk, **extra}


class IdempotencyKeyTests(OnceTestCase):
    def test_same_key_and_body_returns_the_first_answer_without_writing(self):
        self.login(self.secretary)
        first = self.post_json("/api/v1/people", self.person(), key="k-1")
        self.assertEqual(first.status_code, 201, first.content)
        self.assertNotIn("Idempotent-Replayed", first)
        again = self.post_json("/api/v1/people", self.person(), key="k-1")
        self.assertEqual((again.status_code, again.content), (201, first.content))
        self.assertEqual(again["Idempotent-Replayed"], "true")
        self.assertEqual(again["Content-Type"], first["Content-Type"])
        self.assertEqual(Person.objects.filter(ten="Một").count(), 1)

    def test_same_key_with_another_body_is_409_and_writes_nothing(self):
        self.login(self.secretary)
        self.post_json("/api/v1/people", self.person(), key="k-2")
        other = self.post_json("/api/v1/people", self.person(ten="Hai"), key="k-2")
        self.assertEqual(other.status_code, 409)
        self.assertIn("đã được dùng cho một yêu cầu khác", other.json()["detail"])
        self.assertFalse(Person.objects.filter(ten="Hai").exists())
        # Another route with the same key is another request too.
        meeting = {"cell": self.cell_a.pk, "kind": "regular", "planned_date": "2023-07-05"}
        self.assertEqual(self.post_json("/api/v1/meetings", meeting, key="k-2").status_code, 409)
        self.assertFalse(Meeting.objects.exists())

    def test_a_key_belongs_to_its_user(self):
        self.login(self.secretary)
        self.post_json("/api/v1/people", self.person(), key="shared")
        self.login(self.committee)
        # The same person again is a warning to confirm (person_duplicate), not a replay.
        theirs = self.post_json("/api/v1/people", self.person(confirm_warnings=True), key="shared")
        self.assertEqual(theirs.status_code, 201)
        self.assertNotIn("Idempotent-Replayed", theirs)
        self.assertEqual(Person.objects.filter(ten="Một").count(), 2)

    def test_without_a_key_each_request_writes(self):
        self.login(self.secretary)
        for _ in range(2):
            body = self.person(confirm_warnings=True)  # the second is the same person again
            self.assertEqual(self.post_json("/api/v1/people", body).status_code, 201)
        self.assertEqual(Person.objects.filter(ten="Một").count(), 2)
        self.assertFalse(RequestKey.objects.exists())

    def test_meeting_and_recommendation_written_once(self):
        self.login(self.secretary)
        meeting = {"cell": self.cell_a.pk, "kind": "regular", "planned_date": "2023-07-05"}
        rec = {
            "raised_by": self.cell_a.pk,
            "addressed_to": self.district.pk,
            "category": "policy",
            "text": "Chế độ trực",
        }
        rec_url = f"/api/v1/conferences/{self.conference.pk}/recommendations"
        for url, body, model in (
            ("/api/v1/meetings", meeting, Meeting),
            (rec_url, rec, Recommendation),
        ):
            with self.subTest(url=url):
                answers = [self.post_json(url, body, key=f"once-{url}") for _ in range(3)]
                self.assertEqual({a.status_code for a in answers}, {201})
                self.assertEqual(len({a.json()["id"] for a in answers}), 1)
                self.assertEqual(model.objects.count(), 1)

    def test_bearer_token_with_key(self):
        _token, key = ApiToken.issue(user=self.secretary, name="kịch bản")
        bearer = Client()
        auth = {"HTTP_AUTHORIZATION": f"Bearer {key}", "HTTP_IDEMPOTENCY_KEY": "b-1"}
        answers = [
            bearer.post(
                "/api/v1/people",
                json.dumps(self.person()),
                content_type="application/json",
                **auth,
            )
            for _ in range(2)
        ]
        self.assertEqual([a.status_code for a in answers], [201, 201])
        self.assertEqual(answers[1]["Idempotent-Replayed"], "true")
        self.assertEqual(RequestKey.objects.get().user, self.secretary)
        self.assertEqual(Person.objects.filter(ten="Một").count(), 1)

    def test_a_refusal_by_the_form_is_kept_and_replayed(self):
        self.login(self.secretary)
        bad = self.person(birth_date="31/02/2023")
        first = self.post_json("/api/v1/people", bad, key="bad-1")
        self.assertEqual(first.status_code, 400)
        again = self.post_json("/api/v1/people", bad, key="bad-1")
        self.assertEqual((again.status_code, again["Idempotent-Replayed"]), (400, "true"))
        self.assertFalse(Person.objects.filter(ten="Một").exists())

    def test_refusals_that_do_not_depend_on_the_request_release_the_key(self):
        self.login(self.viewer)
        self.assertEqual(self.post_json("/api/v1/people", self.person(), key="v").status_code, 403)
        self.assertFalse(RequestKey.objects.exists())
        anonymous = Client()
        response = anonymous.post(
            "/api/v1/people",
            json.dumps(self.person()),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="v",
        )
        self.assertEqual(response.status_code, 401)
        self.assertFalse(RequestKey.objects.exists())

    def test_malformed_key_is_400_in_vietnamese(self):
        self.login(self.secretary)
        for key in ("", "a" * 201, "khóa có dấu"):
            with self.subTest(key=key):
                response = self.post_json(
                    "/api/v1/people",
                    self.person(),
                    HTTP_IDEMPOTENCY_KEY=key.encode().decode("latin-1"),
                )
                self.assertEqual(response.status_code, 400)
                self.assertIn("Idempotency-Key không hợp lệ", response.json()["detail"])
        self.assertFalse(Person.objects.filter(ten="Một").exists())
        # A method the path does not answer is a 405 first, whatever the key (schemathesis).
        response = self.client.put(
            "/api/v1/people",
            json.dumps(self.person()),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="",
        )
        self.assertEqual(response.status_code, 405)

    def test_reads_ignore_the_key(self):
        self.login(self.secretary)
        response = self.client.get(
            f"/api/v1/people/{Person.objects.first().pk}", HTTP_IDEMPOTENCY_KEY="r"
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(RequestKey.objects.exists())

    def test_keys_expire_after_a_day_and_are_pruned(self):
        self.login(self.secretary)
        self.post_json("/api/v1/people", self.person(), key="old")
        day_ago = timezone.now() - KEY_LIFETIME - dt.timedelta(minutes=1)
        RequestKey.objects.update(created_at=day_ago)
        # An expired key is a new key: the request runs again.
        again = self.post_json("/api/v1/people", self.person(confirm_warnings=True), key="old")
        self.assertNotIn("Idempotent-Replayed", again)
        self.assertEqual(Person.objects.filter(ten="Một").count(), 2)
        self.post_json("/api/v1/people", self.person(ten="Ba"), key="fresh")
        RequestKey.objects.filter(key="old").update(created_at=day_ago)
        self.assertEqual(prune_idempotency_keys(), 1)
        self.assertEqual(list(RequestKey.objects.values_list("key", flat=True)), ["fresh"])

    def test_a_crash_keeps_neither_the_key_nor_a_partial_write(self):
        """A 5xx rolls back the key with the write: the retry runs again."""
        self.login(self.secretary)
        real = briefings.raise_recommendation

        def write_then_fail(**kwargs):
            real(**kwargs)
            raise RuntimeError("hỏng giữa chừng")

        rec = {
            "raised_by": self.cell_a.pk,
            "addressed_to": self.district.pk,
            "category": "policy",
            "text": "X",
        }
        url = f"/api/v1/conferences/{self.conference.pk}/recommendations"
        with mock.patch.object(briefings, "raise_recommendation", write_then_fail):
            self.assertEqual(self.post_json(url, rec, key="crash").status_code, 500)
        self.assertFalse(RequestKey.objects.exists())
        self.assertFalse(Recommendation.objects.exists())
        self.assertEqual(self.post_json(url, rec, key="crash").status_code, 201)
        self.assertEqual(Recommendation.objects.count(), 1)


class FormTokenTests(OnceTestCase):
    def twice(self, url: str, data: dict):
        token = token_of(self.client.get(url))
        first = self.client.post(url, {**data, "once": token})
        second = self.client.post(url, {**data, "once": token}, follow=True)
        return first, second

    def assert_done(self, first, second) -> None:
        self.assertEqual(first.status_code, 302, first.content[:400])
        self.assertEqual(second.redirect_chain[0], (first["Location"], 302))
        self.assertContains(second, DONE)

    def test_person_form_posted_twice_writes_once(self):
        self.login(self.secretary)
        data = {**self.person(), "birth_date": "02/04/1999"}
        self.assert_done(*self.twice(reverse("members:new"), data))
        self.assertEqual(Person.objects.filter(ten="Một").count(), 1)

    def test_meeting_plan_posted_twice_writes_once(self):
        self.login(self.secretary)
        data = {
            "cell": self.cell_a.pk,
            "kind": "regular",
            "planned_date": "05/07/2023",
            "planned_time": "14:00",
        }
        self.assert_done(*self.twice(reverse("meetings:plan"), data))
        self.assertEqual(Meeting.objects.count(), 1)

    def test_recommendation_posted_twice_writes_once(self):
        self.login(self.secretary)
        url = reverse("briefings:recommendation_new", args=[self.conference.pk])
        data = {
            "raised_by": self.cell_a.pk,
            "addressed_to": self.district.pk,
            "category": "policy",
            "text": "Chế độ trực",
        }
        self.assert_done(*self.twice(url, data))
        self.assertEqual(Recommendation.objects.count(), 1)

    def test_a_refused_submission_leaves_the_token_usable(self):
        self.login(self.secretary)
        url = reverse("members:new")
        token = token_of(self.client.get(url))
        bad = self.client.post(url, {**self.person(), "birth_date": "31/02/1999", "once": token})
        self.assertEqual(bad.status_code, 400)
        self.assertFalse(RequestKey.objects.exists())
        good = self.client.post(url, {**self.person(), "birth_date": "02/04/1999", "once": token})
        self.assertEqual(good.status_code, 302)
        self.assertEqual(Person.objects.filter(ten="Một").count(), 1)

    def test_each_rendering_gives_a_new_token_and_every_form_page_has_one(self):
        self.login(self.admin)
        pages = [
            reverse("members:new"),
            reverse("meetings:plan"),
            reverse("briefings:new"),
            reverse("orgs:create"),
        ]
        for url in pages:
            with self.subTest(url=url):
                self.assertNotEqual(token_of(self.client.get(url)), token_of(self.client.get(url)))

    def test_attendance_form_has_a_token_and_writes_once(self):
        from chibo.meetings import operations as meetings

        meeting = meetings.plan(
            cell=self.cell_a, kind="regular", planned_date=dt.date(2023, 5, 5), by=None
        )
        person = Person.objects.get(ten="An")
        self.login(self.secretary)
        url = reverse("meetings:attendance", args=[meeting.pk])
        token = token_of(self.client.get(url))
        with mock.patch.object(meetings, "take_attendance", wraps=meetings.take_attendance) as op:
            for _ in range(2):
                response = self.client.post(url, {f"status_{person.pk}": "present", "once": token})
                self.assertEqual(response.status_code, 302, response.content[:500])
        self.assertEqual(op.call_count, 1)

    def test_a_token_is_per_user(self):
        self.login(self.secretary)
        url = reverse("members:new")
        token = token_of(self.client.get(url))
        data = {**self.person(), "birth_date": "02/04/1999", "once": token}
        self.client.post(url, data)
        self.login(self.committee)
        self.client.post(url, {**data, "confirm_warnings": "on"})  # the same person again
        self.assertEqual(Person.objects.filter(ten="Một").count(), 2)


class ContentionTests(OnceTestCase):
    """A busy database is a 503 with Retry-After, JSON for the API and a Vietnamese page
    otherwise; never a 500."""

    def test_busy_database_on_the_api_is_503_json(self):
        self.login(self.secretary)
        locked = OperationalError("database is locked")
        with mock.patch("chibo.meetings.operations.plan", side_effect=locked):
            response = self.post_json(
                "/api/v1/meetings",
                {"cell": self.cell_a.pk, "kind": "regular", "planned_date": "2023-07-05"},
                key="busy",
            )
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response["Retry-After"], "2")
        self.assertIn("đang bận", response.json()["detail"])
        self.assertFalse(RequestKey.objects.exists())  # the retry will run

    def test_busy_database_on_a_page_is_503_page(self):
        self.login(self.secretary)
        locked = OperationalError("database is locked")
        with mock.patch("chibo.meetings.operations.plan", side_effect=locked):
            response = self.client.post(
                reverse("meetings:plan"),
                {"cell": self.cell_a.pk, "kind": "regular", "planned_date": "05/07/2023"},
            )
        self.assertContains(response, "Hệ thống đang bận", status_code=503)
        self.assertEqual(response["Retry-After"], "2")

    def test_other_database_errors_stay_500(self):
        self.login(self.secretary)
        broken = OperationalError("no such table: x")
        with mock.patch("chibo.meetings.operations.plan", side_effect=broken):
            response = self.post_json(
                "/api/v1/meetings",
                {"cell": self.cell_a.pk, "kind": "regular", "planned_date": "2023-07-05"},
            )
        self.assertEqual(response.status_code, 500)

    def test_a_lost_race_on_a_constraint_is_409_not_500(self):
        self.login(self.secretary)
        race = IntegrityError("duplicate key value violates unique constraint")
        with mock.patch("chibo.meetings.operations.plan", side_effect=race):
            page = self.client.post(
                reverse("meetings:plan"),
                {"cell": self.cell_a.pk, "kind": "regular", "planned_date": "05/07/2023"},
            )
            api = self.post_json(
                "/api/v1/meetings",
                {"cell": self.cell_a.pk, "kind": "regular", "planned_date": "2023-07-05"},
            )
        self.assertContains(page, "vừa được thay đổi bởi một thao tác khác", status_code=409)
        self.assertEqual(api.status_code, 409)
        self.assertIn("vừa được thay đổi", api.json()["detail"])


class BusyErrorTests(SimpleTestCase):
    def test_which_database_errors_mean_busy(self):
        class PgError(Exception):
            def __init__(self, sqlstate):
                self.sqlstate = sqlstate

        def wrapped(sqlstate):
            error = OperationalError("canceling statement")
            error.__cause__ = PgError(sqlstate)
            return error

        self.assertTrue(contention.is_busy(OperationalError("database is locked")))
        self.assertTrue(contention.is_busy(wrapped("55P03")))  # lock_timeout
        self.assertTrue(contention.is_busy(wrapped("40P01")))  # deadlock detected
        self.assertFalse(contention.is_busy(wrapped("42P01")))  # undefined table
        self.assertFalse(contention.is_busy(IntegrityError("database is locked")))
        self.assertEqual(contention.answer_for(contention.Conflict("x")), (409, "x"))
        self.assertIsNone(contention.answer_for(ValueError("database is locked")))
