"""State only: brands and teams live in the brands app now, in the tables they had (monitoring_brand, inbox_team)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('crisis', '0002_brands_move_to_their_app'),
        ('inbox', '0024_brands_move_to_their_app'),
        ('monitoring', '0010_brands_move_to_their_app'),
        ('responses', '0004_brands_move_to_their_app'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name='Brand',
                ),
            ],
        ),
    ]
