"""The sandbox's X API v2 driven through tweepy over real HTTP: shapes, paging, errors, refusals."""

from __future__ import annotations

import re

import pytest
import requests
import tweepy

from sandbox import services
from sandbox.models import Tweet
from tests.sandbox.clients import x_client

X_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
FIELDS = {
    "expansions": ["author_id", "referenced_tweets.id", "in_reply_to_user_id", "entities.mentions.username"],
    "tweet_fields": [
        "created_at",
        "conversation_id",
        "lang",
        "author_id",
        "referenced_tweets",
        "entities",
        "in_reply_to_user_id",
    ],
    "user_fields": ["public_metrics", "created_at"],
}


@pytest.fixture
def brand_x(transactional_db: None) -> services.XCredentials:
    return services.create_x_account(username="acme", name="Acme Coffee")


def test_mentions_answer_with_documented_shape_and_expansions(sandbox_url, brand_x):
    services.x_user(username="maria", name="María", followers_count=5400)
    first = services.post_mention(brand="acme", text="my order came with the wrong beans 😡", author="maria", lang="en")
    services.post_tweet(author="someone", text="unrelated post")
    client = x_client(sandbox_url, brand_x, return_type=requests.Response)

    response = client.get_users_mentions(brand_x.user_id, **FIELDS)

    body = response.json()
    assert response.status_code == 200
    assert set(response.headers) >= {"x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset"}
    [tweet] = body["data"]
    assert tweet["id"] == str(first.id)
    assert tweet["text"] == "@acme my order came with the wrong beans 😡"
    assert tweet["edit_history_tweet_ids"] == [str(first.id)]
    assert X_TIME.match(tweet["created_at"])
    assert tweet["conversation_id"] == str(first.id)
    assert tweet["entities"]["mentions"] == [{"start": 0, "end": 5, "username": "acme", "id": brand_x.user_id}]
    users = {user["username"]: user for user in body["includes"]["users"]}
    assert users["maria"]["public_metrics"]["followers_count"] == 5400
    assert body["meta"] == {"newest_id": str(first.id), "oldest_id": str(first.id), "result_count": 1}


def test_mentions_page_backwards_with_next_token_and_honour_since_id(sandbox_url, brand_x):
    tweets = [services.post_mention(brand="acme", text=f"question {n}", author=f"user{n}") for n in range(12)]
    client = x_client(sandbox_url, brand_x)

    seen = []
    for page in tweepy.Paginator(client.get_users_mentions, brand_x.user_id, max_results=5):
        seen += [tweet.id for tweet in page.data]
    newer = services.post_mention(brand="acme", text="one more", author="late")
    since = client.get_users_mentions(brand_x.user_id, since_id=tweets[-1].id, max_results=5)

    assert seen == [tweet.id for tweet in reversed(tweets)]
    assert [tweet.id for tweet in since.data] == [newer.id]
    assert since.meta["newest_id"] == str(newer.id)


def test_empty_page_has_only_a_zero_result_count(sandbox_url, brand_x):
    response = x_client(sandbox_url, brand_x, return_type=dict).get_users_mentions(brand_x.user_id)

    assert response == {"meta": {"result_count": 0}}


def test_reply_inside_a_thread_carries_conversation_and_reference(sandbox_url, brand_x):
    root = services.post_mention(brand="acme", text="where is my order?", author="ana")
    reply = services.post_tweet(author="ben", text="@ana @acme same here", in_reply_to=root.id)
    client = x_client(sandbox_url, brand_x, return_type=dict)

    body = client.get_users_mentions(brand_x.user_id, **FIELDS)

    by_id = {tweet["id"]: tweet for tweet in body["data"]}
    assert by_id[str(reply.id)]["conversation_id"] == str(root.id)
    assert by_id[str(reply.id)]["referenced_tweets"] == [{"type": "replied_to", "id": str(root.id)}]
    assert by_id[str(reply.id)]["in_reply_to_user_id"] == str(root.author_id)
    assert [tweet["id"] for tweet in body["includes"]["tweets"]] == [str(root.id)]


def test_expansion_of_a_suspended_author_is_a_partial_error_beside_data(sandbox_url, brand_x):
    gone = services.x_user(username="gone", suspended=True)
    original = services.post_tweet(author=gone, text="@acme first")
    reply = services.post_mention(brand="acme", text="agree with this", author="fan", in_reply_to=original.id)
    client = x_client(sandbox_url, brand_x, return_type=dict)

    body = client.get_users_mentions(brand_x.user_id, **FIELDS)

    assert [tweet["id"] for tweet in body["data"]] == [str(reply.id)]
    assert "tweets" not in body["includes"]
    assert {error["resource_id"] for error in body["errors"]} >= {str(original.id), str(gone.id)}


def test_search_evaluates_words_phrases_or_negation_and_lang(sandbox_url, brand_x):
    wanted = services.post_tweet(author="a", text="Acme delivered the wrong order again", lang="en")
    spanish = services.post_tweet(author="b", text="Pedido equivocado de Acme", lang="es")
    services.post_tweet(author="c", text="RT @a: Acme delivered the wrong order again", retweet_of=wanted.id)
    services.post_tweet(author="d", text="acmes are unrelated", lang="en")
    client = x_client(sandbox_url, brand_x)

    english = client.search_recent_tweets('"wrong order" acme -is:retweet lang:en', max_results=10)
    either = client.search_recent_tweets("(acme OR pedido) -delivered", max_results=10)

    assert [tweet.id for tweet in english.data] == [wanted.id]
    assert [tweet.id for tweet in either.data] == [spanish.id]


def test_search_with_a_broken_query_answers_invalid_request(sandbox_url, brand_x):
    client = x_client(sandbox_url, brand_x)

    with pytest.raises(tweepy.BadRequest) as error:
        client.search_recent_tweets("(acme OR", max_results=10)

    assert error.value.response.json()["title"] == "Invalid Request"


def test_max_results_out_of_range_is_refused_with_x_error_body(sandbox_url, brand_x):
    with pytest.raises(tweepy.BadRequest) as error:
        x_client(sandbox_url, brand_x).get_users_mentions(brand_x.user_id, max_results=500)

    assert error.value.api_messages == ["The `max_results` query parameter value [500] is not between 5 and 100"]


def test_unknown_token_is_unauthorized(sandbox_url, brand_x):
    client = tweepy.Client(bearer_token="nope")
    client.session = x_client(sandbox_url, brand_x).session

    with pytest.raises(tweepy.Unauthorized) as error:
        client.get_users_mentions(brand_x.user_id)

    assert error.value.response.json() == {
        "title": "Unauthorized",
        "detail": "Unauthorized",
        "type": "about:blank",
        "status": 401,
    }


def test_brand_reply_to_a_mention_is_created_and_listed_in_its_timeline(sandbox_url, brand_x):
    mention = services.post_mention(brand="acme", text="wrong order!", author="ana")
    client = x_client(sandbox_url, brand_x)

    created = client.create_tweet(text="Sorry Ana, a new one is on its way", in_reply_to_tweet_id=mention.id)
    timeline = client.get_users_tweets(brand_x.user_id, tweet_fields=["conversation_id"], user_auth=False)

    reply = Tweet.objects.get(pk=created.data["id"])
    assert reply.in_reply_to_id == mention.id
    assert created.data["text"] == "Sorry Ana, a new one is on its way"
    assert [(tweet.id, tweet.conversation_id) for tweet in timeline.data] == [(reply.id, mention.id)]


def test_reply_to_a_post_that_does_not_mention_the_brand_is_forbidden(sandbox_url, brand_x):
    post = services.post_tweet(author="ana", text="acme got my order wrong")
    client = x_client(sandbox_url, brand_x)

    with pytest.raises(tweepy.Forbidden) as error:
        client.create_tweet(text="Sorry!", in_reply_to_tweet_id=post.id)

    body = error.value.response.json()
    assert body["detail"].startswith("Reply to this conversation is not allowed because you have not been mentioned")
    assert body["status"] == 403
    assert not Tweet.objects.filter(author_id=brand_x.user_id).exists()


def test_the_same_words_twice_from_one_account_are_refused_as_duplicate_content(sandbox_url, brand_x):
    first = services.post_mention(brand="acme", text="wrong order!", author="ana")
    second = services.post_mention(brand="acme", text="mine too!", author="ben")
    client = x_client(sandbox_url, brand_x)
    client.create_tweet(text="Sorry, a new one is on its way", in_reply_to_tweet_id=first.id)

    with pytest.raises(tweepy.Forbidden) as error:
        client.create_tweet(text="Sorry, a new one is on its way", in_reply_to_tweet_id=second.id)

    assert error.value.response.json() == {
        "title": "Forbidden",
        "detail": "You are not allowed to create a Tweet with duplicate content.",
        "type": "about:blank",
        "status": 403,
    }
    assert Tweet.objects.filter(author_id=brand_x.user_id).count() == 1


def test_text_is_served_as_x_serves_it_links_as_t_co_and_html_escaped(sandbox_url, brand_x):
    services.post_mention(brand="acme", text="Fish & chips <3 at https://example.com/a?b=1&c=2 ok", author="ana")
    client = x_client(sandbox_url, brand_x, return_type=requests.Response)

    [tweet] = client.get_users_mentions(brand_x.user_id, **FIELDS).json()["data"]

    [link] = tweet["entities"]["urls"]
    assert re.fullmatch(r"https://t\.co/\w{10}", link["url"])
    assert link["expanded_url"] == "https://example.com/a?b=1&c=2"
    assert tweet["text"] == f"@acme Fish &amp; chips &lt;3 at {link['url']} ok"
    assert tweet["text"][link["start"] : link["end"]] == link["url"]


def test_creating_a_post_needs_user_context(sandbox_url, brand_x):
    client = x_client(sandbox_url, brand_x)

    with pytest.raises(tweepy.Forbidden) as error:
        client.create_tweet(text="hello", user_auth=False)

    assert error.value.response.json()["title"] == "Unsupported Authentication"


def test_tweet_lookup_answers_data_or_not_found_error(sandbox_url, brand_x):
    mention = services.post_mention(brand="acme", text="hi", author="ana")
    client = x_client(sandbox_url, brand_x, return_type=dict)

    found = client.get_tweet(mention.id, tweet_fields=["created_at"], expansions=["author_id"])
    missing = client.get_tweet(1)

    assert found["data"]["id"] == str(mention.id)
    assert found["includes"]["users"][0]["username"] == "ana"
    assert missing["errors"][0]["title"] == "Not Found Error"
    assert "data" not in missing


def test_direct_messages_list_and_send(sandbox_url, brand_x):
    incoming = services.send_dm(sender="ana", recipient="acme", text="psst, my order number is 1234")
    services.send_dm(sender="ana", recipient="bob", text="not for the brand")
    client = x_client(sandbox_url, brand_x)

    events = client.get_direct_message_events(
        dm_event_fields=["created_at", "sender_id", "dm_conversation_id"], expansions=["sender_id"]
    )
    sent = client.create_direct_message(participant_id=incoming.sender_id, text="Thanks, checking now")
    thread = client.get_direct_message_events(participant_id=incoming.sender_id)

    [event] = events.data
    assert (event.id, event.text, event.sender_id) == (incoming.id, incoming.text, incoming.sender_id)
    assert event.dm_conversation_id == incoming.dm_conversation_id
    assert events.includes["users"][0].username == "ana"
    assert sent.data["dm_conversation_id"] == incoming.dm_conversation_id
    assert [e.text for e in thread.data] == ["Thanks, checking now", "psst, my order number is 1234"]


def test_direct_messages_refuse_app_only_auth(sandbox_url, brand_x):
    with pytest.raises(tweepy.Forbidden):
        x_client(sandbox_url, brand_x).get_direct_message_events(user_auth=False)
