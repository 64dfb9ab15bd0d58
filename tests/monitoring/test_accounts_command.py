"""`manage.py accounts add|list`: scripted account set-up, tokens encrypted, clear errors."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_celery_beat.models import PeriodicTask

from brands.services import add_brand
from monitoring.crypto import decrypt_credentials
from monitoring.models import ChannelAccount, Platform
from sandbox import services as sandbox


def run(*args: str) -> str:
    out = StringIO()
    call_command("accounts", *args, stdout=out)
    return out.getvalue()


def test_accounts_add_x_stores_tokens_encrypted_and_schedules_polling(brand):
    output = run(
        "add",
        "x",
        "--brand",
        "acme",
        "--user-id",
        "1234",
        "--handle",
        "@acme",
        "--bearer-token",
        "bearer-secret-1",
        "--consumer-key",
        "ck",
        "--consumer-secret",
        "cs",
        "--access-token",
        "at",
        "--access-secret",
        "as",
    )
    account = ChannelAccount.objects.get(brand=brand, platform=Platform.X)
    assert (account.external_id, account.handle) == ("1234", "acme")
    assert "bearer-secret-1" not in account.encrypted_credentials
    assert decrypt_credentials(account.encrypted_credentials)["bearer_token"] == "bearer-secret-1"
    assert decrypt_credentials(account.encrypted_credentials)["access_secret"] == "as"
    task = PeriodicTask.objects.get(name=f"poll account {account.pk}")
    assert (task.task, task.args, task.interval.every, task.enabled) == (
        "monitoring.tasks.poll_account_task",
        f"[{account.pk}]",
        60,
        True,
    )
    assert "Connected" in output


def test_accounts_add_facebook_and_feed_then_list_without_tokens(platforms, live_brand):
    page = sandbox.create_facebook_page(name="Acme Coffee", username="acmecoffee")
    run("add", "facebook", "--brand", "acme", "--page-id", page.page_id, "--page-token", page.page_token)
    run("add", "feed", "--brand", "acme", "--url", "https://alerts.example.com/feed.xml")
    listing = run("list")
    assert "acme\tfacebook" in listing
    assert "https://alerts.example.com/feed.xml" in listing
    assert page.page_token not in listing
    assert ChannelAccount.objects.get(platform=Platform.FACEBOOK).handle == "Acme Coffee"  # as Graph names it
    feed = ChannelAccount.objects.get(platform=Platform.FEED)
    assert feed.feed_url == "https://alerts.example.com/feed.xml"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["x", "--brand", "nope", "--user-id", "1", "--handle", "a", "--bearer-token", "t"], "no brand 'nope'"),
        (["x", "--brand", "acme", "--user-id", "acme", "--handle", "a", "--bearer-token", "t"], "numeric id"),
        (
            ["x", "--brand", "acme", "--user-id", "1", "--handle", "a", "--bearer-token", "t", "--consumer-key", "k"],
            "all four",
        ),
        (["feed", "--brand", "acme", "--url", "javascript:alert(1)"], r"not an http\(s\) URL"),
        (["feed", "--brand", "acme", "--url", "not a url"], r"not an http\(s\) URL"),
        (["facebook", "--brand", "acme", "--page-id", "x1", "--page-token", "t"], "is a number"),
    ],
)
def test_accounts_add_explains_what_is_wrong(brand, args, message):
    with pytest.raises(CommandError, match=message):
        run("add", *args)
    assert not ChannelAccount.objects.exists()


def test_accounts_add_refuses_a_duplicate(brand):
    run("add", "feed", "--brand", "acme", "--url", "https://alerts.example.com/feed.xml")
    with pytest.raises(CommandError, match="already has the Alert feed account"):
        run("add", "feed", "--brand", "acme", "--url", "https://alerts.example.com/feed.xml")
    assert ChannelAccount.objects.count() == 1


def test_accounts_list_says_when_nothing_is_connected(db):
    assert "No accounts connected yet" in run("list")


def test_accounts_add_webhook_shows_the_signing_secret_once(brand):
    output = run("add", "webhook", "--brand", "acme", "--name", "shop-reviews")
    account = ChannelAccount.objects.get(platform=Platform.WEBHOOK)
    secret = decrypt_credentials(account.encrypted_credentials)["secret"]
    assert secret in output
    assert f"/webhooks/inbound/{account.pk}/" in output
    assert not PeriodicTask.objects.filter(name=f"poll account {account.pk}").exists()


def test_accounts_add_facebook_refuses_a_token_that_cannot_read_the_page(platforms, live_brand):
    page = sandbox.create_facebook_page(name="Acme Coffee", username="acmecoffee")
    other = sandbox.create_facebook_page(name="Someone Else", username="someoneelse")

    for token in ("not-a-token", other.page_token):
        with pytest.raises(CommandError, match=f"This token cannot read the Page {page.page_id}. Facebook answered"):
            run("add", "facebook", "--brand", "acme", "--page-id", page.page_id, "--page-token", token)
    assert not ChannelAccount.objects.exists()


def test_a_facebook_page_belongs_to_one_brand_only(platforms, live_brand):
    page = sandbox.create_facebook_page(name="Acme Coffee", username="acmecoffee")
    add_brand(slug="beans", name="Beans Inc")
    run("add", "facebook", "--brand", "acme", "--page-id", page.page_id, "--page-token", page.page_token)

    with pytest.raises(CommandError, match=f"The Facebook Page {page.page_id} is already connected to another brand"):
        run("add", "facebook", "--brand", "beans", "--page-id", page.page_id, "--page-token", page.page_token)
    with pytest.raises(CommandError, match=f"acme already has the Facebook Page {page.page_id}"):
        run("add", "facebook", "--brand", "acme", "--page-id", page.page_id, "--page-token", page.page_token)
    assert ChannelAccount.objects.get().brand.slug == "acme"
