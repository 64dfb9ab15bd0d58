"""Rollup values are read on every dashboard refresh: stored out of line but uncompressed (no pglz per read)."""

from django.db import migrations

SERIES = (
    "first_seconds",
    "first_calendar_seconds",
    "first_platform_seconds",
    "next_seconds",
    "ack_seconds",
    "listening_delay_seconds",
)


class Migration(migrations.Migration):
    dependencies = [("inbox", "0007_sla_daily_rollups")]

    operations = [
        migrations.RunSQL(
            [f"ALTER TABLE inbox_slarollupcell ALTER COLUMN {name} SET STORAGE EXTERNAL" for name in SERIES],
            [f"ALTER TABLE inbox_slarollupcell ALTER COLUMN {name} SET STORAGE EXTENDED" for name in SERIES],
        )
    ]
