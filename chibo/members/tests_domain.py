"""Input rules of the person forms, on the page and in the API (issue 9): birth dates that
make a person 16 to 100 on the day of entry, years 1930–2200 in the other dates, CCCD
warnings listed with their codes for ``confirm_warnings``, and the same person entered twice."""

import datetime as dt
import json

from django.urls import reverse
from django.utils import timezone

from chibo.lib import vndates
from chibo.members import operations as ops
from chibo.members.models import Person
from chibo.test import ChiboTestCase

D = dt.date


def born(years: int, days: int = 0) -> str:
    """The birth date making someone exactly ``years`` old today, ``days`` later."""
    day = vndates.add_months(timezone.localdate(), -12 * years) + dt.timedelta(days=days)
    return day.strftime("%d/%m/%Y")


class PersonInputTests(ChiboTestCase):
    def page(self, **extra):
        data = {
            "ho": "Võ",
            "ten_dem": "Văn",
            "ten": "Tân",
            "gender": "M",
            "birth_date": "02/04/1998",
            "registered_by": self.cell_a.pk,
            **extra,
        }
        return self.client.post(reverse("members:new"), data)

    def api(self, **extra):
        payload = {
            "ho": "Võ",
            "ten_dem": "Văn",
            "ten": "Tân",
            "gender": "M",
            "birth_date": "1998-04-02",
            "registered_by": self.cell_a.pk,
            **extra,
        }
        return self.client.post(
            "/api/v1/people", json.dumps(payload), content_type="application/json"
        )

    def test_birth_date_makes_the_person_16_to_100_on_the_day_of_entry(self):
        self.login(self.secretary)
        for birth, ok in [
            ("01/01/0001", False),
            (born(16, days=1), False),  # 15 today
            (born(16), True),
            (born(101, days=1), True),  # 100 until tomorrow
            (born(101), False),
        ]:
            with self.subTest(birth=birth):
                response = self.page(birth_date=birth, ten=f"Tân{len(birth)}" if ok else "Tân")
                if ok:
                    self.assertEqual(response.status_code, 302, birth)
                    Person.objects.filter(ten__startswith="Tân").delete()
                else:
                    self.assertContains(response, "từ 16 đến 100 tuổi", status_code=400)
        self.assertFalse(Person.objects.filter(ten__startswith="Tân").exists())

    def test_birth_date_bounds_in_the_api_at_the_field(self):
        self.login(self.secretary)
        for value in ("0001-01-01", "9999-12-31", born(10), True, False):
            with self.subTest(value=value):
                response = self.api(birth_date=value)
                self.assertEqual(response.status_code, 400, response.content)
                self.assertEqual(list(response.json()["errors"]), ["birth_date"])
        self.assertFalse(Person.objects.filter(ten="Tân").exists())

    def test_an_unchanged_old_birth_date_is_not_judged_again_on_edit(self):
        person = ops.add_person(
            data=ops.PersonData(
                ho="Lê", ten_dem="Văn", ten="Cao", gender="M", birth_date=D(1920, 5, 1)
            ),
            registered_by=self.cell_a,
            by=None,
        )
        self.login(self.secretary)
        url = reverse("members:edit", args=[person.pk])
        data = {
            "ho": "Lê",
            "ten_dem": "Văn",
            "ten": "Cao",
            "gender": "M",
            "birth_date": "01/05/1920",
        }
        self.assertEqual(self.client.post(url, {**data, "phone": "0905"}).status_code, 302)
        self.assertContains(
            self.client.post(url, {**data, "birth_date": "02/05/1920"}),
            "16 đến 100",
            status_code=400,
        )

    def test_other_dates_keep_to_1930_2200(self):
        self.login(self.secretary)
        police = {"police_cell": self.cell_a.pk, "police_position": "officer"}
        for value in ("31/12/1929", "01/01/0001"):
            with self.subTest(value=value):
                response = self.page(police_since=value, **police)
                self.assertContains(response, "Năm phải từ 1930 đến 2200", status_code=400)
        self.assertEqual(self.page(police_since="01/03/2023", **police).status_code, 302)

    def test_cccd_warnings_listed_with_codes_for_confirmation(self):
        self.login(self.secretary)
        # Female digit and a 2005 birth year, for a man born 1998: two warnings.
        response = self.api(cccd="049305000001")
        self.assertEqual(response.status_code, 400)
        body = response.json()
        self.assertEqual([w["code"] for w in body["warnings"]], ["cccd_gender", "cccd_birth_year"])
        self.assertIn("giới tính Nữ", body["warnings"][0]["message"])
        self.assertIn("Có 2 cảnh báo cần xác nhận", body["errors"]["__all__"][0])
        self.assertNotIn("049305000001", response.content.decode())  # never quoted
        self.assertFalse(Person.objects.filter(ten="Tân").exists())
        confirmed = self.api(cccd="049305000001", confirm_warnings=True)
        self.assertEqual(confirmed.status_code, 201, confirmed.content)

    def test_cccd_warnings_shown_on_the_page(self):
        self.login(self.secretary)
        response = self.page(cccd="049305000001")
        self.assertContains(response, 'data-testid="form-warnings"', status_code=400)
        self.assertContains(response, "giới tính Nữ", status_code=400)
        self.assertContains(response, "khác năm sinh 1998", status_code=400)

    def test_a_form_error_answer_has_no_warnings_key(self):
        self.login(self.secretary)
        body = self.api(ten="").json()
        self.assertNotIn("warnings", body)

    def test_same_cccd_twice_is_refused(self):
        self.login(self.secretary)
        self.assertEqual(self.api(cccd="049098000123").status_code, 201)
        again = self.api(ten="Khác", cccd="049 098 000 123")
        self.assertEqual(again.status_code, 400)
        self.assertIn("đã có trong hệ thống", again.json()["errors"]["cccd"][0])
        self.assertEqual(Person.objects.filter(cccd="049098000123").count(), 1)

    def test_same_name_and_birth_date_twice_warns(self):
        self.login(self.secretary)
        self.assertEqual(self.api().status_code, 201)
        again = self.api()
        self.assertEqual(again.status_code, 400)
        self.assertEqual([w["code"] for w in again.json()["warnings"]], ["person_duplicate"])
        self.assertEqual(Person.objects.filter(ten="Tân").count(), 1)
        page = self.page()
        self.assertContains(page, "cùng họ tên và ngày sinh", status_code=400)
        # Namesakes born the same day exist: confirmed, the second one is written.
        self.assertEqual(self.api(confirm_warnings=True).status_code, 201)
        self.assertEqual(Person.objects.filter(ten="Tân").count(), 2)
        # Another birth date is another person.
        self.assertEqual(self.api(birth_date="1998-04-03").status_code, 201)

    def test_r_mem_01_admission_warning_has_its_code_in_the_api(self):
        young = ops.add_person(
            data=ops.PersonData(
                ho="Lê", ten_dem="Văn", ten="Trẻ", gender="M", birth_date=D(2005, 6, 1)
            ),
            registered_by=self.cell_a,
            by=None,
        )
        self.login(self.secretary)
        response = self.client.post(
            f"/api/v1/people/{young.pk}/admit",
            json.dumps(
                {
                    "cell": self.cell_a.pk,
                    "decision_date": "2022-08-10",
                    "ceremony_date": "2022-09-02",
                }
            ),
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual([w["code"] for w in response.json()["warnings"]], ["admission_age"])


class PartyJoinFieldTests(ChiboTestCase):
    """``party`` on memberships and police posts is a join for queries (issue 16), not a
    value of the row: clean() does not ask for it and fixtures do not carry it."""

    def test_an_officer_outside_the_party_cleans_and_serializes_without_it(self):
        from django.core import serializers

        from chibo.members.models import PoliceService

        person = ops.add_person(
            data=ops.PersonData(ho="Lý", ten_dem="Văn", ten="Tâm", gender="M"),
            registered_by=self.cell_a,
            by=None,
        )
        ops.set_police_service(
            person=person,
            on=dt.date(2023, 1, 1),
            cell=self.cell_a,
            position="officer",
            rank=None,
            by=None,
        )
        post = PoliceService.objects.get(person=person)
        post.full_clean()
        fields = json.loads(serializers.serialize("json", [post]))[0]["fields"]
        self.assertNotIn("party", fields)
        self.assertEqual(fields["person"], person.pk)
