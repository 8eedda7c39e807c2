"""Natural duplicates of the reporting conference: one recommendation per conference, cell
and text (issue 9), refused by the form's operation and guarded by the database."""

import datetime as dt
import json
import unicodedata

from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase
from django.urls import reverse

from chibo.briefings import operations as ops
from chibo.briefings.models import Recommendation
from chibo.briefings.tests import ConferenceTestCase
from chibo.lib import vntext

D = dt.date


class DuplicateRecommendationTests(ConferenceTestCase):
    def payload(self, text: str, cell=None) -> dict:
        return {
            "raised_by": (cell or self.cell_a).pk,
            "addressed_to": self.district.pk,
            "category": "policy",
            "text": text,
        }

    def test_same_text_twice_from_the_page_is_one_recommendation(self):
        self.login(self.secretary)
        url = reverse("briefings:recommendation_new", args=[self.conference.pk])
        first = self.client.post(url, self.payload("Bổ sung  chế độ trực"))
        self.assertEqual(first.status_code, 302)
        # Differs only in case, spacing and Unicode form: still the same recommendation.
        again = unicodedata.normalize("NFD", " bổ sung chế ĐỘ   trực ")
        response = self.client.post(url, self.payload(again))
        self.assertContains(response, "Chi bộ đã gửi kiến nghị này", status_code=400)
        self.assertEqual(
            Recommendation.objects.filter(conference=self.conference, raised_by=self.cell_a)
            .exclude(pk=self.rec.pk)
            .count(),
            1,
        )

    def test_same_text_twice_from_the_api_is_refused_at_the_field(self):
        self.login(self.secretary)
        url = f"/api/v1/conferences/{self.conference.pk}/recommendations"
        body = json.dumps(self.payload("Xin thêm xe tuần tra"))
        first = self.client.post(url, body, content_type="application/json")
        self.assertEqual(first.status_code, 201, first.content)
        second = self.client.post(url, body, content_type="application/json")
        self.assertEqual(second.status_code, 400)
        self.assertIn("đã gửi kiến nghị này", second.json()["errors"]["text"][0])
        self.assertEqual(Recommendation.objects.filter(text="Xin thêm xe tuần tra").count(), 1)

    def test_other_cell_other_text_or_no_conference_are_not_duplicates(self):
        common = {
            "addressed_to": self.district,
            "category": "policy",
            "raised_on": D(2023, 5, 24),
            "by": None,
        }
        ops.raise_recommendation(
            conference=self.conference, raised_by=self.cell_b, text="Phòng họp", **common
        )
        ops.raise_recommendation(
            conference=self.conference, raised_by=self.cell_a, text="Phòng họp mới", **common
        )
        # Without a conference there is nothing to be a duplicate within.
        for _ in range(2):
            ops.raise_recommendation(
                conference=None, raised_by=self.cell_a, text="Phòng họp", **common
            )
        self.assertEqual(Recommendation.objects.filter(text__startswith="Phòng họp").count(), 5)

    def test_the_database_refuses_a_duplicate_written_past_the_operation(self):
        twin = Recommendation(
            conference=self.conference,
            raised_by=self.cell_a,
            addressed_to=self.commune_a,
            category="facilities",
            text="PHÒNG HỌP",
            text_key=vntext.same_text_key("PHÒNG HỌP"),
            raised_on=D(2023, 5, 24),
        )
        with self.assertRaises(IntegrityError), transaction.atomic():
            twin.save()

    def test_conference_at_most_a_year_ahead(self):
        self.login(self.board)
        response = self.client.post(
            reverse("briefings:new"),
            {
                "host": self.district.pk,
                "title": "Hội nghị",
                "date": "31/12/2200",
                "period_start": "01/01/2023",
                "period_end": "30/06/2023",
            },
        )
        self.assertContains(response, "tối đa một năm", status_code=400)


class TextKeyMigrationTests(TransactionTestCase):
    """The migration that adds the key keeps recommendations already stored twice (they may
    have answers) and gives the later ones a key of their own, so the constraint holds."""

    before = [("briefings", "0002_assignment_closed_on_recommendation_answered_on")]
    after = [("briefings", "0003_recommendation_text_key")]

    def test_existing_duplicates_are_kept_and_keyed_apart(self):
        executor = MigrationExecutor(connection)
        executor.migrate(self.before)
        apps = executor.loader.project_state(self.before).apps
        Organization = apps.get_model("orgs", "Organization")
        Conference = apps.get_model("briefings", "Conference")
        Recommendation = apps.get_model("briefings", "Recommendation")
        host, cell = Organization.objects.create(), Organization.objects.create()
        conference = Conference.objects.create(
            host=host,
            title="HN",
            date=D(2023, 5, 24),
            period_start=D(2023, 1, 1),
            period_end=D(2023, 5, 23),
        )
        common = {
            "raised_by": cell,
            "addressed_to": host,
            "category": "policy",
            "raised_on": D(2023, 5, 24),
        }
        first = Recommendation.objects.create(conference=conference, text="Xin xe", **common)
        second = Recommendation.objects.create(conference=conference, text="xin  XE", **common)
        loose = Recommendation.objects.create(conference=None, text="Xin xe", **common)
        executor = MigrationExecutor(connection)
        executor.migrate(self.after)
        keys = dict(
            executor.loader.project_state(self.after)
            .apps.get_model("briefings", "Recommendation")
            .objects.values_list("pk", "text_key")
        )
        self.assertEqual(keys[first.pk], vntext.same_text_key("Xin xe"))
        self.assertEqual(keys[loose.pk], vntext.same_text_key("Xin xe"))
        self.assertNotIn(keys[second.pk], {keys[first.pk], ""})
