"""Change marks keep the brand id without a foreign key: deleting a brand cascades to its clocks first, and
the marks the trigger writes for them must not stop the brand's deletion. Same column, same unique pair."""

from django.db import migrations, models

DROP_FOREIGN_KEY = """
DO $$
DECLARE name text;
BEGIN
    FOR name IN SELECT conname FROM pg_constraint
                WHERE conrelid = 'inbox_slarollupchange'::regclass AND contype = 'f'
    LOOP
        EXECUTE format('ALTER TABLE inbox_slarollupchange DROP CONSTRAINT %I', name);
    END LOOP;
    FOR name IN SELECT index.indexrelid::regclass::text FROM pg_index AS index
                WHERE index.indrelid = 'inbox_slarollupchange'::regclass AND NOT index.indisunique
    LOOP
        EXECUTE format('DROP INDEX %s', name);
    END LOOP;
END
$$
"""


class Migration(migrations.Migration):
    dependencies = [("inbox", "0012_counts_read_the_queue_index")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(DROP_FOREIGN_KEY, migrations.RunSQL.noop)],
            state_operations=[
                migrations.RemoveConstraint(model_name="slarollupchange", name="sla_rollup_change_unique"),
                migrations.RemoveField(model_name="slarollupchange", name="brand"),
                migrations.AddField(
                    model_name="slarollupchange", name="brand_id", field=models.BigIntegerField(), preserve_default=False
                ),
                migrations.AddConstraint(
                    model_name="slarollupchange",
                    constraint=models.UniqueConstraint(fields=("brand_id", "hour"), name="sla_rollup_change_unique"),
                ),
            ],
        )
    ]
