"""PostgreSQL marks the hour of every finished clock inserted, changed or deleted, whichever code path did it.

The rollups hold finished clocks only. Answering or closing a clock (an UPDATE), a clock deleted with its
conversation or account (cascades), a responder set to null when a user is deleted, a bulk load: each
leaves a mark in inbox_slarollupchange in the same transaction, and the dashboard reads that day live until
the refresh task rebuilds it. Statement-level triggers with transition tables: one INSERT per statement.
"""

from django.db import migrations

FUNCTION = """
CREATE FUNCTION sla_mark_changed_hours() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO inbox_slarollupchange (brand_id, hour)
        SELECT DISTINCT brand_id, date_trunc('hour', started_at, 'UTC') FROM old_clocks WHERE outcome <> 'open'
        ON CONFLICT DO NOTHING;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO inbox_slarollupchange (brand_id, hour)
        SELECT DISTINCT brand_id, date_trunc('hour', started_at, 'UTC') FROM new_clocks WHERE outcome <> 'open'
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$$
"""
TRIGGERS = [
    "CREATE TRIGGER sla_clock_inserted AFTER INSERT ON inbox_responseclock REFERENCING NEW TABLE AS new_clocks "
    "FOR EACH STATEMENT EXECUTE FUNCTION sla_mark_changed_hours()",
    "CREATE TRIGGER sla_clock_updated AFTER UPDATE ON inbox_responseclock "
    "REFERENCING OLD TABLE AS old_clocks NEW TABLE AS new_clocks FOR EACH STATEMENT EXECUTE FUNCTION sla_mark_changed_hours()",
    "CREATE TRIGGER sla_clock_deleted AFTER DELETE ON inbox_responseclock REFERENCING OLD TABLE AS old_clocks "
    "FOR EACH STATEMENT EXECUTE FUNCTION sla_mark_changed_hours()",
]


class Migration(migrations.Migration):
    dependencies = [("inbox", "0009_quarantine_once_per_item")]

    operations = [
        migrations.RunSQL(
            [FUNCTION, *TRIGGERS],
            [
                "DROP TRIGGER sla_clock_inserted ON inbox_responseclock",
                "DROP TRIGGER sla_clock_updated ON inbox_responseclock",
                "DROP TRIGGER sla_clock_deleted ON inbox_responseclock",
                "DROP FUNCTION sla_mark_changed_hours()",
            ],
        )
    ]
