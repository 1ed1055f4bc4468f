"""The question index of attempt questions dropped (bench/RESULTS.md "Session 7: start").

Only the index goes (``DROP INDEX``): Django's own ``AlterField`` would rebuild the whole
table on SQLite to drop it, minutes on a province's attempts. The name is the one Django gave
it when the field was created, the same on SQLite and PostgreSQL.
"""

import django.db.models.deletion
from django.db import migrations, models

INDEX = "exams_attemptquestion_question_id_70568c8a"


class Migration(migrations.Migration):
    dependencies = [
        ("exams", "0015_merge_20261207_0448"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="attemptquestion",
                    name="question",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="exams.question",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {INDEX}",
                    reverse_sql=f"CREATE INDEX {INDEX} ON exams_attemptquestion (question_id)",
                ),
            ],
        ),
    ]
