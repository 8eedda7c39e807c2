"""The demo reproduces the real structure (R-GEO-01..03, R-POL-01, R-ORG-11) through the pages
and the API, and loads only once."""

from django.test import TestCase

from chibo.accounts.models import User
from chibo.demo import structure, users
from chibo.orgs.models import Kind

LIST = "/api/v1/organizations"


class DemoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tree = structure.build()
        users.build(cls.tree)
        cls.board = User.objects.get(username="bantochuc")

    def api(self, user, **query):
        self.client.force_login(user)
        response = self.client.get(LIST, {"limit": 1000, **query})
        self.assertEqual(response.status_code, 200, response.content)
        return response.json()["items"]

    def test_r_geo_01_on_24_5_2023_eleven_communes_each_with_one_police_cell(self):
        district = self.tree.district.pk
        communes = self.api(
            self.board, as_of="2023-05-24", parent=district, kind="grassroots_committee"
        )
        self.assertEqual(len(communes), 11)
        names = {c["name"] for c in communes}
        self.assertIn("Đảng ủy xã Hiệp Hòa", names)
        self.assertIn("Đảng ủy thị trấn Tân Bình", names)
        for commune in communes:
            cells = self.api(self.board, as_of="2023-05-24", parent=commune["id"])
            self.assertEqual([c["kind"] for c in cells], [Kind.SUBORDINATE_CELL], commune["name"])
            self.assertTrue(cells[0]["is_police"])
            self.assertEqual(cells[0]["sector_superior"], self.tree.district_police.pk)
        police = self.api(self.board, as_of="2023-05-24", parent=district, kind="police_committee")
        self.assertEqual([p["name"] for p in police], ["Đảng ủy Công an huyện Hiệp Đức"])

    def test_r_geo_01_tree_page_on_24_5_2023(self):
        self.client.force_login(self.board)
        response = self.client.get("/orgs/", {"as_of": "24/05/2023"})
        html = response.content.decode()
        self.assertIn("Huyện ủy Hiệp Đức", html)
        for _unit, place in structure.COMMUNES:
            self.assertIn(f"Chi bộ Công an {_unit} {place}", html)
        self.assertNotIn("Quế Tân", html)
        self.assertEqual(html.count("· Chi bộ trực thuộc đảng ủy cơ sở ·"), 11)

    def test_r_geo_02_que_tan(self):
        cells = self.api(self.board, as_of="2025-01-15", kind="subordinate_cell")
        names = [c["name"] for c in cells]
        self.assertEqual(len(names), 10)
        self.assertIn("Chi bộ Công an xã Quế Tân", names)
        self.assertNotIn("Chi bộ Công an xã Hiệp Hòa", names)

    def test_r_geo_03_on_1_7_2025_three_communes_under_da_nang(self):
        communes = self.api(
            self.board, as_of="2025-07-01", parent=self.tree.city.pk, kind="grassroots_committee"
        )
        self.assertEqual(
            [c["name"] for c in communes],
            ["Đảng ủy xã Hiệp Đức", "Đảng ủy xã Phước Trà", "Đảng ủy xã Việt An"],
        )
        cells = self.api(self.board, as_of="2025-07-01", kind="grassroots_cell")
        self.assertEqual(len(cells), 3)
        for cell in cells:
            self.assertEqual(cell["sector_superior"], self.tree.city_police.pk)  # R-POL-08
        self.assertEqual(self.api(self.board, as_of="2025-07-01", kind="district"), [])
        district = self.client.get(f"{LIST}/{self.tree.district.pk}", {"as_of": "2025-07-01"})
        self.assertFalse(district.json()["exists"])

    def test_old_names_still_appear_when_viewing_2023(self):
        self.client.force_login(self.board)
        html_2023 = self.client.get("/orgs/", {"as_of": "2023-05-24"}).content.decode()
        html_2025 = self.client.get("/orgs/", {"as_of": "2025-07-01"}).content.decode()
        self.assertIn("Tỉnh ủy Quảng Nam", html_2023)
        self.assertIn("Đảng ủy xã Thăng Phước", html_2023)
        self.assertNotIn("Đảng ủy xã Thăng Phước", html_2025)
        self.assertIn("Đảng ủy xã Việt An", html_2025)
        self.assertNotIn("Đảng ủy xã Việt An", html_2023)

    def test_commune_committee_gets_404_for_another_commune(self):
        hiep_duc = User.objects.get(username="dangu.hiepduc")
        viet_an = self.tree.communes["Việt An (2025)"]
        self.client.force_login(hiep_duc)
        self.assertEqual(self.client.get(f"/orgs/{viet_an.pk}/").status_code, 404)
        self.assertEqual(self.client.get(f"{LIST}/{viet_an.pk}").status_code, 404)
        own = self.tree.communes["Hiệp Đức (2025)"]
        self.assertEqual(self.client.get(f"/orgs/{own.pk}/").status_code, 200)
        # …and reads the 2023 history of the cells it inherited, but not Việt An's.
        cells_2023 = [
            c["name"] for c in self.api(hiep_duc, as_of="2023-05-24", kind="subordinate_cell")
        ]
        self.assertEqual(
            cells_2023,
            [
                "Chi bộ Công an thị trấn Tân Bình",
                "Chi bộ Công an xã Hiệp Hòa",
                "Chi bộ Công an xã Hiệp Thuận",
                "Chi bộ Công an xã Quế Lưu",
            ],
        )

    def test_viewer_is_read_only(self):
        viewer = User.objects.get(username="thanhtra")
        self.client.force_login(viewer)
        cell = self.tree.cells["Hiệp Đức (2025)"]
        self.assertEqual(self.client.get(f"/orgs/{cell.pk}/").status_code, 200)
        self.assertEqual(self.client.post(f"/orgs/{cell.pk}/rename/").status_code, 403)
        self.assertEqual(self.client.post("/orgs/merge/").status_code, 403)

    def test_history_of_a_new_commune(self):
        self.client.force_login(self.board)
        new = self.tree.communes["Việt An (2025)"]
        response = self.client.get(f"/orgs/{new.pk}/", {"as_of": "2025-07-01"})
        self.assertEqual(response.content.decode().count("Tiền thân: <a"), 4)
        for name in ("Thăng Phước", "Bình Sơn", "Quế Thọ", "Bình Lâm"):
            self.assertContains(response, f"Đảng ủy xã {name}")
