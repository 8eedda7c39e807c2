"""Scheduled work, its status page and /healthz (issue 11 §4, §7)."""

import datetime as dt
import io
from unittest import mock

from django.core.management import CommandError, call_command
from django.test import TestCase
from django.utils import timezone

from chibo.rules.models import FindingRecord
from chibo.system import health, jobs
from chibo.system.models import JobRun, Outcome
from chibo.test import ChiboTestCase

DAY = dt.date(2026, 11, 30)


class RunJobsTests(ChiboTestCase):
    def test_daily_findings_run_once_per_day_and_recorded(self):
        out = io.StringIO()
        call_command("run_jobs", "--as-of", "2023-05-24", stdout=out)
        run = JobRun.objects.get(job="record_findings", outcome=Outcome.OK)
        self.assertEqual(run.day, dt.date(2023, 5, 24))
        self.assertIn("mới", run.message)
        self.assertIn("Thành công", out.getvalue())
        records = FindingRecord.objects.count()
        # A second run the same day (timer firing again) does the work no more.
        with mock.patch("chibo.compliance.daily.record") as record:
            call_command("run_jobs", "--as-of", "2023-05-24", stdout=io.StringIO())
        record.assert_not_called()
        self.assertEqual(FindingRecord.objects.count(), records)
        self.assertEqual(
            list(
                JobRun.objects.filter(job="record_findings")
                .order_by("started_at", "pk")
                .values_list("outcome", flat=True)
            ),
            [Outcome.OK, Outcome.SKIPPED],
        )

    def test_every_registered_job_runs_and_prunes(self):
        """The request keys of API writes and page forms (older than 24 hours) and login
        records (older than a year) are pruned by their daily jobs."""
        from axes.models import AccessLog

        from chibo.accounts.models import User
        from chibo.api.models import RequestKey

        user = User.objects.create_user("k", password="x")
        old = RequestKey.objects.create(user=user, kind="api", key="old", fingerprint="f")
        RequestKey.objects.filter(pk=old.pk).update(
            created_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
        )
        RequestKey.objects.create(user=user, kind="api", key="new", fingerprint="f")
        log = AccessLog.objects.create(username="k", ip_address="127.0.0.1", user_agent="t")
        AccessLog.objects.filter(pk=log.pk).update(
            attempt_time=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
        )
        results = {run.job: run.outcome for run in jobs.run_due(dt.date(2023, 5, 24))}
        self.assertEqual(set(results), {j.name for j in jobs.JOBS})
        self.assertEqual(set(results.values()), {Outcome.OK})
        self.assertEqual(list(RequestKey.objects.values_list("key", flat=True)), ["new"])
        self.assertFalse(AccessLog.objects.exists())

    def test_next_day_runs_again(self):
        jobs.run_due(dt.date(2023, 5, 24))
        jobs.run_due(dt.date(2023, 5, 25))
        findings = JobRun.objects.filter(job="record_findings", outcome=Outcome.OK)
        self.assertEqual(findings.count(), 2)

    def test_force_runs_again_keeping_one_success(self):
        jobs.run_due(DAY)
        jobs.run_due(DAY, force=True)
        self.assertEqual(
            JobRun.objects.filter(job="record_findings", outcome=Outcome.OK).count(), 1
        )

    def test_failure_is_recorded_without_the_error_text_and_rolled_back(self):
        job = jobs.Job("boom", "Thử lỗi", self._boom)
        with self.assertLogs("chibo.system.jobs", "ERROR"):
            run = jobs.run_one(job, DAY)
        self.assertEqual(run.outcome, Outcome.FAILED)
        self.assertIn("ValueError", run.message)
        self.assertNotIn("Nguyễn", run.message)
        self.assertFalse(FindingRecord.objects.filter(rule_id="X").exists())
        # A failure does not count as done: the next run tries again.
        ok = jobs.run_one(jobs.Job("boom", "Thử", lambda day: "xong"), DAY)
        self.assertEqual(ok.outcome, Outcome.OK)

    def _boom(self, day):
        FindingRecord.objects.create(
            key="x",
            rule_id="X",
            organization_id=self.cell_a.pk,
            message="m",
            first_seen=day,
            last_seen=day,
        )
        raise ValueError("Nguyễn Văn A 001234567890")

    def test_unknown_job_and_bad_date_are_clear_errors(self):
        with self.assertRaisesMessage(CommandError, "Không có công việc: khong-co"):
            call_command("run_jobs", "--job", "khong-co")
        with self.assertRaises(CommandError):
            call_command("run_jobs", "--as-of", "31/02/2023")

    def test_list_names_the_registered_jobs(self):
        out = io.StringIO()
        call_command("run_jobs", "--list", stdout=out)
        self.assertIn("record_findings", out.getvalue())


class StalenessTests(TestCase):
    def test_fresh_install_is_not_stale_then_becomes_stale_after_two_days(self):
        now = timezone.now()
        self.assertFalse(any(s.stale for s in jobs.status(now)))
        self.assertTrue(all(s.stale for s in jobs.status(now + dt.timedelta(days=2, hours=1))))

    def test_a_recent_success_keeps_it_fresh(self):
        later = timezone.now() + dt.timedelta(days=10)
        JobRun.objects.create(
            job="record_findings",
            day=later.date(),
            started_at=later - dt.timedelta(days=1),
            outcome=Outcome.OK,
        )
        self.assertFalse(jobs.status(later)[0].stale)
        self.assertTrue(jobs.status(later + dt.timedelta(days=2))[0].stale)


class HealthzTests(ChiboTestCase):
    def test_healthy_answers_200_without_login(self):
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.json()["checks"], {"database": "ok", "migrations": "ok", "scheduled": "ok"}
        )
        self.assertEqual(response.json()["status"], "ok")
        self.assertEqual(self.client.head("/healthz").status_code, 200)

    def test_wrong_method_is_405(self):
        self.assertEqual(self.client.post("/healthz").status_code, 405)

    def test_stale_scheduled_work_is_503_with_reason(self):
        future = timezone.now() + dt.timedelta(days=3)
        with mock.patch("django.utils.timezone.now", return_value=future):
            response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json()["checks"]["scheduled"], "error")
        self.assertIn("record_findings", response.json()["detail"])

    def test_unapplied_migration_is_503(self):
        known = health._known_migrations() | {("system", "9999_future")}
        with mock.patch.object(health, "_known_migrations", return_value=known):
            response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 503)
        self.assertIn("1 migration chưa áp dụng", response.json()["detail"])

    def test_unreachable_database_is_503(self):
        from django.db import OperationalError

        with mock.patch.object(health.connection, "cursor", side_effect=OperationalError("x")):
            response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json()["checks"], {"database": "error"})
        self.assertIn("cơ sở dữ liệu", response.json()["detail"])


class StatusPageTests(ChiboTestCase):
    def test_role_matrix_only_the_superuser_sees_it(self):
        self.assert_statuses(
            "GET",
            "/system/",
            {
                self.superuser: 200,
                self.admin: 404,
                self.board: 404,
                self.committee: 404,
                self.secretary: 404,
                self.viewer: 404,
                self.outsider: 404,
            },
        )
        self.assert_statuses("POST", "/system/", {self.superuser: 405, self.viewer: 405})

    def test_anonymous_goes_to_login(self):
        response = self.client.get("/system/")
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])

    def test_shows_last_run_duration_and_outcome(self):
        jobs.run_due(DAY)
        self.login(self.superuser)
        response = self.client.get("/system/")
        self.assertContains(response, "Ghi cảnh báo trong ngày")
        self.assertContains(response, "Đúng hạn")
        self.assertContains(response, "Thành công")
        self.assertContains(response, "30/11/2026")
        self.assertContains(response, 'href="/system/"')

    def test_stale_job_is_flagged(self):
        future = timezone.now() + dt.timedelta(days=3)
        self.login(self.superuser)
        with mock.patch("chibo.system.jobs.timezone.now", return_value=future):
            response = self.client.get("/system/")
        self.assertContains(response, "Quá 2 ngày chưa chạy thành công")


class RoundtripOrderTests(TestCase):
    def test_apps_are_rolled_back_before_the_apps_they_need(self):
        """Issue 11 §6: each app goes to zero while its own rows are still there, so an app
        comes before every app its migrations depend on (accounts ⇄ orgs excepted)."""
        from chibo.system.management.commands.migrations_roundtrip import top_down_apps

        order = top_down_apps()
        self.assertEqual(set(order[-2:]), {"accounts", "orgs"})
        for upper, lower in (
            ("briefings", "documents"),
            ("briefings", "members"),
            ("meetings", "documents"),
            ("documents", "orgs"),
            ("members", "orgs"),
        ):
            with self.subTest(upper=upper, lower=lower):
                self.assertLess(order.index(upper), order.index(lower))
        self.assertIn("system", order)
