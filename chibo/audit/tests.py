"""Audit history (design §2, issue 10): who changed what, when, through what; append-only;
exports and downloads recorded; each object's history shown to those who may see it."""

import ast
import datetime as dt
import json
from pathlib import Path

from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chibo import audit
from chibo.accounts.models import ApiToken, Grant
from chibo.audit import tracking
from chibo.audit.database import PURGING
from chibo.audit.models import AppendOnly, Entry, Link
from chibo.briefings import operations as briefings_ops
from chibo.documents import operations as documents_ops
from chibo.meetings import operations as meetings_ops
from chibo.meetings.models import Presence
from chibo.members import operations as ops
from chibo.members.models import Person
from chibo.test import SETTLED, ChiboTestCase, add_member

D = dt.date


def history_url(kind: str, pk: int) -> str:
    return reverse("audit:history", args=[kind, pk])


class AuditTestCase(ChiboTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.member = add_member(cls.cell_a, "Nguyễn Văn An")
        cls.other = add_member(cls.cell_b, "Lê Văn Bê")

    def entries(self, object_type: str, **filters):
        return Entry.objects.filter(object_type=object_type, **filters).order_by("id")


class RecordingTests(AuditTestCase):
    def test_page_edit_records_actor_interface_and_each_field(self):
        """A secretary renames a person on the page: who, through the page, ten An → Ân."""
        self.login(self.secretary)
        url = reverse("members:edit", args=[self.member.pk])
        data = {"ho": "Nguyễn", "ten_dem": "Văn", "ten": "Ân", "gender": "M"}
        data |= {"birth_date": "01/01/1990", "ethnicity": "Kinh", "home_town": "Quảng Nam"}
        self.assertEqual(self.client.post(url, data).status_code, 302)
        entry = self.entries("members.person", object_id=self.member.pk, action="update").get()
        self.assertEqual((entry.actor_id, entry.actor_name), (self.secretary.pk, "secretary"))
        self.assertEqual(entry.interface, "page")
        self.assertEqual(entry.operation, "members.update_person")
        self.assertEqual(entry.operation_label, "Sửa thông tin người")
        self.assertEqual(entry.changes["ten"], ["An", "Ân"])
        self.assertEqual(entry.changes["home_town"], ["", "Quảng Nam"])
        self.assertNotIn("ho", entry.changes)  # unchanged fields are not listed
        self.assertNotIn("search_key", entry.changes)  # derived, never stored
        links = set(entry.links.values_list("kind", "object_id"))
        self.assertEqual(links, {("person", self.member.pk)})

    def test_refused_page_edit_records_nothing(self):
        self.login(self.secretary)
        before = Entry.objects.count()
        url = reverse("members:edit", args=[self.member.pk])
        response = self.client.post(url, {"ten": "Hai từ", "gender": "M"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(Entry.objects.count(), before)

    def test_api_write_with_a_token_records_actor_and_interface(self):
        """R-MEM-06 through the API with a bearer token: the official date None → 02/09/2023."""
        person = ops.add_person(
            data=ops.PersonData(ho="Lê", ten_dem="Văn", ten="Mới", gender="M"),
            registered_by=self.cell_a,
            by=None,
        )
        ops.admit(
            person=person,
            cell=self.cell_a,
            decision_date=D(2022, 8, 10),
            ceremony_date=D(2022, 9, 2),
            by=None,
        )
        _token, key = ApiToken.issue(user=self.secretary, name="thử")
        self.client.logout()
        response = self.client.post(
            f"/api/v1/people/{person.pk}/recognize",
            json.dumps({"decided_on": "2023-09-10"}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {key}",
        )
        self.assertEqual(response.status_code, 200, response.content)
        record = Person.objects.get(pk=person.pk).party
        entry = self.entries("members.partyrecord", object_id=record.pk, action="update").get()
        self.assertEqual((entry.actor_id, entry.interface), (self.secretary.pk, "api"))
        self.assertEqual(entry.operation, "members.recognize")
        self.assertEqual(entry.changes["official_date"], [None, "2023-09-02"])
        self.assertEqual(entry.changes["recognition_decided_on"], [None, "2023-09-10"])
        self.assertIn(("person", person.pk), set(entry.links.values_list("kind", "object_id")))

    def test_admin_edit_records_interface_admin(self):
        grant = Grant.objects.get(user=self.viewer)
        self.login(self.superuser)
        url = reverse("admin:accounts_grant_change", args=[grant.pk])
        data = {
            "user": self.viewer.pk,
            "role": "viewer",
            "organization": self.district.pk,
            "valid_from": "01/01/2020",
            "valid_to": "01/01/2030",
            "note": "",
        }
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302, response.content[:2000])
        entry = self.entries("accounts.grant", object_id=grant.pk, action="update").get()
        self.assertEqual((entry.interface, entry.actor_id), ("admin", self.superuser.pk))
        self.assertEqual(entry.changes, {"valid_to": [None, "2030-01-01"]})
        self.assertEqual(
            set(entry.links.values_list("kind", "object_id")),
            {("user", self.viewer.pk), ("organization", self.district.pk)},
        )

    def test_operation_groups_its_rows_and_takes_by_as_actor(self):
        person = ops.add_person(
            data=ops.PersonData(ho="Lê", ten_dem="Thị", ten="Hoa", gender="F"),
            registered_by=self.cell_a,
            by=None,
        )
        ops.admit(
            person=person,
            cell=self.cell_a,
            decision_date=D(2022, 8, 10),
            ceremony_date=D(2022, 9, 2),
            by=self.committee,
        )
        rows = list(Entry.objects.filter(operation="members.admit"))
        self.assertEqual(
            {r.object_type for r in rows}, {"members.partyrecord", "members.membership"}
        )
        self.assertEqual(len({r.group for r in rows}), 1)
        self.assertEqual({(r.actor_id, r.interface) for r in rows}, {(self.committee.pk, "system")})
        membership = next(r for r in rows if r.object_type == "members.membership")
        self.assertEqual(
            set(membership.links.values_list("kind", "object_id")),
            {("person", person.pk), ("organization", self.cell_a.pk)},
        )

    def test_nested_operation_keeps_the_outer_label(self):
        ops.register_person(
            data=ops.PersonData(ho="Võ", ten_dem="Văn", ten="Ba", gender="M"),
            registered_by=self.cell_a,
            police=ops.Police(cell=self.cell_a, position="officer", rank=7, since=D(2023, 1, 1)),
            by=None,
        )
        labels = set(
            Entry.objects.filter(object_type__in=["members.person", "members.policeservice"])
            .order_by("-id")[:2]
            .values_list("operation", flat=True)
        )
        self.assertEqual(labels, {"members.register_person"})

    def test_command_and_import_contexts(self):
        with audit.as_command():
            ops.update_person(
                person=self.member,
                data=ops.PersonData(ho="Nguyễn", ten_dem="Văn", ten="Bình", gender="M"),
                by=None,
            )
        entry = self.entries("members.person", action="update").last()
        self.assertEqual((entry.interface, entry.actor_id), ("command", None))
        self.assertTrue(entry.actor_name.startswith("lệnh quản trị"))
        with audit.acting(interface=audit.IMPORT, actor=self.secretary):
            ops.update_person(
                person=self.member,
                data=ops.PersonData(ho="Nguyễn", ten_dem="Văn", ten="Cường", gender="M"),
                by=None,
            )
        entry = self.entries("members.person", action="update").last()
        self.assertEqual((entry.interface, entry.actor_id), ("import", self.secretary.pk))
        self.assertEqual(entry.changes["ten"], ["Bình", "Cường"])

    def test_deletion_records_the_values_before(self):
        exemption = ops.exempt(person=self.member, on=D(2023, 1, 1), reason="Ốm", by=None)
        pk = exemption.pk
        exemption.delete()
        entry = self.entries("members.exemption", object_id=pk, action="delete").get()
        self.assertEqual(entry.changes["reason"], ["Ốm", None])
        self.assertIn(("person", self.member.pk), set(entry.links.values_list("kind", "object_id")))

    def test_bulk_created_rows_are_recorded(self):
        """take_attendance writes with bulk_create, which sends no signal (R-MTG-*)."""
        meeting = meetings_ops.plan(
            cell=self.cell_a, kind="regular", planned_date=D(2023, 5, 5), by=None
        )
        meetings_ops.take_attendance(
            meeting=meeting, marks={self.member.pk: (Presence.PRESENT, "")}, by=self.secretary
        )
        entry = self.entries("meetings.attendance", action="create").get()
        self.assertEqual(entry.changes["status"], [None, "present"])
        self.assertEqual(entry.operation, "meetings.take_attendance")
        self.assertEqual(
            set(entry.links.values_list("kind", "object_id")),
            {("meeting", meeting.pk), ("person", self.member.pk)},
        )

    def test_queryset_update_through_audit_updated(self):
        count = audit.updated(Person.objects.filter(pk=self.member.pk), home_town="Huế")
        self.assertEqual(count, 1)
        entry = self.entries("members.person", action="update").get()
        self.assertEqual(entry.changes, {"home_town": ["", "Huế"]})

    def test_many_to_many_change_is_a_field_change(self):
        conference = briefings_ops.create_conference(
            host=self.district,
            title="Trực báo",
            date=D(2023, 5, 24),
            period_start=D(2023, 1, 1),
            period_end=D(2023, 5, 23),
            invited=[self.cell_a],
            by=None,
        )
        conference.invited.add(self.cell_b)
        entry = self.entries("briefings.conference", action="update").last()
        self.assertEqual(
            entry.changes, {"invited": [[self.cell_a.pk], sorted([self.cell_a.pk, self.cell_b.pk])]}
        )
        self.assertIn(
            ("organization", self.cell_b.pk), set(entry.links.values_list("kind", "object_id"))
        )

    def test_secrets_are_never_stored(self):
        self.viewer.set_password("mat-khau-moi-rat-dai")
        self.viewer.save()
        token, _key = ApiToken.issue(user=self.viewer, name="máy")
        stored = json.dumps(list(Entry.objects.values_list("changes", flat=True)))
        self.assertNotIn("pbkdf2", stored)
        self.assertNotIn(token.digest, stored)
        self.assertFalse(
            self.entries("accounts.user", object_id=self.viewer.pk, action="update").exists()
        )
        self.client.force_login(self.viewer)  # a login touches last_login only
        self.assertFalse(
            self.entries("accounts.user", object_id=self.viewer.pk, action="update").exists()
        )

    def test_every_domain_model_is_recorded_or_exempt(self):
        """A model added to a domain app must be listed in tracking.TRACKED (or NOT_TRACKED
        with a reason), so no change escapes the history unnoticed."""
        for app in tracking.DOMAIN_APPS:
            for model in apps.get_app_config(app).get_models():
                label = model._meta.label
                with self.subTest(model=label):
                    self.assertTrue(label in tracking.TRACKED or label in tracking.NOT_TRACKED)

    def test_no_unrecorded_bulk_writes_in_the_code(self):
        """``bulk_create``/``bulk_update``/``QuerySet.update`` send no signals: every call in
        the application code is wrapped in ``audit.created`` or replaced by
        ``audit.updated``, except on models that are not history (token use)."""
        root = Path(__file__).resolve().parent.parent
        # A token's last use is bookkeeping, not history (its field is excluded anyway).
        bookkeeping = {"last_used_at"}
        found = []
        for path in sorted(root.rglob("*.py")):
            rel = path.relative_to(root).as_posix()
            name = path.name
            if (
                name.startswith("tests")
                or "/migrations/" in rel
                or rel.startswith(("bench/", "audit/"))
                # One-time request keys (API and page forms) are replay bookkeeping.
                or rel == "api/once.py"
                # An import's staging rows are not history (NOT_TRACKED, issue 13).
                or rel == "imports/staging.py"
            ):
                continue
            tree = ast.parse(path.read_text())
            wrapped = {
                id(arg)
                for node in ast.walk(tree)
                if isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "created"
                for arg in node.args
            }
            for node in ast.walk(tree):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                    continue
                attr = node.func.attr
                if attr in {"bulk_create", "bulk_update"} and id(node) not in wrapped:
                    found.append(f"{rel}:{node.lineno} {attr}")
                # QuerySet.update takes keywords only; dict.update/set.update take a positional.
                keywords = {k.arg for k in node.keywords}
                if attr == "update" and keywords and not node.args and keywords - bookkeeping:
                    found.append(f"{rel}:{node.lineno} update")
        self.assertEqual(found, [])


class AppendOnlyTests(AuditTestCase):
    def setUp(self):
        self.entry = Entry.objects.filter(object_type="members.person").first()

    def test_model_and_queryset_refuse_change_and_removal(self):
        self.entry.actor_name = "ai đó"
        with self.assertRaises(AppendOnly):
            self.entry.save()
        with self.assertRaises(AppendOnly):
            self.entry.delete()
        with self.assertRaises(AppendOnly):
            Entry.objects.filter(pk=self.entry.pk).update(actor_name="x")
        with self.assertRaises(AppendOnly):
            Entry.objects.all().delete()
        with self.assertRaises(AppendOnly):
            Link.objects.all().delete()
        self.assertEqual(Entry.objects.get(pk=self.entry.pk).actor_name, "")

    def test_database_refuses_update_and_delete(self):
        for sql in (
            "UPDATE audit_entry SET actor_name = 'x'",
            "DELETE FROM audit_entry",
            "UPDATE audit_link SET object_id = 0",
            "DELETE FROM audit_link",
        ):
            with (
                self.subTest(sql=sql),
                self.assertRaises(IntegrityError),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(sql)
        self.assertTrue(Entry.objects.filter(pk=self.entry.pk, actor_name="").exists())

    def test_flush_may_empty_the_tables_on_sqlite(self):
        if connection.vendor != "sqlite":
            self.skipTest("PostgreSQL's flush truncates, which row triggers do not see")
        token = PURGING.set(True)
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("DELETE FROM audit_link")
                cursor.execute("DELETE FROM audit_entry")
                self.assertFalse(Entry.objects.exists())
                transaction.set_rollback(True)
        finally:
            PURGING.reset(token)
        self.assertTrue(Entry.objects.exists())

    def test_admin_is_read_only(self):
        self.login(self.superuser)
        change = reverse("admin:audit_entry_change", args=[self.entry.pk])
        self.assertEqual(self.client.get(reverse("admin:audit_entry_changelist")).status_code, 200)
        self.assertEqual(self.client.get(change).status_code, 200)  # view only
        self.assertEqual(self.client.post(change, {"actor_name": "x"}).status_code, 403)
        delete = reverse("admin:audit_entry_delete", args=[self.entry.pk])
        self.assertEqual(self.client.post(delete, {"post": "yes"}).status_code, 403)
        self.assertEqual(self.client.get(reverse("admin:audit_entry_add")).status_code, 403)
        self.assertTrue(Entry.objects.filter(pk=self.entry.pk, actor_name="").exists())
        self.login(self.board)  # not staff
        self.assertEqual(self.client.get(change).status_code, 302)


class AccessRecordTests(AuditTestCase):
    def test_member_export_is_recorded(self):
        self.login(self.board)
        response = self.client.get(reverse("members:export"), {"as_of": "24/05/2023", "q": "an"})
        self.assertEqual(response.status_code, 200)
        entry = Entry.objects.get(action="access", object_type="members.export")
        self.assertEqual((entry.actor_id, entry.interface), (self.board.pk, "page"))
        self.assertIn("24/05/2023", entry.note)
        self.assertIn("q=an", entry.changes["query"])

    def test_cccd_shown_is_recorded_only_when_shown(self):
        Person.objects.filter(pk=self.member.pk).update(cccd="049090000123")  # test set-up
        detail = reverse("members:detail", args=[self.member.pk])
        self.login(self.viewer)  # no CCCD for a read-only role
        self.assertNotContains(self.client.get(detail), "049090000123")
        self.assertFalse(Entry.objects.filter(action="access").exists())
        self.login(self.secretary)
        self.assertContains(self.client.get(detail), "049090000123")
        self.client.get(f"/api/v1/people/{self.member.pk}")
        rows = list(Entry.objects.filter(action="access", object_id=self.member.pk).order_by("id"))
        self.assertEqual(
            [(r.interface, r.actor_id) for r in rows],
            [("page", self.secretary.pk), ("api", self.secretary.pk)],
        )
        self.assertTrue(all(r.links.filter(kind="person", object_id=self.member.pk) for r in rows))
        self.assertNotIn("049090000123", json.dumps([r.changes for r in rows]) + rows[0].note)

    def test_paper_draft_download_is_recorded(self):
        conference = briefings_ops.create_conference(
            host=self.district,
            title="Trực báo",
            date=D(2023, 5, 24),
            period_start=D(2023, 1, 1),
            period_end=D(2023, 5, 23),
            invited=[self.cell_a],
            by=None,
        )
        self.login(self.board)
        response = self.client.get(reverse("briefings:draft", args=[conference.pk, "BC"]))
        self.assertEqual(response.status_code, 200)
        entry = Entry.objects.get(action="access", object_type="briefings.conference")
        self.assertEqual(entry.actor_id, self.board.pk)
        self.assertIn(".docx", entry.note)
        paper = briefings_ops.issue_paper(conference=conference, kind="BC", by=self.board)
        issued = self.entries("briefings.issuedpaper", action="create").get()
        self.assertEqual(issued.operation, "briefings.issue_paper")
        self.assertRegex(issued.changes["content"][1], r"^\d+ byte, sha256 [0-9a-f]{16}$")
        self.login(self.secretary)  # the invited cell reads the issued paper
        response = self.client.get(reverse("briefings:paper", args=[paper.pk]))
        self.assertEqual(response.status_code, 200)
        entry = Entry.objects.get(action="access", object_type="briefings.issuedpaper")
        self.assertEqual((entry.actor_id, entry.object_id), (self.secretary.pk, paper.pk))
        self.assertIn(paper.number.code, entry.note)
        links = set(entry.links.values_list("kind", "object_id"))
        self.assertEqual(links, {("conference", conference.pk)})


class HistoryTestCase(AuditTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        ops.update_person(
            person=cls.member,
            data=ops.PersonData(
                ho="Nguyễn", ten_dem="Văn", ten="An", gender="M", cccd="049090000123"
            ),
            by=cls.secretary,
        )
        cls.meeting = meetings_ops.plan(
            cell=cls.cell_a, kind="regular", planned_date=D(2023, 5, 5), by=None
        )
        cls.conference = briefings_ops.create_conference(
            host=cls.district,
            title="Trực báo",
            date=D(2023, 5, 24),
            period_start=D(2023, 1, 1),
            period_end=D(2023, 5, 23),
            invited=[cls.cell_a],
            by=None,
        )
        cls.regulation = documents_ops.add_regulation(
            cell=cls.cell_a, number="01-QC/CB", title="Quy chế", issued_on=D(2021, 1, 1), by=None
        )


class HistoryMatrixTests(HistoryTestCase):
    def test_role_matrix_of_the_history_section(self):
        readers = [self.admin, self.board, self.committee, self.secretary, self.viewer]
        for kind, pk in (
            ("person", self.member.pk),
            ("organization", self.cell_a.pk),
            ("meeting", self.meeting.pk),
            ("conference", self.conference.pk),
            ("regulation", self.regulation.pk),
        ):
            url = history_url(kind, pk)
            self.assert_statuses("get", url, {u: 200 for u in readers})
            self.assert_statuses("get", url, {self.outsider: 404})
            self.assert_statuses("post", url, {self.board: 405, self.viewer: 405})
        self.assert_statuses("get", history_url("person", 999999), {self.admin: 404})
        self.assert_statuses("get", history_url("thing", 1), {self.admin: 404})
        own = history_url("user", self.viewer.pk)
        self.assert_statuses("get", own, {self.viewer: 200, self.superuser: 200, self.board: 404})

    def test_section_is_on_the_object_pages(self):
        self.login(self.viewer)
        for page, kind, pk in (
            (reverse("members:detail", args=[self.member.pk]), "person", self.member.pk),
            (reverse("orgs:detail", args=[self.cell_a.pk]), "organization", self.cell_a.pk),
            (reverse("meetings:detail", args=[self.meeting.pk]), "meeting", self.meeting.pk),
            (
                reverse("briefings:detail", args=[self.conference.pk]),
                "conference",
                self.conference.pk,
            ),
            (
                reverse("documents:regulations") + "?as_of=2023-05-24",
                "regulation",
                self.regulation.pk,
            ),
        ):
            with self.subTest(kind=kind):
                self.assertContains(self.client.get(page), history_url(kind, pk))

    def test_fragment_shows_changes_and_masks_cccd_for_readers(self):
        url = history_url("person", self.member.pk)
        self.login(self.secretary)
        shown = self.client.get(url, headers={"HX-Request": "true"})
        self.assertNotContains(shown, "<html")  # the fragment only
        self.assertContains(shown, "Sửa thông tin người")
        self.assertContains(shown, "<strong>số CCCD</strong>: — → 049090000123", html=False)
        self.login(self.viewer)
        masked = self.client.get(url)
        self.assertContains(masked, "Lịch sử thay đổi")
        self.assertContains(masked, "<strong>số CCCD</strong>: (ẩn) → (ẩn)", html=False)
        self.assertNotContains(masked, "049090000123")

    def test_fragment_query_count_does_not_grow_with_entries(self):
        url = history_url("person", self.member.pk)
        self.login(self.board)
        counts = []
        for extra in (0, 12):
            for n in range(extra):
                ops.update_person(
                    person=self.member,
                    data=ops.PersonData(ho="Nguyễn", ten_dem="Văn", ten=f"A{n}", gender="M"),
                    by=self.board,
                )
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get(url, headers={"HX-Request": "true"})
            self.assertEqual(response.status_code, 200)
            counts.append(len(queries))
        self.assertEqual(counts[0], counts[1])
        # session, user; the person, their three kinds of ties and the lifetimes of the
        # organizations tied (read once), the grants, the data's generation and the scope
        # (may see; kept once committed); the current cell and its lifetime (may edit: the
        # CCCD mask); one page of entries — nothing per entry.
        with self.assertNumQueries(13 + SETTLED):
            self.client.get(url, headers={"HX-Request": "true"})

    def test_fragment_pages(self):
        for n in range(25):
            ops.update_person(
                person=self.member,
                data=ops.PersonData(ho="Nguyễn", ten_dem="Văn", ten=f"T{n}", gender="M"),
                by=self.secretary,
            )
        self.login(self.board)
        url = history_url("person", self.member.pk)
        first = self.client.get(url, headers={"HX-Request": "true"})
        self.assertContains(first, "Xem thêm")
        self.assertContains(first, "T23 → T24")
        second = self.client.get(url, {"page": 2}, headers={"HX-Request": "true"})
        self.assertNotContains(second, "T23 → T24")
        self.assertEqual(self.client.get(url, {"page": "x"}).status_code, 400)
        self.assertEqual(self.client.get(url, {"since": "31/02/2023"}).status_code, 400)


class HistoryApiTests(HistoryTestCase):
    def test_role_matrix_of_the_endpoint(self):
        readers = [self.admin, self.board, self.committee, self.secretary, self.viewer]
        url = f"/api/v1/audit?object=person:{self.member.pk}"
        self.assert_statuses("get", url, {u: 200 for u in readers})
        self.assert_statuses("get", url, {self.outsider: 404})
        self.assert_statuses("post", url, {self.board: 405, self.viewer: 405})
        self.assert_statuses("delete", url, {self.admin: 405})
        org = f"/api/v1/audit?object=organization:{self.cell_b.pk}"
        self.assert_statuses("get", org, {self.outsider: 200, self.secretary: 404})
        self.client.logout()
        self.assertEqual(self.client.get(url).status_code, 401)

    def test_same_entries_as_the_page_with_masking(self):
        self.login(self.viewer)
        body = self.client.get(f"/api/v1/audit?object=person:{self.member.pk}").json()
        self.assertEqual(body["object"], f"person:{self.member.pk}")
        update = next(i for i in body["items"] if i["operation"] == "members.update_person")
        self.assertEqual((update["actor"], update["interface"]), ("secretary", "system"))
        cccd = next(c for c in update["changes"] if c["field"] == "cccd")
        self.assertEqual((cccd["before"], cccd["after"], cccd["masked"]), (None, None, True))
        self.login(self.secretary)
        body = self.client.get(f"/api/v1/audit?object=person:{self.member.pk}").json()
        update = next(i for i in body["items"] if i["operation"] == "members.update_person")
        cccd = next(c for c in update["changes"] if c["field"] == "cccd")
        self.assertEqual(
            (cccd["before"], cccd["after"], cccd["masked"]), (None, "049090000123", False)
        )
        self.assertEqual(body["count"], Entry.objects.about("person", self.member.pk).count())

    def test_since_until_and_pages(self):
        self.login(self.board)
        base = f"/api/v1/audit?object=person:{self.member.pk}"
        everything = self.client.get(base).json()
        self.assertGreaterEqual(everything["count"], 3)
        page = self.client.get(base + "&limit=1&offset=1").json()
        self.assertEqual(page["items"][0]["id"], everything["items"][1]["id"])
        future = self.client.get(base + "&since=01/01/2190").json()
        self.assertEqual(future["count"], 0)
        today = dt.date.today().isoformat()
        self.assertEqual(
            self.client.get(base + f"&until={today}&since=2000-01-01").json()["count"],
            everything["count"],
        )

    def test_bad_parameters_are_400_in_vietnamese(self):
        self.login(self.board)
        for query in (
            "",
            "object=person",
            "object=person:x",
            "object=secret:1",
            f"object=person:{self.member.pk}&since=31/02/2023",
            f"object=person:{self.member.pk}&since=2024-01-02&until=2024-01-01",
            f"object=person:{self.member.pk}&limit=0",
        ):
            with self.subTest(query=query):
                response = self.client.get(f"/api/v1/audit?{query}")
                self.assertEqual(response.status_code, 400)
                self.assertTrue(response.json()["detail"])
        self.assertEqual(self.client.get("/api/v1/audit?object=person:99999999").status_code, 404)
