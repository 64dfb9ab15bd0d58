from django.db import migrations, models

import accounts.models


def superusers_only_in_the_admin(apps, schema_editor):
    """Role holders lose the Django admin (it is not scoped by brand); superusers keep it."""
    User = apps.get_model("accounts", "User")
    User.objects.filter(is_staff=True, is_superuser=False).update(is_staff=False)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_drop_plaintext_api_tokens")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="in_training",
            field=models.BooleanField(
                default=False,
                help_text="Still learning: shown to the team, and round-robin leaves them out unless listed.",
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="language",
            field=models.CharField(
                default="en",
                help_text="The person's own language.",
                max_length=8,
                validators=[accounts.models.validate_language],
            ),
        ),
        migrations.RunPython(superusers_only_in_the_admin, migrations.RunPython.noop),
    ]
