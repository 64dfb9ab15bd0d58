"""The alerts feed through feedparser, and the customer's view pages (escaped, replies included)."""

from __future__ import annotations

import urllib.parse

import feedparser
import pytest
import requests

from sandbox import services
from tests.sandbox.clients import x_client

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_alerts_feed_has_redirect_wrapped_links_and_html_titles(sandbox_url):
    feed = services.create_feed(slug="acme", term="Acme")
    services.publish_feed_entry(
        feed="acme",
        title="Acme opens in Kaunas",
        summary="The Acme chain <plans> more",
        article_url="https://news.example.com/a?id=1&x=2",
    )

    parsed = feedparser.parse(requests.get(f"{sandbox_url}/feeds/{feed.slug}.xml", timeout=10).content)

    [entry] = parsed.entries
    assert parsed.feed.title == "Google Alert - Acme"
    assert entry.title == "<b>Acme</b> opens in Kaunas"
    assert entry.summary == "The <b>Acme</b> chain &lt;plans&gt; more"
    link = urllib.parse.urlsplit(entry.link)
    assert (link.netloc, link.path) == ("www.google.com", "/url")
    assert urllib.parse.parse_qs(link.query)["url"] == ["https://news.example.com/a?id=1&x=2"]
    assert entry.id.startswith("tag:google.com,2013:googlealerts/feed:")
    assert entry.published_parsed is not None


def test_unknown_feed_is_404(sandbox_url):
    assert requests.get(f"{sandbox_url}/feeds/nope.xml", timeout=10).status_code == 404


def test_x_thread_page_shows_the_brand_reply_and_escapes_hostile_text(sandbox_url, transactional_db):
    brand = services.create_x_account(username="acme", name="Acme")
    mention = services.post_mention(brand="acme", text=HOSTILE, author="mallory")
    reply = x_client(sandbox_url, brand).create_tweet(text="We are on it", in_reply_to_tweet_id=mention.id)

    page = requests.get(f"{sandbox_url}/x/mallory/status/{mention.id}", timeout=10)
    moved = requests.get(f"{sandbox_url}/x/someone/status/{reply.data['id']}", timeout=10, allow_redirects=False)

    assert page.status_code == 200
    assert "<script>alert" not in page.text and "<img src=x" not in page.text
    assert "&lt;script&gt;" in page.text
    assert "We are on it" in page.text and 'class="badge">Brand' in page.text
    assert moved.status_code == 302 and moved.headers["Location"].endswith(f"/x/acme/status/{reply.data['id']}")


def test_facebook_post_page_and_conversations_escape_text(sandbox_url, transactional_db):
    page = services.create_facebook_page(name="Acme", username="acme")
    post = services.publish_page_post(page_id=page.page_id, message="hello")
    comment = services.post_comment(on=post.graph_id, message=HOSTILE, author="Mallory")
    services.post_comment(on=comment.graph_id, message="Thanks for telling us")
    message = services.send_page_message(page_id=page.page_id, user="Mallory", text=HOSTILE)
    dm = services.send_dm(sender="mallory", recipient="acme", text=HOSTILE)

    shown = [
        requests.get(url, timeout=10)
        for url in (
            f"{sandbox_url}/facebook/{post.graph_id}",
            f"{sandbox_url}/facebook/{page.page_id}/messages/{message.conversation.graph_id}",
            f"{sandbox_url}/x/messages/{dm.dm_conversation_id}",
            f"{sandbox_url}/",
        )
    ]

    assert [answer.status_code for answer in shown] == [200, 200, 200, 200]
    assert all("<script>alert" not in answer.text for answer in shown)
    assert "Thanks for telling us" in shown[0].text
    assert "&lt;script&gt;" in shown[1].text and "&lt;script&gt;" in shown[2].text


@pytest.mark.parametrize("path", ["x/acme/status/1", "facebook/1_2", "facebook/abc", "x/messages/1-2"])
def test_missing_things_are_404(sandbox_url, path):
    assert requests.get(f"{sandbox_url}/{path}", timeout=10).status_code == 404


@pytest.mark.browser
def test_customer_sees_the_brand_reply_in_the_thread(sandbox_url, chromium):
    brand = services.create_x_account(username="acme", name="Acme")
    mention = services.post_mention(brand="acme", text="wrong order 😡", author="ana")
    x_client(sandbox_url, brand).create_tweet(text="Sorry Ana, fixing it now", in_reply_to_tweet_id=mention.id)
    page = chromium.new_page()

    page.goto(f"{sandbox_url}/x/ana/status/{mention.id}")

    articles = page.locator("article")
    assert articles.count() == 2
    assert "Sorry Ana, fixing it now" in articles.nth(1).inner_text()
    assert "Replying to @ana" in articles.nth(1).inner_text()
    page.close()
