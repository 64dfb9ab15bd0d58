from django.db import migrations, models

# Rows quarantined before: named by the digest of their raw payload; repeats of one item keep the oldest row.
NAME_EXISTING_ROWS = """
UPDATE inbox_quarantineditem SET item_key = 'sha256:' || encode(sha256(convert_to(raw, 'UTF8')), 'hex');
DELETE FROM inbox_quarantineditem AS repeat
USING inbox_quarantineditem AS first
WHERE repeat.account_id = first.account_id AND repeat.item_key = first.item_key AND repeat.id > first.id;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("inbox", "0008_sla_rollup_values_uncompressed"),
    ]

    operations = [
        migrations.AddField(
            model_name="quarantineditem",
            name="item_key",
            field=models.CharField(default="", max_length=520),
            preserve_default=False,
        ),
        migrations.RunSQL(NAME_EXISTING_ROWS, migrations.RunSQL.noop),
        migrations.AddConstraint(
            model_name="quarantineditem",
            constraint=models.UniqueConstraint(fields=("account", "item_key"), name="quarantine_once_per_item"),
        ),
    ]
