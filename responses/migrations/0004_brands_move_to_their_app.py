"""State only: brands and teams live in the brands app now, in the tables they had (monitoring_brand, inbox_team)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('brands', '0001_initial'),
        ('responses', '0003_crisis_free_text'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='offer',
                    name='brand',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='offers', to='brands.brand'),
                ),
                migrations.AlterField(
                    model_name='replyapproval',
                    name='brand',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reply_approvals', to='brands.brand'),
                ),
                migrations.AlterField(
                    model_name='responsesettings',
                    name='brand',
                    field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='response_settings', to='brands.brand'),
                ),
                migrations.AlterField(
                    model_name='savedreply',
                    name='brand',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='saved_replies', to='brands.brand'),
                ),
            ],
        ),
    ]
