"""PostgreSQL keeps monitoring_brand.settings_version current (monitoring.brand_settings reads it).

Triggers, not Django signals: QuerySet.update(), bulk writes, raw SQL and cascades change settings too.
"""

from django.db import migrations, models

SETTINGS_TABLES = [
    "inbox_slapolicy",
    "inbox_inboxsettings",
    "monitoring_alertrule",
    "monitoring_monitoredquery",
    "monitoring_shift",
]

FUNCTIONS = [
    "CREATE SEQUENCE monitoring_brand_settings_version_seq",
    """
    CREATE FUNCTION brand_settings_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.settings_version := nextval('monitoring_brand_settings_version_seq');
        RETURN NEW;
    END $$
    """,
    # A settings row changed: touching its brand's row is enough, the brand's own trigger draws the value.
    """
    CREATE FUNCTION brand_settings_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN
            UPDATE monitoring_brand SET settings_version = settings_version WHERE id = OLD.brand_id;
        END IF;
        IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.brand_id IS DISTINCT FROM OLD.brand_id) THEN
            UPDATE monitoring_brand SET settings_version = settings_version WHERE id = NEW.brand_id;
        END IF;
        RETURN NULL;
    END $$
    """,
    # Any change of the brand row itself (its time zone, its target) takes a fresh version.
    "CREATE TRIGGER brand_settings_version BEFORE UPDATE ON monitoring_brand "
    "FOR EACH ROW EXECUTE FUNCTION brand_settings_version_bump()",
]

TRIGGERS = [
    f"CREATE TRIGGER {table}_brand_settings AFTER INSERT OR UPDATE OR DELETE ON {table} "
    "FOR EACH ROW EXECUTE FUNCTION brand_settings_changed()"
    for table in SETTINGS_TABLES
]


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0003_queries_alerts_checkins"),
        ("inbox", "0012_counts_read_the_queue_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="brand",
            name="settings_version",
            field=models.BigIntegerField(default=0, editable=False),
        ),
        migrations.RunSQL(
            [*FUNCTIONS, *TRIGGERS],
            [
                *(f"DROP TRIGGER {table}_brand_settings ON {table}" for table in SETTINGS_TABLES),
                "DROP TRIGGER brand_settings_version ON monitoring_brand",
                "DROP FUNCTION brand_settings_changed()",
                "DROP FUNCTION brand_settings_version_bump()",
                "DROP SEQUENCE monitoring_brand_settings_version_seq",
            ],
        ),
    ]
