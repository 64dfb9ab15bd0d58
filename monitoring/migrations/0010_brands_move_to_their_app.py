"""State only: brands and teams live in the brands app now, in the tables they had (monitoring_brand, inbox_team)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('brands', '0001_initial'),
        ('monitoring', '0009_drop_sandbox_tables_unless_installed'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='brand',
                    name='members',
                ),
                migrations.AlterField(
                    model_name='channelaccount',
                    name='brand',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='accounts', to='brands.brand'),
                ),
                migrations.AlterField(
                    model_name='shift',
                    name='brand',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='shifts', to='brands.brand'),
                ),
                migrations.AlterField(
                    model_name='monitoredquery',
                    name='brand',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='queries', to='brands.brand'),
                ),
                migrations.AlterField(
                    model_name='coveragegap',
                    name='brand',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='coverage_gaps', to='brands.brand'),
                ),
                migrations.AlterField(
                    model_name='alertrule',
                    name='brand',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='alert_rules', to='brands.brand'),
                ),
                migrations.AlterField(
                    model_name='checkinreminder',
                    name='brand',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='check_in_reminders', to='brands.brand'),
                ),
            ],
        ),
    ]
