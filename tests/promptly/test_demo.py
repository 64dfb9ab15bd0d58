"""The demo seed creates one user per role on the demo brand, and a second run changes nothing."""

import pytest

from accounts.models import User
from accounts.roles import Role, role_of
from brands.models import Brand
from promptly.demo import seed_demo


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.mark.django_db
def test_seed_demo_creates_a_brand_and_a_user_per_role_that_can_log_in(data_dir):
    logins = seed_demo()
    brand = Brand.objects.get(slug="acme")
    assert {login.role for login in logins} == set(Role)
    for login in logins:
        user = User.objects.get(username=login.username)
        assert user.check_password(login.password)
        assert role_of(user) == login.role
        assert brand.members.filter(pk=user.pk).exists()
    assert (data_dir / "demo-logins.json").stat().st_mode & 0o077 == 0


@pytest.mark.django_db
def test_second_seed_reuses_data_and_passwords(data_dir):
    first = seed_demo()
    second = seed_demo()
    assert first == second
    assert Brand.objects.count() == 1
    assert User.objects.count() == 3


@pytest.mark.django_db
def test_seed_demo_never_changes_the_password_or_role_of_an_existing_account(data_dir):
    from accounts.roles import Role as Roles
    from accounts.services import create_user

    own = create_user(username="admin", password="my-own-long-password", role=Roles.AGENT)
    logins = seed_demo()
    own.refresh_from_db()
    assert own.check_password("my-own-long-password")
    assert role_of(own) == Roles.AGENT
    assert not Brand.objects.get(slug="acme").members.filter(pk=own.pk).exists()
    shown = next(login for login in logins if login.username == "admin")
    assert "not changed" in shown.password
    assert seed_demo() == logins
