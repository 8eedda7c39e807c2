"""``/api/v1/organizations``: scope, dates, filters, errors, authentication."""

import datetime as dt

from django.test import Client

from chibo.accounts.models import ApiToken
from chibo.orgs import operations
from chibo.orgs.models import Kind
from chibo.test import ChiboTestCase

LIST = "/api/v1/organizations"


class OrganizationApiTests(ChiboTestCase):
    def names(self, response) -> list[str]:
        self.assertEqual(response.status_code, 200, response.content)
        return [item["name"] for item in response.json()["items"]]

    def test_list_is_scoped(self):
        self.login(self.committee)
        self.assertEqual(
            self.names(self.client.get(LIST, {"as_of": "2023-05-24"})),
            ["Chi bộ Công an xã A", "Đảng ủy xã A"],
        )
        self.login(self.board)
        self.assertEqual(len(self.names(self.client.get(LIST))), 5)

    def test_role_matrix_for_one_organization(self):
        url = f"{LIST}/{self.cell_a.pk}"
        allowed = [self.admin, self.board, self.committee, self.secretary, self.viewer]
        self.assert_statuses("get", url, {**{u: 200 for u in allowed}, self.outsider: 404})
        self.assert_statuses("post", url, {u: 405 for u in [*allowed, self.outsider]})
        self.assert_statuses("delete", LIST, {self.admin: 405, self.viewer: 405})

    def test_405_answers_json_in_vietnamese(self):
        self.login(self.viewer)
        response = self.client.delete(LIST)  # POST creates an organization (admins)
        self.assertEqual(response.status_code, 405)
        self.assertIn("không được hỗ trợ", response.json()["detail"])
        self.assertIn("GET", response["Allow"])

    def test_detail_fields_as_of_a_date(self):
        operations.rename(org=self.cell_a, on=dt.date(2024, 1, 1), by=None, name="Chi bộ A Mới")
        self.login(self.board)
        old = self.client.get(f"{LIST}/{self.cell_a.pk}", {"as_of": "2023-05-24"}).json()
        self.assertEqual(old["name"], "Chi bộ Công an xã A")
        self.assertEqual(old["parent"], self.commune_a.pk)
        self.assertEqual(old["sector_superior"], self.police.pk)
        self.assertEqual(old["kind"], Kind.SUBORDINATE_CELL)
        self.assertEqual(old["valid_to"], "2024-01-01")
        self.assertTrue(old["exists"])
        new = self.client.get(f"{LIST}/{self.cell_a.pk}", {"as_of": "24/05/2024"}).json()
        self.assertEqual(new["name"], "Chi bộ A Mới")
        before = self.client.get(f"{LIST}/{self.cell_a.pk}", {"as_of": "2019-01-01"}).json()
        self.assertFalse(before["exists"])

    def test_filters(self):
        self.login(self.board)
        cells = self.names(self.client.get(LIST, {"kind": Kind.SUBORDINATE_CELL}))
        self.assertEqual(cells, ["Chi bộ Công an xã A", "Chi bộ Công an xã B"])
        under = self.names(self.client.get(LIST, {"parent": self.district.pk}))
        self.assertEqual(under, ["Đảng ủy xã A", "Đảng ủy xã B"])
        self.login(self.police_viewer)
        sector = self.names(self.client.get(LIST, {"sector_superior": self.police.pk}))
        self.assertEqual(sector, ["Chi bộ Công an xã A", "Chi bộ Công an xã B"])

    def test_pagination(self):
        self.login(self.board)
        page = self.client.get(LIST, {"limit": 2, "offset": 1}).json()
        self.assertEqual((page["count"], len(page["items"]), page["offset"]), (5, 2, 1))

    def test_bad_input_answers_400_in_vietnamese(self):
        self.login(self.board)
        cases = [
            ({"as_of": "2023-13-45"}, "không tồn tại"),
            ({"as_of": "24-5"}, "dd/mm/yyyy"),
            ({"kind": "xyz"}, "Loại hình"),
            ({"parent": "abc"}, "cấp trên"),
            ({"limit": "0"}, "limit"),
            ({"limit": "abc"}, "limit"),
        ]
        for query, fragment in cases:
            with self.subTest(query=query):
                response = self.client.get(LIST, query)
                self.assertEqual(response.status_code, 400)
                self.assertIn(fragment, response.json()["detail"])
        response = self.client.get(f"{LIST}/{self.cell_a.pk}", {"as_of": "2023-02-30"})
        self.assertEqual(response.status_code, 400)

    def test_unknown_and_out_of_scope_are_the_same_404(self):
        self.login(self.outsider)
        for pk in (self.cell_a.pk, 999999):
            response = self.client.get(f"{LIST}/{pk}")
            self.assertEqual(response.status_code, 404)
            self.assertIn("Không tìm thấy", response.json()["detail"])

    def test_unauthenticated_is_401(self):
        response = Client().get(LIST)
        self.assertEqual(response.status_code, 401)
        self.assertIn("Chưa đăng nhập", response.json()["detail"])

    def test_bearer_token(self):
        token, key = ApiToken.issue(user=self.committee, name="bảng tính")
        client = Client(headers={"Authorization": f"Bearer {key}"})
        names = self.names(client.get(LIST, {"as_of": "2023-05-24"}))
        self.assertEqual(names, ["Chi bộ Công an xã A", "Đảng ủy xã A"])
        token.refresh_from_db()
        self.assertIsNotNone(token.last_used_at)
        self.assertEqual(client.get(f"{LIST}/{self.cell_b.pk}").status_code, 404)
        bad = Client(headers={"Authorization": "Bearer chibo_wrong"})
        self.assertEqual(bad.get(LIST).status_code, 401)

    def test_revoked_token_is_refused(self):
        token, key = ApiToken.issue(user=self.board, name="cũ")
        token.revoked_at = token.created_at
        token.save()
        client = Client(headers={"Authorization": f"Bearer {key}"})
        self.assertEqual(client.get(LIST).status_code, 401)

    def test_openapi_schema(self):
        response = Client().get("/api/v1/openapi.json")
        self.assertEqual(response.status_code, 200)
        schema = response.json()
        self.assertTrue(schema["openapi"].startswith("3."))
        self.assertIn("/api/v1/organizations", schema["paths"])
        self.assertIn("/api/v1/organizations/{org_id}", schema["paths"])

    def test_docs_page(self):
        self.assert_statuses("get", "/api/", {self.viewer: 200, self.admin: 200})
        self.assert_statuses("post", "/api/", {self.viewer: 405})

    def test_query_count_does_not_grow(self):
        self.login(self.board)
        self.client.get(LIST)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        def count():
            with CaptureQueriesContext(connection) as ctx:
                self.client.get(LIST)
            return len(ctx)

        before = count()
        for i in range(15):
            operations.create(
                attrs=operations.Attrs(Kind.GRASSROOTS_COMMITTEE, f"X{i}", "", "ĐU", "X"),
                on=dt.date(2020, 1, 1),
                by=None,
                parent=self.district,
            )
        self.assertEqual(count(), before)
