"""State only: brands and teams live in the brands app now, in the tables they had (monitoring_brand, inbox_team)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('brands', '0001_initial'),
        ('inbox', '0023_notification_mutes'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='conversation',
                    name='team',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='conversations', to='brands.team'),
                ),
                migrations.AlterField(
                    model_name='conversation',
                    name='brand',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='conversations', to='brands.brand'),
                ),
                migrations.AlterField(
                    model_name='inboxsettings',
                    name='brand',
                    field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='inbox_settings', to='brands.brand'),
                ),
                migrations.AlterField(
                    model_name='responseclock',
                    name='brand',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='brands.brand'),
                ),
                migrations.AlterField(
                    model_name='slapolicy',
                    name='brand',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='sla_policies', to='brands.brand'),
                ),
                migrations.AlterField(
                    model_name='slarollupcell',
                    name='brand',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='brands.brand'),
                ),
                migrations.AlterField(
                    model_name='slarollupday',
                    name='brand',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='brands.brand'),
                ),
                migrations.AlterField(
                    model_name='tag',
                    name='brand',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='tags', to='brands.brand'),
                ),
                migrations.DeleteModel(
                    name='Team',
                ),
            ],
        ),
    ]
