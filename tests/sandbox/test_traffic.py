"""The traffic generator: the mix it promises, in four languages, in bulk, the same for the same seed."""

from __future__ import annotations

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from sandbox import services, traffic
from sandbox.models import DirectMessage, FacebookComment, FacebookMessage, FacebookPost, FeedEntry, Tweet

EMOJI = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf]")


@pytest.fixture
def acme(db):
    services.create_x_account(username="acme", name="Acme")
    services.create_facebook_page(name="Acme", username="acme")
    services.create_feed(slug="acme", term="Acme")
    return "acme"


def test_mentions_only_run_makes_exactly_that_many_posts_tagging_the_brand(acme, django_assert_max_num_queries):
    brand_id = int(services.create_x_account(username="acme").user_id)

    with django_assert_max_num_queries(10):
        report = traffic.generate(brand=acme, count=5000, seed=1, mentions_only=True)

    assert len(report.mention_ids) == 5000 == len(set(report.mention_ids))
    assert Tweet.objects.filter(mentioned_user_ids__contains=[brand_id]).count() == 5000
    assert Tweet.objects.exclude(in_reply_to=None).count() == 500


def test_mixed_traffic_covers_languages_kinds_and_shapes(acme):
    report = traffic.generate(brand=acme, count=600, seed=2)

    tweets = list(Tweet.objects.all())
    texts = [t.text for t in tweets] + list(FacebookComment.objects.values_list("message", flat=True))
    assert {t.lang for t in tweets} == {"en", "es", "ru", "lt"}
    assert any("@acme" not in t.text.lower() and "acme" in t.text.lower() for t in tweets)  # named, not tagged
    assert any(t.in_reply_to_id for t in tweets) and any(t.retweet_of_id for t in tweets)
    assert any(EMOJI.search(text) for text in texts)
    assert any("https://" in text for text in texts)
    assert any(len(text) > 200 for text in texts)
    assert DirectMessage.objects.exists() and FacebookMessage.objects.exists()
    assert FacebookComment.objects.filter(hide_author=True).exists()
    assert FacebookComment.objects.exclude(parent=None).exists()
    tagging = FacebookPost.objects.filter(tagged_pages__username="acme")  # Page mentions, on others' timelines
    assert tagging.count() == report.counts["fb_page_mention"] > 0
    assert all(post.message.startswith("@Acme ") and post.page.username != "acme" for post in tagging)
    assert all("<b>Acme</b>" in e.title_html + e.summary_html for e in FeedEntry.objects.all())
    assert sum(report.counts.values()) == 600


def test_same_seed_writes_the_same_texts(acme):
    traffic.generate(brand=acme, count=50, seed=9, mentions_only=True)
    first = list(Tweet.objects.order_by("id").values_list("text", flat=True))
    Tweet.objects.all().delete()
    traffic.generate(brand=acme, count=50, seed=9, mentions_only=True)

    assert list(Tweet.objects.order_by("id").values_list("text", flat=True)) == first


def test_setup_command_prints_credentials_and_traffic_command_generates(db):
    out = StringIO()
    call_command("sandbox", "setup", "--brand", "acme", "--json", "--base-url", "http://demo:9000", stdout=out)
    credentials = json.loads(out.getvalue())
    call_command("sandbox", "traffic", "--brand", "acme", "--count", "40", "--seed", "3", stdout=StringIO())

    assert credentials["x"]["username"] == "acme"
    assert credentials["facebook"]["page_token"].startswith("EAAG")
    assert credentials["feed_url"] == "http://demo:9000/sandbox/feeds/acme.xml"
    assert Tweet.objects.count() + FacebookComment.objects.count() + FeedEntry.objects.count() > 0


def test_superuser_admin_lists_sandbox_posts_and_promptly_admins_do_not_see_them(client, admin_user, acme):
    traffic.generate(brand=acme, count=30, seed=4, mentions_only=True)
    client.force_login(admin_user)
    hidden = client.get("/admin/sandbox/tweet/")
    client.force_login(User.objects.create_superuser(username="root", password="x-very-secret-1"))

    pages = [client.get(f"/admin/sandbox/{name}/") for name in ("tweet", "xuser", "facebookcomment", "injectedfault")]

    assert hidden.status_code == 302  # the Django admin is for superusers: a Promptly admin is sent to its login
    assert "/admin/login/" in hidden["Location"]
    assert [page.status_code for page in pages] == [200, 200, 200, 200]
