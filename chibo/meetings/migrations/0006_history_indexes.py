"""Indexes for five years of history (issue 16).

The foreign keys' own one-column indexes are dropped without remaking the tables: each is
the first column of another index (attendance_once, attendance_person, meeting_cell_date),
and on SQLite a field's AlterField would copy the 9-million-row attendance table twice. The
state changes to db_index=False; the database drops the indexes by the names Django gave
them, the same on SQLite and PostgreSQL."""

import django.db.models.deletion
from django.db import migrations, models


def _without_own_index(model, name, field, index, table, column):
    """The field's state without db_index; in the database, its index dropped by name."""
    return migrations.SeparateDatabaseAndState(
        state_operations=[migrations.AlterField(model_name=model, name=name, field=field)],
        database_operations=[
            migrations.RunSQL(
                f'DROP INDEX IF EXISTS "{index}"',
                reverse_sql=f'CREATE INDEX IF NOT EXISTS "{index}" ON "{table}" ("{column}")',
            )
        ],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0005_attendance_excused"),
        ("members", "0005_covering_cell_indexes"),
        ("orgs", "0001_initial"),
    ]

    operations = [
        _without_own_index(
            "attendance",
            "meeting",
            models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="attendance",
                to="meetings.meeting",
            ),
            "meetings_attendance_meeting_id_296f48af",
            "meetings_attendance",
            "meeting_id",
        ),
        _without_own_index(
            "attendance",
            "person",
            models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="attendance",
                to="members.person",
            ),
            "meetings_attendance_person_id_eb3a8462",
            "meetings_attendance",
            "person_id",
        ),
        _without_own_index(
            "meeting",
            "cell",
            models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="meetings",
                to="orgs.organization",
                verbose_name="chi bộ",
            ),
            "meetings_meeting_cell_id_9f39bafc",
            "meetings_meeting",
            "cell_id",
        ),
        migrations.AddIndex(
            model_name="attendance",
            index=models.Index(
                condition=models.Q(("status", "excused")),
                fields=["person", "meeting"],
                name="attendance_excused_person",
            ),
        ),
        migrations.AddIndex(
            model_name="meeting",
            index=models.Index(fields=["date", "cell"], name="meeting_date"),
        ),
    ]
