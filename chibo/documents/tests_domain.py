"""Working regulations: a number already in force in the cell is issued again only as the
replacement of the regulation bearing it (issue 9; F-7), on the page and in the API."""

import datetime as dt
import json

from django.core.exceptions import ValidationError
from django.urls import reverse

from chibo.documents import operations
from chibo.documents.models import WorkingRegulation
from chibo.test import ChiboTestCase

D = dt.date
NEW = reverse("documents:regulation_new")


class SameNumberTests(ChiboTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.old = operations.add_regulation(
            cell=cls.cell_a,
            number="01-QC/CB",
            title="Quy chế 2021",
            issued_on=D(2021, 8, 2),
            by=None,
        )

    def post(self, **extra):
        data = {
            "cell": self.cell_a.pk,
            "number": "01 - qc/cb",  # the same number, typed differently
            "title": "Quy chế 2023",
            "issued_on": "05/01/2023",
            **extra,
        }
        return self.client.post(f"{NEW}?as_of=2023-01-05", data)

    def test_same_number_without_replaces_is_refused_at_the_field(self):
        self.login(self.secretary)
        response = self.post()
        self.assertContains(response, "đang có hiệu lực ở chi bộ", status_code=400)
        self.assertEqual(response.context["form"].errors["replaces"][0][:13], "Quy chế số 01")
        self.assertEqual(WorkingRegulation.objects.count(), 1)

    def test_same_number_replacing_it_ends_the_old_one_from_the_new_date(self):
        self.login(self.secretary)
        self.assertEqual(self.post(replaces=self.old.pk).status_code, 302)
        new = WorkingRegulation.objects.exclude(pk=self.old.pk).get()
        self.old.refresh_from_db()
        self.assertEqual(self.old.replaced_by, new)
        self.assertEqual(list(WorkingRegulation.objects.in_force_on(D(2023, 1, 4))), [self.old])
        self.assertEqual(list(WorkingRegulation.objects.in_force_on(D(2023, 1, 5))), [new])
        page = self.client.get(reverse("documents:regulations"), {"as_of": "2023-06-01"})
        self.assertContains(page, "Thay thế quy chế số 01-QC/CB (02/08/2021)")
        self.assertContains(page, "Đã thay thế từ 05/01/2023 bởi số 01 - qc/cb")

    def test_same_number_replacing_another_regulation_is_refused(self):
        other = operations.add_regulation(
            cell=self.cell_a, number="02-QC/CB", title="Khác", issued_on=D(2022, 1, 3), by=None
        )
        with self.assertRaisesMessage(ValidationError, "phải ghi là thay thế quy chế đó"):
            operations.add_regulation(
                cell=self.cell_a,
                number="01-QC/CB",
                title="Mới",
                issued_on=D(2023, 1, 5),
                replaces=other,
                by=None,
            )

    def test_same_number_once_replaced_or_in_another_cell_is_free(self):
        operations.add_regulation(
            cell=self.cell_b, number="01-QC/CB", title="Chi bộ B", issued_on=D(2022, 1, 3), by=None
        )
        newer = operations.add_regulation(
            cell=self.cell_a,
            number="03-QC/CB",
            title="Thay 01",
            issued_on=D(2022, 6, 1),
            replaces=self.old,
            by=None,
        )
        again = operations.add_regulation(
            cell=self.cell_a,
            number="01-QC/CB",
            title="Số cũ dùng lại",
            issued_on=D(2023, 1, 5),
            by=None,
        )
        in_force = set(
            WorkingRegulation.objects.in_force_on(D(2023, 1, 5)).filter(cell=self.cell_a)
        )
        self.assertEqual(in_force, {newer, again})

    def test_api_same_number_needs_replaces(self):
        self.login(self.secretary)
        payload = {
            "cell": self.cell_a.pk,
            "number": "01-QC/CB",
            "title": "Quy chế mới",
            "issued_on": "2023-01-05",
        }

        def post(body):
            return self.client.post(
                "/api/v1/regulations", json.dumps(body), content_type="application/json"
            )

        refused = post(payload)
        self.assertEqual(refused.status_code, 400)
        self.assertIn("đang có hiệu lực", refused.json()["errors"]["replaces"][0])
        created = post({**payload, "replaces": self.old.pk})
        self.assertEqual(created.status_code, 201, created.content)
        self.assertEqual(created.json()["replaces"], self.old.pk)
        listed = self.client.get("/api/v1/regulations", {"as_of": "2023-06-01"}).json()
        self.assertEqual(
            {r["id"]: (r["replaces"], r["replaced_by"], r["in_force"]) for r in listed},
            {
                self.old.pk: (None, created.json()["id"], False),
                created.json()["id"]: (self.old.pk, None, True),
            },
        )

    def test_issued_on_year_outside_1930_2200_refused(self):
        self.login(self.secretary)
        response = self.post(number="09-QC/CB", issued_on="01/01/0001")
        self.assertContains(response, "Năm phải từ 1930 đến 2200", status_code=400)
