"""A database made while brands lived in monitoring (and teams in inbox) migrates forward with its data."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.models import User
from brands.models import Brand, Team
from inbox.models import Tag
from monitoring.models import ChannelAccount
from responses.models import SavedReply

# The leaves of the apps that held or pointed at Brand and Team before they moved.
BEFORE_THE_MOVE = [
    ("monitoring", "0009_drop_sandbox_tables_unless_installed"),
    ("inbox", "0023_notification_mutes"),
    ("responses", "0003_crisis_free_text"),
    ("crisis", "0001_initial"),
]


def _migrate(targets: list[tuple[str, str]] | None = None) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return executor


@pytest.mark.django_db(transaction=True)
def test_brands_teams_members_and_what_points_at_them_survive_the_move_to_the_brands_app():
    try:
        old = _migrate(BEFORE_THE_MOVE).loader.project_state(BEFORE_THE_MOVE).apps
        person = User.objects.create_user(username="maria").pk
        brand = old.get_model("monitoring", "Brand").objects.create(slug="acme", name="Acme Coffee")
        brand.members.add(person)
        team = old.get_model("inbox", "Team").objects.create(brand=brand, name="Billing")
        team.members.add(person)
        old.get_model("inbox", "Tag").objects.create(brand=brand, name="refund")
        old.get_model("monitoring", "ChannelAccount").objects.create(brand=brand, platform="x", external_id="42")
        old.get_model("responses", "SavedReply").objects.create(brand=brand, title="Thanks", text="Thank you!")
    finally:
        _migrate()

    moved = Brand.objects.get(slug="acme")
    maria = User.objects.get(username="maria")
    assert list(moved.members.all()) == [maria]
    assert list(Team.objects.filter(brand=moved, members=maria).values_list("name", flat=True)) == ["Billing"]
    assert Tag.objects.get(name="refund").brand == moved
    assert ChannelAccount.objects.get(external_id="42").brand == moved
    assert SavedReply.objects.get(title="Thanks").brand == moved
    assert list(maria.brands.all()) == [moved]
