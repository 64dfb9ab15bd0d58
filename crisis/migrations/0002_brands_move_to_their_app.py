"""State only: brands and teams live in the brands app now, in the tables they had (monitoring_brand, inbox_team)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('brands', '0001_initial'),
        ('crisis', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='crisissettings',
                    name='brand',
                    field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='crisis_settings', to='brands.brand'),
                ),
                migrations.AlterField(
                    model_name='detectorstate',
                    name='brand',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='brands.brand'),
                ),
                migrations.AlterField(
                    model_name='incident',
                    name='brand',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='incidents', to='brands.brand'),
                ),
                migrations.AlterField(
                    model_name='minutecount',
                    name='brand',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='brands.brand'),
                ),
                migrations.AlterField(
                    model_name='playbook',
                    name='brand',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='playbooks', to='brands.brand'),
                ),
                migrations.AlterField(
                    model_name='spike',
                    name='brand',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='spikes', to='brands.brand'),
                ),
            ],
        ),
    ]
