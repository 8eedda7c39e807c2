"""The member's "đã học" acknowledgement (issue 15 item 4; F-9): the one write a member account
makes, on a study plan of a cell the member is in today — page (CSRF enforced) and API."""

import datetime as dt
import re

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chibo.audit.models import Entry
from chibo.me.tests import MemberTestCase
from chibo.register import operations as register
from chibo.register import progress
from chibo.register.models import Participation

D = dt.date


class StudyTests(MemberTestCase):
    """NQ 12-NQ/TW, received by the district, planned for study in cell A (An's) and cell B."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        nq12 = register.receive(
            organization=cls.district,
            doc_type="NQ",
            number="12-NQ/TW",
            issuer_name="Bộ Chính trị",
            title="tiếp tục đẩy mạnh xây dựng lực lượng Công an nhân dân",
            issued_on=D(2022, 3, 16),
            by=None,
        )
        today = timezone.localdate()
        cls.plans = {}
        for cell in (cls.cell_a, cls.cell_b):
            cls.plans[cell.pk] = register.plan(
                document=nq12,
                cell=cell,
                method="session",
                meeting=None,
                session_on=today - dt.timedelta(days=7),
                due_on=today + dt.timedelta(days=30),
                by=None,
            )

    def url(self, cell) -> str:
        return reverse("me:acknowledge", args=[self.plans[cell.pk].pk])

    def test_f_9_member_acknowledges_own_study_through_the_page_with_csrf(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.member)
        page = client.get(reverse("me:page"))
        self.assertContains(page, "12-NQ/TW")
        self.assertContains(page, "Chưa học")
        body = page.content.decode()
        self.assertIn(f'action="{self.url(self.cell_a)}"', body)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
        refused = client.post(self.url(self.cell_a), {})
        self.assertEqual(refused.status_code, 403)
        self.assertFalse(Participation.objects.filter(person=self.an).exists())
        response = client.post(self.url(self.cell_a), {"csrfmiddlewaretoken": token})
        self.assertRedirects(response, reverse("me:page"), fetch_redirect_response=False)
        mark = Participation.objects.get(person=self.an)
        self.assertEqual((mark.presence, mark.on), ("self", timezone.localdate()))
        self.assertTrue(
            Entry.objects.filter(
                actor_id=self.member.pk, object_type__icontains="participation"
            ).exists()
        )
        # It counts towards the cell's completion, and the page no longer offers the button.
        study = progress.studies_for(self.an, timezone.localdate())[0]
        self.assertTrue(study.done)
        again = client.get(reverse("me:page"))
        self.assertNotIn(f'action="{self.url(self.cell_a)}"', again.content.decode())
        self.assertContains(again, "Tự học, đã xác nhận")

    def test_a_plan_of_another_cell_is_404_and_nothing_is_written(self):
        self.login(self.member)
        self.assertEqual(self.client.post(self.url(self.cell_b)).status_code, 404)
        self.assertEqual(
            self.client.post(reverse("me:acknowledge", args=[999999])).status_code, 404
        )
        self.assertFalse(Participation.objects.exists())

    def test_only_a_member_acknowledges_others_get_404_and_get_is_405(self):
        url = self.url(self.cell_a)
        self.assert_statuses(
            "POST",
            url,
            {self.secretary: 404, self.viewer: 404, self.outsider: 404, self.superuser: 404},
        )
        self.assert_statuses("GET", url, {self.member: 405})
        self.assertFalse(Participation.objects.exists())

    def test_api_acknowledge(self):
        self.login(self.member)
        plan = self.plans[self.cell_a.pk]
        url = f"/api/v1/me/studies/{plan.pk}/acknowledge"
        response = self.client.post(url, content_type="application/json")
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["presence"], "self")
        self.assertEqual(response.json()["person"], self.an.pk)
        # Twice is the same record.
        self.assertEqual(self.client.post(url).json()["id"], response.json()["id"])
        other = f"/api/v1/me/studies/{self.plans[self.cell_b.pk].pk}/acknowledge"
        self.assertEqual(self.client.post(other).status_code, 404)
        self.assertIn("detail", self.client.post(other).json())
        self.assertEqual(self.client.get(url).status_code, 405)
        self.login(self.secretary)
        self.assertEqual(self.client.post(url).status_code, 404)
        self.assertEqual(Participation.objects.count(), 1)
