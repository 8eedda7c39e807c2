"""API parity for the reorganization pages (issue 9): create, rename, move, split, merge and
dissolve through ``/api/v1``, with the pages' forms and operations, for admins only."""

import datetime as dt
import json

from chibo.orgs.models import Kind, OrgLink, Relation
from chibo.test import ChiboTestCase

D = dt.date


class ReorganizeApiTests(ChiboTestCase):
    def send(self, method, url, payload=None):
        if method == "get":
            return self.client.get(url)
        return getattr(self.client, method)(
            url, json.dumps(payload or {}), content_type="application/json"
        )

    def matrix(self, url, payload, *, wrong="get"):
        """403 for the viewer and the board (they do not manage the structure), 404 outside
        the scope (cell A's secretary does not see xã B), 405 for a wrong method; then the
        admin's answer."""
        for user, status in ((self.viewer, 403), (self.board, 403), (self.secretary, 404)):
            with self.subTest(user=user.username, url=url):
                self.login(user)
                self.assertEqual(self.send("post", url, payload).status_code, status)
        self.login(self.admin)
        self.assertEqual(self.send(wrong, url, payload).status_code, 405)
        return self.send("post", url, payload)

    def test_create(self):
        payload = {
            "on": "2024-01-01",
            "parent": self.commune_a.pk,
            "kind": Kind.SUBORDINATE_CELL,
            "name": "Chi bộ Trường học xã A",
            "issuer_code": "CB",
            "place_name": "A",
        }
        url = "/api/v1/organizations?as_of=2024-01-01"
        for user in (self.viewer, self.board):
            self.login(user)
            self.assertEqual(self.send("post", url, payload).status_code, 403)
        self.login(self.admin)
        self.assertEqual(self.send("put", url, payload).status_code, 405)
        self.assertIn("on", self.send("post", url, {**payload, "on": True}).json()["errors"])
        made = self.send("post", url, payload)
        self.assertEqual(made.status_code, 201, made.content)
        self.assertEqual(
            (made.json()["name"], made.json()["parent"]), (payload["name"], self.commune_a.pk)
        )

    def test_rename_and_move(self):
        base = f"/api/v1/organizations/{self.cell_b.pk}"
        renamed = self.matrix(
            f"{base}/rename",
            {
                "on": "2024-01-01",
                "kind": Kind.SUBORDINATE_CELL,
                "name": "Chi bộ Công an xã B mới",
                "issuer_code": "CB",
                "place_name": "B",
            },
        )
        self.assertEqual(renamed.status_code, 200, renamed.content)
        self.assertEqual(renamed.json()["name"], "Chi bộ Công an xã B mới")
        moved = self.send(
            "post",
            f"{base}/move",
            {"on": "2024-02-01", "relation": Relation.TERRITORIAL, "parent": self.commune_a.pk},
        )
        self.assertEqual(moved.status_code, 200, moved.content)
        self.assertEqual(moved.json()["parent"], self.commune_a.pk)

    def test_split_then_merge_then_dissolve(self):
        split = self.matrix(
            f"/api/v1/organizations/{self.commune_b.pk}/split",
            {
                "on": "2024-01-01",
                "parts": "Đảng ủy xã B1\nĐảng ủy xã B2",
                "confirm": True,
                "children": {str(self.cell_b.pk): 2},
            },
        )
        self.assertEqual(split.status_code, 200, split.content)
        b1, b2 = (part["id"] for part in split.json())
        self.assertEqual(
            OrgLink.objects.on(D(2024, 1, 1))
            .get(child=self.cell_b, relation="territorial")
            .parent_id,
            b2,
        )
        self.login(self.admin)
        merged = self.send(
            "post",
            "/api/v1/mergers?as_of=2024-03-01",
            {"on": "2024-03-01", "sources": [b1, b2], "into": self.commune_a.pk, "confirm": True},
        )
        self.assertEqual(merged.status_code, 201, merged.content)
        self.assertEqual(merged.json()["id"], self.commune_a.pk)
        self.assertEqual(self.send("get", "/api/v1/mergers").status_code, 405)
        gone = self.send(
            "post",
            f"/api/v1/organizations/{self.cell_b.pk}/dissolve?as_of=2024-03-01",
            {"on": "2024-04-01", "confirm": True},
        )
        self.assertEqual(gone.status_code, 200, gone.content)
        self.assertEqual((gone.json()["exists"], gone.json()["valid_to"]), (False, "2024-04-01"))
