"""State only: brands and teams live in the brands app now, in the tables they had (monitoring_brand, inbox_team)."""

import accounts.models
import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_types(apps, schema_editor):
    """Admin history and permissions follow the models to their new app."""
    content_type = apps.get_model("contenttypes", "ContentType")
    for app_label, model in (("monitoring", "brand"), ("inbox", "team")):
        if not content_type.objects.filter(app_label="brands", model=model).exists():
            content_type.objects.filter(app_label=app_label, model=model).update(app_label="brands")


def restore_content_types(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label="brands", model="brand").update(app_label="monitoring")
    content_type.objects.filter(app_label="brands", model="team").update(app_label="inbox")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('contenttypes', '0002_remove_content_type_name'),
        # The tables were created by these apps' migrations.
        ('monitoring', '0009_drop_sandbox_tables_unless_installed'),
        ('inbox', '0023_notification_mutes'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Brand',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=120)),
                        ('slug', models.SlugField(unique=True, validators=[django.core.validators.RegexValidator('^[a-z0-9][a-z0-9-]*$', 'Use lowercase letters, digits and hyphens.')])),
                        ('audience_time_zone', models.CharField(default='UTC', help_text="Where the brand's audience lives: hours, reports and check-in times use it.", max_length=64, validators=[accounts.models.validate_time_zone])),
                        ('default_language', models.CharField(default='en', help_text='The language the brand answers in unless a person writes in another.', max_length=8, validators=[accounts.models.validate_language])),
                        ('first_response_target_minutes', models.PositiveIntegerField(default=120, help_text='Time to first response the team promises (minutes).', validators=[django.core.validators.MinValueValidator(1)])),
                        ('review_target_minutes', models.PositiveIntegerField(blank=True, help_text='Items nobody can answer where they were found (alert-feed articles, webhook sources) are to review within this many minutes; empty: no target. They never run the first-response clock.', null=True, validators=[django.core.validators.MinValueValidator(1)])),
                        ('settings_version', models.BigIntegerField(default=0, editable=False)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('members', models.ManyToManyField(blank=True, db_table='monitoring_brand_members', related_name='brands', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'monitoring_brand',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='Team',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=80)),
                        ('brand', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='teams', to='brands.brand')),
                        ('members', models.ManyToManyField(blank=True, db_table='inbox_team_members', related_name='teams', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'inbox_team',
                        'ordering': ['name'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='brand',
                    constraint=models.CheckConstraint(condition=models.Q(('first_response_target_minutes__gte', 1)), name='brand_target_positive'),
                ),
                migrations.AddConstraint(
                    model_name='team',
                    constraint=models.UniqueConstraint(fields=('brand', 'name'), name='team_unique_per_brand'),
                ),
            ],
        ),
        migrations.RunPython(move_content_types, restore_content_types),
    ]
