"""The member role (design §1; issue 15 items 4–5): a member account tied to one person, the
member's own page, ``GET /api/v1/me``, and the pages and API that make member accounts."""

import datetime as dt
import json

from django.test import Client
from django.urls import reverse

from chibo.accounts import access
from chibo.audit.models import Entry
from chibo.briefings import operations as briefings
from chibo.meetings import operations as meetings
from chibo.meetings.models import Attendance, Meeting, Presence
from chibo.members import operations as ops
from chibo.members.models import MemberAccount
from chibo.test import DAY, PASSWORD, ChiboTestCase, add_member

D = dt.date
CCCD = "049090000123"  # made up: Quảng Nam (049), a man born in 1990


class MemberTestCase(ChiboTestCase):
    """Cell A: An (the member with an account) and Bình; cell B: Cường. A meeting of cell A
    held in April 2023 (An present), one planned in June 2023; a task for each cell."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.an = add_member(cls.cell_a, "Nguyễn Văn An")
        cls.an.cccd = CCCD
        cls.an.save()
        cls.binh = add_member(cls.cell_a, "Trần Thị Bình", gender="F")
        cls.cuong = add_member(cls.cell_b, "Lê Văn Cường")
        cls.account = ops.create_member_account(
            person=cls.an, username="dangvien.an", on=DAY, by=cls.secretary
        )
        cls.member = cls.account.user
        cls.member.set_password(PASSWORD)
        cls.member.save()
        held = Meeting.objects.create(
            cell=cls.cell_a,
            planned_date=D(2023, 4, 20),
            date=D(2023, 4, 20),
            topic="",
            place="Hội trường Công an xã A",
        )
        Attendance.objects.create(meeting=held, person=cls.an, status=Presence.PRESENT)
        Attendance.objects.create(
            meeting=held, person=cls.binh, status=Presence.EXCUSED, reason="Đi học"
        )
        cls.planned = meetings.plan(
            cell=cls.cell_a, kind="regular", planned_date=D(2023, 6, 20), by=None
        )
        meetings.plan(cell=cls.cell_b, kind="regular", planned_date=D(2023, 6, 21), by=None)
        conference = briefings.create_conference(
            host=cls.district,
            title="các chi bộ Công an xã",
            date=D(2023, 5, 10),
            period_start=D(2023, 1, 1),
            period_end=D(2023, 5, 9),
            invited=[cls.cell_a, cls.cell_b],
            chair=None,
            by=None,
        )
        for cell, text in ((cls.cell_a, "Việc của chi bộ A"), (cls.cell_b, "Việc của chi bộ B")):
            briefings.add_conclusion(
                conference=conference,
                text=text,
                group="Chi bộ",
                assignees=[cell],
                due_on=D(2023, 12, 31),
                by=None,
            )

    def page(self, as_of: dt.date = DAY):
        return self.client.get(reverse("me:page"), {"as_of": as_of.isoformat()})


class MemberPageTests(MemberTestCase):
    def test_member_page_shows_own_record_with_cccd_masked(self):
        self.login(self.member)
        response = self.page()
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Nguyễn Văn An")
        self.assertContains(response, "*********123")
        self.assertNotContains(response, CCCD)
        self.assertNotContains(response, "049090")
        self.assertContains(response, "Chính thức")

    def test_member_page_lists_only_own_cells_member_names(self):
        self.login(self.member)
        response = self.page()
        self.assertContains(response, "Trần Thị Bình")
        self.assertNotContains(response, "Lê Văn Cường")
        # Names only: nothing of Bình's record (her absence reason) is shown.
        self.assertNotContains(response, "Đi học")

    def test_member_page_shows_own_attendance_upcoming_meetings_and_cell_tasks(self):
        self.login(self.member)
        response = self.page()
        attendance = response.content.decode()
        self.assertIn("20/04/2023</strong> — Có mặt", attendance)
        self.assertContains(response, "20/06/2023")  # cell A's planned meeting
        self.assertNotContains(response, "21/06/2023")  # cell B's
        self.assertContains(response, "Việc của chi bộ A")
        self.assertNotContains(response, "Việc của chi bộ B")
        self.assertContains(response, "Chưa có tài liệu nào cần học tập.")

    def test_member_page_is_exact_for_the_date(self):
        self.login(self.member)
        before = self.page(D(2019, 6, 1))  # before An's membership (from 2020)
        self.assertContains(before, "Không sinh hoạt ở chi bộ nào vào ngày 01/06/2019.")
        self.assertNotContains(before, "Trần Thị Bình")
        self.assertContains(before, "Chưa có điểm danh nào đến ngày 01/06/2019.")
        self.assertNotContains(before, "Việc của chi bộ A")  # the conference was in 2023
        later = self.page(D(2023, 6, 21))  # the June meeting is past
        self.assertNotContains(later, "20/06/2023")

    def test_member_page_queries_do_not_grow_with_rows(self):
        self.login(self.member)
        self.page()  # warm caches (sessions, content types)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as few:
            self.page()
        for n in range(3):
            add_member(self.cell_a, f"Phạm Văn Thêm{n}")
        with CaptureQueriesContext(connection) as more:
            self.page()
        self.assertEqual(len(few), len(more))

    def test_me_page_role_matrix(self):
        url = reverse("me:page")
        # Users with no member account have no member page.
        self.assert_statuses(
            "GET",
            url,
            {
                self.member: 200,
                self.secretary: 404,
                self.committee: 404,
                self.viewer: 404,
                self.superuser: 404,
            },
        )
        self.assert_statuses("POST", url, {self.member: 405})

    def test_member_nav_shows_only_own_page(self):
        self.login(self.member)
        response = self.page()
        self.assertContains(response, "Trang của tôi")
        self.assertNotContains(response, reverse("reports:overview"))
        self.assertNotContains(response, reverse("members:list") + '"')
        self.login(self.secretary)
        response = self.client.get(reverse("members:list"))
        self.assertContains(response, reverse("reports:overview"))
        self.assertNotContains(response, "Trang của tôi")

    def test_member_lands_on_own_page_after_a_real_login(self):
        client = Client(enforce_csrf_checks=True)
        login = client.get(reverse("accounts:login"))
        token = login.cookies["csrftoken"].value
        response = client.post(
            reverse("accounts:login"),
            {"username": "dangvien.an", "password": PASSWORD, "csrfmiddlewaretoken": token},
            follow=True,
        )
        self.assertEqual(response.redirect_chain[-1][0], reverse("me:page"))
        self.assertContains(response, "Hồ sơ của tôi")
        # A user with grants still lands on the overview.
        other = Client()
        other.force_login(self.secretary)
        self.assertRedirects(
            other.get("/"), reverse("reports:overview"), fetch_redirect_response=False
        )


class MemberAccessTests(MemberTestCase):
    """What the member may open elsewhere: own record 200, others 404, every write 403."""

    def test_member_reads_own_person_page_and_not_another_members(self):
        self.assert_statuses(
            "GET",
            reverse("members:detail", args=[self.an.pk]),
            {self.member: 200},
        )
        for other in (self.binh, self.cuong):
            self.assert_statuses(
                "GET", reverse("members:detail", args=[other.pk]), {self.member: 404}
            )
        self.login(self.member)
        own = self.client.get(reverse("members:detail", args=[self.an.pk]))
        self.assertNotContains(own, CCCD)
        self.assertNotContains(own, "Sửa thông tin")  # no action is offered

    def test_member_api_reads_own_person_not_another(self):
        self.login(self.member)
        own = self.client.get(f"/api/v1/people/{self.an.pk}")
        self.assertEqual(own.status_code, 200)
        self.assertIsNone(own.json()["cccd"])
        for other in (self.binh, self.cuong):
            self.assertEqual(self.client.get(f"/api/v1/people/{other.pk}").status_code, 404)
        members = self.client.get("/api/v1/members", {"as_of": DAY.isoformat()})
        self.assertEqual(members.json()["count"], 0)  # the roster is not the member's

    def test_member_every_write_is_403(self):
        an = self.an.pk
        pages = [
            reverse("members:edit", args=[an]),
            reverse("members:exempt", args=[an]),
            reverse("members:transfer", args=[an]),
            reverse("members:death", args=[an]),
            reverse("members:account_create", args=[an]),
            reverse("members:account_link", args=[an]),
            reverse("members:new"),
            reverse("meetings:plan"),
        ]
        for url in pages:
            self.assert_statuses("POST", url, {self.member: 403})
        self.login(self.member)
        writes = [
            ("put", f"/api/v1/people/{an}", {"home_town": "Quảng Nam"}),
            ("post", f"/api/v1/people/{an}/exempt", {"on": "2023-05-01", "reason": "Ốm"}),
            ("post", f"/api/v1/people/{an}/account", {"username": "khac"}),
            (
                "post",
                "/api/v1/people",
                {"ten": "Mới", "gender": "M", "registered_by": self.cell_a.pk},
            ),
            (
                "post",
                "/api/v1/meetings",
                {"cell": self.cell_a.pk, "kind": "regular", "planned_date": "2023-07-20"},
            ),
        ]
        for method, url, body in writes:
            with self.subTest(url=url):
                response = getattr(self.client, method)(
                    url, json.dumps(body), content_type="application/json"
                )
                self.assertEqual(response.status_code, 403, response.content[:300])
                self.assertIn("detail", response.json())
        self.an.refresh_from_db()
        self.assertEqual(self.an.home_town, "")

    def test_member_is_refused_not_hidden_on_own_cell_but_404_on_others(self):
        self.assert_statuses(
            "GET", reverse("orgs:detail", args=[self.cell_a.pk]), {self.member: 403}
        )
        self.assert_statuses(
            "GET", reverse("orgs:detail", args=[self.cell_b.pk]), {self.member: 404}
        )

    def test_access_knows_the_member_and_their_cells_by_date(self):
        self.assertEqual(access.own_person(self.member), self.an)
        self.assertEqual(access.member_cell_ids(self.member, DAY), {self.cell_a.pk})
        self.assertEqual(access.member_cell_ids(self.member, D(2019, 1, 1)), frozenset())
        self.assertTrue(access.member_only(self.member))
        self.assertFalse(access.member_only(self.secretary))
        self.assertIsNone(access.own_person(self.secretary))


class MeApiTests(MemberTestCase):
    def test_me_for_every_role(self):
        expected = {
            self.admin: ["admin"],
            self.board: ["board"],
            self.committee: ["committee"],
            self.secretary: ["secretary"],
            self.viewer: ["viewer"],
            self.superuser: [],
            self.member: ["member"],
        }
        for user, roles in expected.items():
            with self.subTest(user=user.username):
                self.login(user)
                response = self.client.get("/api/v1/me", {"as_of": DAY.isoformat()})
                self.assertEqual(response.status_code, 200)
                body = response.json()
                self.assertEqual(body["username"], user.username)
                self.assertEqual(body["roles"], roles)
                self.assertEqual(body["superuser"], user.is_superuser)
                self.assertEqual(body["member"] is None, user != self.member)
        self.login(self.viewer)
        viewer = self.client.get("/api/v1/me").json()
        self.assertFalse(viewer["may_write"])
        self.assertEqual(viewer["grants"][0]["organization_name"], "Huyện ủy H")

    def test_me_gives_the_member_their_summary_with_cccd_masked(self):
        self.login(self.member)
        body = self.client.get("/api/v1/me", {"as_of": DAY.isoformat()}).json()
        self.assertFalse(body["may_write"])
        member = body["member"]
        self.assertEqual(member["id"], self.an.pk)
        self.assertEqual(member["cccd_masked"], "*********123")
        self.assertNotIn(CCCD, json.dumps(body))
        self.assertEqual(member["status"], "official")
        self.assertEqual(
            member["cells"],
            [{"id": self.cell_a.pk, "name": "Chi bộ Công an xã A", "temporary": False}],
        )
        old = self.client.get("/api/v1/me", {"as_of": "2019-01-01"}).json()
        self.assertEqual(old["member"]["cells"], [])

    def test_me_wrong_method_anonymous_and_bad_date(self):
        self.login(self.member)
        self.assertEqual(self.client.post("/api/v1/me").status_code, 405)
        bad = self.client.get("/api/v1/me", {"as_of": "31/02/2023"})
        self.assertEqual(bad.status_code, 400)
        self.assertIn("detail", bad.json())
        self.client.logout()
        self.assertEqual(self.client.get("/api/v1/me").status_code, 401)


class MemberAccountPageTests(ChiboTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.binh = add_member(cls.cell_a, "Trần Thị Bình", gender="F")
        cls.cuong = add_member(cls.cell_b, "Lê Văn Cường")
        cls.stranger = ops.add_person(
            data=ops.PersonData(ho="Đỗ", ten_dem="Văn", ten="Ngoài", gender="M"),
            registered_by=cls.cell_a,
            by=None,
        )

    def test_account_page_role_matrix(self):
        url = reverse("members:account_create", args=[self.binh.pk])
        self.assert_statuses(
            "GET",
            url,
            {
                self.secretary: 200,
                self.committee: 200,
                self.board: 200,
                self.admin: 200,
                self.viewer: 403,
                self.police_viewer: 403,
                self.outsider: 404,
            },
        )
        self.assert_statuses("DELETE", url, {self.secretary: 405})
        self.assertFalse(MemberAccount.objects.exists())

    def test_secretary_creates_an_account_through_the_page_with_csrf(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.secretary)
        url = reverse("members:account_create", args=[self.binh.pk])
        token = client.get(url).cookies["csrftoken"].value
        response = client.post(url, {"username": "dangvien.binh", "csrfmiddlewaretoken": token})
        self.assertRedirects(
            response,
            reverse("members:account_link", args=[self.binh.pk]),
            fetch_redirect_response=False,
        )
        account = MemberAccount.objects.get(person=self.binh)
        self.assertEqual(account.user.username, "dangvien.binh")
        self.assertEqual(account.user.full_name, "Trần Thị Bình")
        self.assertFalse(account.user.has_usable_password())
        self.assertEqual(account.created_by, self.secretary)
        self.assertFalse(account.user.grants.exists())
        entries = Entry.objects.filter(operation="members.create_member_account")
        self.assertEqual({e.actor_id for e in entries}, {self.secretary.pk})
        self.assertIn("members.memberaccount", {e.object_type for e in entries})
        # The one-time link, then the member sets a password and lands on their page.
        link = client.post(
            reverse("members:account_link", args=[self.binh.pk]),
            {"confirm": "on", "csrfmiddlewaretoken": token},
        )
        self.assertEqual(link.status_code, 200)
        path = link.context["link"].removeprefix("http://testserver")
        member = Client()
        form = member.get(path, follow=True)
        self.assertEqual(form.status_code, 200)
        done = member.post(
            form.redirect_chain[-1][0],
            {"new_password1": "mot-mat-khau-dai-2023", "new_password2": "mot-mat-khau-dai-2023"},
        )
        self.assertEqual(done.status_code, 302)
        self.assertTrue(member.login(username="dangvien.binh", password="mot-mat-khau-dai-2023"))
        self.assertRedirects(member.get("/"), reverse("me:page"), fetch_redirect_response=False)
        detail = self.client
        detail.force_login(self.secretary)
        self.assertContains(
            detail.get(reverse("members:detail", args=[self.binh.pk])), "dangvien.binh"
        )

    def test_account_refused_twice_for_a_taken_name_and_for_a_non_member(self):
        self.login(self.secretary)
        url = reverse("members:account_create", args=[self.binh.pk])
        self.client.post(url, {"username": "dangvien.binh"})
        again = self.client.post(url, {"username": "dangvien.binh2"})
        self.assertContains(again, "Đảng viên này đã có tài khoản.", status_code=400)
        taken = self.client.post(
            reverse("members:account_create", args=[self.stranger.pk]),
            {"username": "DANGVIEN.BINH"},
        )
        self.assertContains(taken, "Người này không phải là đảng viên", status_code=400)
        bad = self.client.post(
            url.replace(str(self.binh.pk), str(self.binh.pk)), {"username": "có dấu cách"}
        )
        self.assertEqual(bad.status_code, 400)
        self.assertEqual(MemberAccount.objects.count(), 1)

    def test_account_api_role_matrix_and_errors(self):
        url = f"/api/v1/people/{self.binh.pk}/account"

        def post(user, username):
            self.client.force_login(user)
            return self.client.post(
                url, json.dumps({"username": username}), content_type="application/json"
            )

        self.assertEqual(post(self.viewer, "a").status_code, 403)
        self.assertEqual(post(self.outsider, "a").status_code, 404)
        created = post(self.committee, "dangvien.binh")
        self.assertEqual(created.status_code, 201, created.content)
        body = created.json()
        self.assertEqual(body["username"], "dangvien.binh")
        self.assertTrue(body["password_link"].startswith("/accounts/reset/"))
        twice = post(self.committee, "dangvien.binh")
        self.assertEqual(twice.status_code, 400)
        self.assertIn("detail", twice.json())
        self.client.force_login(self.committee)
        self.assertEqual(self.client.get(url).status_code, 405)
        cuong = self.client.post(
            f"/api/v1/people/{self.cuong.pk}/account",
            json.dumps({"username": "dangvien.cuong"}),
            content_type="application/json",
        )
        self.assertEqual(cuong.status_code, 404)
        self.assertEqual(MemberAccount.objects.count(), 1)


class MemberProfileTests(MemberTestCase):
    def test_profile_names_the_member_and_links_their_page(self):
        self.login(self.member)
        response = self.client.get(reverse("accounts:profile"))
        self.assertContains(response, "Tài khoản đảng viên của đồng chí <strong>Nguyễn Văn An")
        self.assertContains(response, f'href="{reverse("me:page")}"')
        self.assertNotContains(response, "Chưa được phân quyền")
        self.login(self.secretary)
        self.assertNotContains(self.client.get(reverse("accounts:profile")), "Tài khoản đảng viên")


class MemberAccountLinkTests(MemberTestCase):
    def test_password_link_never_reaches_a_login_with_grants(self):
        """A secretary who is also a member: the committee writing on her person may not
        reset her login, which holds a grant (only account management may)."""
        from chibo.accounts.models import Grant, Role

        account = ops.create_member_account(
            person=self.binh, username="dangvien.binh", on=DAY, by=None
        )
        url = reverse("members:account_link", args=[self.binh.pk])
        self.assert_statuses("GET", url, {self.committee: 200, self.secretary: 200})
        Grant.objects.create(
            user=account.user, role=Role.SECRETARY, organization=self.cell_a, valid_from=DAY
        )
        self.assert_statuses("GET", url, {self.committee: 403, self.board: 200})
        self.assert_statuses("POST", url, {self.committee: 403}, {"confirm": "on"})
