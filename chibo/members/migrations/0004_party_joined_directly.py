# Written by hand (issue 16): the two fields have no column, so the database is left as it
# is. Django's AddField on SQLite would rebuild each table and, reversed, fails on a
# column-less ForeignObject ("'ForeignObject' object has no attribute 'db_constraint'"), so
# only the migration state changes, in both directions.

import django.db.models.deletion
from django.db import migrations, models


def party(model_name):
    return migrations.AddField(
        model_name=model_name,
        name="party",
        field=models.ForeignObject(
            blank=True,
            editable=False,
            from_fields=["person"],
            null=True,
            serialize=False,
            on_delete=django.db.models.deletion.DO_NOTHING,
            related_name="+",
            to="members.partyrecord",
            to_fields=["person"],
        ),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0003_member_account"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[party("membership"), party("policeservice")],
            database_operations=[],
        ),
    ]
