"""The sandbox (emulated platform data only) was installed everywhere before it became an app of its own that
only the demo and the tests install. Where it is not installed, its leftover tables and migration records go;
where it is, nothing changes (its label and table names stayed `sandbox`). See docs/decisions/layout.md."""

from django.apps import apps as global_apps
from django.db import migrations


def drop_sandbox_tables(apps, schema_editor):
    if global_apps.is_installed("sandbox"):
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE 'sandbox\\_%'"
        )
        for (table,) in cursor.fetchall():
            cursor.execute(f'DROP TABLE IF EXISTS "{table}" CASCADE')
        cursor.execute("DELETE FROM django_migrations WHERE app = 'sandbox'")


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0008_listening_health_brand_language"),
    ]

    operations = [migrations.RunPython(drop_sandbox_tables, migrations.RunPython.noop, elidable=True)]
