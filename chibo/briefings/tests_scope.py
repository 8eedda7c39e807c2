"""Scope in time (issue 10): an invited cell reads its own report, recommendations and
tasks of a conference, and the issued papers — not other cells' items."""

import datetime as dt

from django.urls import reverse

from chibo.briefings import operations as briefings
from chibo.members import operations as ops
from chibo.test import ChiboTestCase

D = dt.date


class InvitedCellReadsItsOwnItemsTests(ChiboTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        chair = ops.add_person(
            data=ops.PersonData(ho="Hồ", ten_dem="Thị", ten="Chủ", gender="F"),
            registered_by=cls.district,
            by=None,
        )
        cls.conference = briefings.create_conference(
            host=cls.district,
            title="các chi bộ Công an xã",
            date=D(2023, 5, 24),
            period_start=D(2023, 1, 1),
            period_end=D(2023, 5, 23),
            invited=[cls.cell_a, cls.cell_b],
            chair=chair,
            by=None,
        )
        for cell, commune, text in (
            (cls.cell_a, cls.commune_a, "Kiến nghị của chi bộ A"),
            (cls.cell_b, cls.commune_b, "Kiến nghị của chi bộ B"),
        ):
            briefings.raise_recommendation(
                conference=cls.conference,
                raised_by=cell,
                addressed_to=commune,
                category="facilities",
                text=text,
                raised_on=D(2023, 5, 24),
                due_on=None,
                by=None,
            )
        briefings.add_conclusion(
            conference=cls.conference,
            text="Nhiệm vụ riêng của chi bộ B",
            group="Chi bộ B",
            assignees=[cls.cell_b],
            due_on=D(2023, 12, 31),
            by=None,
        )
        briefings.add_conclusion(
            conference=cls.conference,
            text="Nhiệm vụ riêng của chi bộ A",
            group="Chi bộ A",
            assignees=[cls.cell_a],
            due_on=D(2023, 12, 31),
            by=None,
        )
        cls.cell_b_task = cls.conference.conclusions.get(text__contains="chi bộ B")
        cls.cell_b_task = cls.cell_b_task.assignments.get()

    def test_page_shows_the_cell_its_own_items_only(self):
        self.login(self.secretary)
        response = self.client.get(reverse("briefings:detail", args=[self.conference.pk]))
        self.assertContains(response, "Kiến nghị của chi bộ A")
        self.assertContains(response, "Nhiệm vụ riêng của chi bộ A")
        self.assertNotContains(response, "Kiến nghị của chi bộ B")
        self.assertNotContains(response, "Nhiệm vụ riêng của chi bộ B")
        self.assertNotContains(response, "Chi bộ Công an xã B")

    def test_the_host_reads_everything(self):
        self.login(self.board)
        response = self.client.get(reverse("briefings:detail", args=[self.conference.pk]))
        self.assertContains(response, "Kiến nghị của chi bộ B")
        self.assertContains(response, "Nhiệm vụ riêng của chi bộ B")

    def test_api_conference_gives_the_cell_its_own_items_only(self):
        self.login(self.secretary)
        body = self.client.get(f"/api/v1/conferences/{self.conference.pk}").json()
        self.assertEqual([r["text"] for r in body["recommendations"]], ["Kiến nghị của chi bộ A"])
        self.assertEqual([t["text"] for t in body["tasks"]], ["Nhiệm vụ riêng của chi bộ A"])
        self.assertEqual(body["invited"], 1)

    def test_another_cells_task_is_404(self):
        self.login(self.secretary)
        response = self.client.get(reverse("briefings:progress", args=[self.cell_b_task.pk]))
        self.assertEqual(response.status_code, 404)
