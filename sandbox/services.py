"""Changes to the sandbox platform: accounts and their credentials, posts, DMs, comments, feed entries, faults.

Tests and the demo use these to play the customers; the sandbox's own POST endpoints use them too.
"""

from __future__ import annotations

import html
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from sandbox import webhooks
from sandbox.api.x_format import mentioned_usernames
from sandbox.models import (
    AlertFeed,
    DirectMessage,
    FacebookComment,
    FacebookConversation,
    FacebookMessage,
    FacebookPage,
    FacebookPost,
    FacebookUser,
    FaultSettings,
    FeedEntry,
    InjectedFault,
    Tweet,
    XUser,
)

MAX_TWEET_LENGTH = 280


class ReplyNotAllowed(Exception):
    """The brand may not reply: the post neither mentions it nor answers it (X's self-serve rule)."""


class DuplicateContent(Exception):
    """The account posted the very same text recently: X refuses it (403), whatever the post answers."""


class UnknownObject(Exception):
    """The post, user or conversation named does not exist in the sandbox."""


@dataclass(frozen=True)
class XCredentials:
    user_id: str
    username: str
    bearer_token: str
    consumer_key: str
    consumer_secret: str
    access_token: str
    access_token_secret: str


def _token(prefix: str = "", size: int = 24) -> str:
    return prefix + secrets.token_urlsafe(size)


@transaction.atomic
def create_x_account(*, username: str, name: str = "", followers_count: int = 1000) -> XCredentials:
    """A brand's X account with API credentials (app bearer token and OAuth 1.0a keys); idempotent per username."""
    account, _ = XUser.objects.get_or_create(
        username=username,
        defaults={"name": name or username, "followers_count": followers_count},
    )
    if not account.bearer_token:
        account.bearer_token = _token("AAAAAAAAAAAAAAAAAAAAA", 40)
        account.consumer_key = _token("", 18)
        account.consumer_secret = _token("", 36)
        account.access_token = f"{account.id}-{_token('', 24)}"
        account.access_token_secret = _token("", 32)
        account.save()
    return XCredentials(
        user_id=str(account.id),
        username=account.username,
        bearer_token=account.bearer_token,
        consumer_key=account.consumer_key,
        consumer_secret=account.consumer_secret,
        access_token=account.access_token,
        access_token_secret=account.access_token_secret,
    )


def x_user(*, username: str, name: str = "", followers_count: int = 0, suspended: bool = False) -> XUser:
    """A customer's X account (created on first use)."""
    user, _ = XUser.objects.get_or_create(
        username=username,
        defaults={"name": name or username, "followers_count": followers_count, "suspended": suspended},
    )
    return user


def _as_user(user: XUser | str) -> XUser:
    return user if isinstance(user, XUser) else x_user(username=user)


def mentioned_ids(text: str) -> list[int]:
    names = {name.lower() for name in mentioned_usernames(text)}
    if not names:
        return []
    found = XUser.objects.filter(username__iregex=r"^(" + "|".join(names) + r")$").values_list("id", flat=True)
    return sorted(found)


@transaction.atomic
def post_tweet(
    *,
    author: XUser | str,
    text: str,
    lang: str = "en",
    in_reply_to: int | None = None,
    retweet_of: int | None = None,
    created_at: datetime | None = None,
) -> Tweet:
    """Publish a post (a reply when in_reply_to is given) as `author`."""
    parent = None
    if in_reply_to is not None:
        parent = Tweet.objects.filter(pk=in_reply_to).first()
        if parent is None:
            raise UnknownObject(f"No post {in_reply_to}.")
    return Tweet.objects.create(
        author=_as_user(author),
        text=text,
        lang=lang,
        created_at=created_at or timezone.now(),
        in_reply_to=parent,
        in_reply_to_user_id=parent.author_id if parent else None,
        root_id=parent.conversation_id if parent else None,
        retweet_of_id=retweet_of,
        mentioned_user_ids=mentioned_ids(text),
    )


def post_mention(
    *, brand: str, text: str, author: XUser | str = "customer", lang: str = "en", in_reply_to: int | None = None
) -> Tweet:
    """A customer's post that tags the brand's account (its @handle is put in front when the text lacks it)."""
    if f"@{brand.lower()}" not in text.lower():
        text = f"@{brand} {text}"
    return post_tweet(author=author, text=text, lang=lang, in_reply_to=in_reply_to)


def check_reply_allowed(*, author: XUser, parent: Tweet) -> None:
    """X lets a self-serve app reply only where the author of the post engaged the replying account."""
    engaged = (
        parent.author_id == author.id
        or author.id in parent.mentioned_user_ids
        or parent.in_reply_to_user_id == author.id
        or DirectMessage.objects.filter(sender=parent.author, recipient=author).exists()
    )
    if not engaged:
        raise ReplyNotAllowed(
            "Reply to this conversation is not allowed because you have not been mentioned or otherwise engaged "
            "by the author of the post you are replying to."
        )


@transaction.atomic
def reply_as(*, author: XUser, text: str, in_reply_to: int) -> Tweet:
    """The account's reply to a post, refused as X refuses it (ReplyNotAllowed, UnknownObject)."""
    parent = Tweet.objects.select_related("author").filter(pk=in_reply_to).first()
    if parent is None or parent.author.suspended:
        raise UnknownObject("You attempted to reply to a Tweet that is deleted or not visible to you.")
    check_reply_allowed(author=author, parent=parent)
    return post_tweet(author=author, text=text, in_reply_to=in_reply_to)


# X does not document how far back it looks; a day is within what it is seen to refuse.
DUPLICATE_WINDOW = timedelta(hours=24)


def check_not_duplicate(*, author: XUser, text: str) -> None:
    """X refuses a post whose text the same account posted recently, wherever that one was posted."""
    since = timezone.now() - DUPLICATE_WINDOW
    if Tweet.objects.filter(author=author, text=text, created_at__gte=since).exists():
        raise DuplicateContent("You are not allowed to create a Tweet with duplicate content.")


@transaction.atomic
def send_dm(*, sender: XUser | str, recipient: XUser | str, text: str, lang: str = "en") -> DirectMessage:
    """A direct message on X between two accounts."""
    return DirectMessage.objects.create(sender=_as_user(sender), recipient=_as_user(recipient), text=text, lang=lang)


def set_faults(
    *,
    rate_500: float = 0.0,
    rate_429: float = 0.0,
    rate_timeout: float = 0.0,
    rate_malformed: float = 0.0,
    rate_duplicate: float = 0.0,
    seed: int = 0,
    slow_seconds: float = 5.0,
    reset_seconds: int = 30,
) -> None:
    """Set the fault rates of read endpoints (0..1 each) and restart the deterministic sequence.

    rate_500 + rate_429 + rate_timeout must not exceed 1: one request suffers at most one of them.
    The log of injected faults is cleared.
    """
    rates = [rate_500, rate_429, rate_timeout, rate_malformed, rate_duplicate]
    if any(not 0 <= rate <= 1 for rate in rates) or rate_500 + rate_429 + rate_timeout > 1:
        raise ValueError("Fault rates are fractions between 0 and 1; 500 + 429 + timeout at most 1.")
    values = {
        "rate_500": rate_500,
        "rate_429": rate_429,
        "rate_timeout": rate_timeout,
        "rate_malformed": rate_malformed,
        "rate_duplicate": rate_duplicate,
        "seed": seed,
        "slow_seconds": slow_seconds,
        "reset_seconds": reset_seconds,
        "requests_seen": 0,
    }
    with transaction.atomic():
        FaultSettings.objects.update_or_create(pk=1, defaults=values)
        InjectedFault.objects.all().delete()


@dataclass(frozen=True)
class PageCredentials:
    page_id: str
    name: str
    page_token: str
    app_secret: str
    verify_token: str


@transaction.atomic
def create_facebook_page(*, name: str, username: str, webhook_url: str = "") -> PageCredentials:
    """A brand's Facebook Page with a page access token and an app secret (webhook signing); idempotent."""
    page, created = FacebookPage.objects.get_or_create(
        username=username,
        defaults={
            "name": name,
            "page_token": _token("EAAG", 60),
            "app_secret": secrets.token_hex(16),
            "verify_token": _token("", 16),
            "webhook_url": webhook_url,
        },
    )
    if not created and webhook_url and page.webhook_url != webhook_url:
        page.webhook_url = webhook_url
        page.save(update_fields=["webhook_url"])
    return PageCredentials(str(page.id), page.name, page.page_token, page.app_secret, page.verify_token)


def facebook_user(*, name: str) -> FacebookUser:
    user = FacebookUser.objects.filter(name=name).order_by("pk").first()
    return user or FacebookUser.objects.create(name=name)


def _as_fb_user(user: FacebookUser | str) -> FacebookUser:
    return user if isinstance(user, FacebookUser) else facebook_user(name=user)


def _page(page_id: str | int) -> FacebookPage:
    page = FacebookPage.objects.filter(pk=int(page_id)).first()
    if page is None:
        raise UnknownObject(f"No Page {page_id}.")
    return page


@transaction.atomic
def publish_page_post(
    *, page_id: str | int, message: str, author: FacebookUser | str | None = None, created_time: datetime | None = None
) -> FacebookPost:
    """A post on the Page: by the Page itself (author None) or a visitor's post."""
    return FacebookPost.objects.create(
        page=_page(page_id),
        author=_as_fb_user(author) if author is not None else None,
        message=message,
        created_time=created_time or timezone.now(),
    )


def find_post(graph_id: str) -> FacebookPost:
    page_id, _, post_id = graph_id.partition("_")
    post = (
        FacebookPost.objects.filter(pk=int(post_id or 0), page_id=int(page_id or 0)).first()
        if post_id.isdigit() and page_id.isdigit()
        else None
    )
    if post is None:
        raise UnknownObject(f"No post {graph_id}.")
    return post


def find_comment(graph_id: str) -> FacebookComment:
    post_id, _, comment_id = graph_id.partition("_")
    found = None
    if post_id.isdigit() and comment_id.isdigit():
        found = (
            FacebookComment.objects.select_related("post__page")
            .filter(pk=int(comment_id), post_id=int(post_id))
            .first()
        )
    if found is None:
        raise UnknownObject(f"No comment {graph_id}.")
    return found


def page_sees(page: FacebookPage, post: FacebookPost) -> bool:
    """A Page reads (and comments on) its own posts and the posts elsewhere that tag it."""
    return post.page_id == page.id or post.tagged_pages.filter(pk=page.pk).exists()


@transaction.atomic
def post_comment(
    *,
    on: str,
    message: str,
    author: FacebookUser | str | None = None,
    hide_author: bool = False,
    created_time: datetime | None = None,
    by_page: FacebookPage | None = None,
) -> FacebookComment:
    """A comment on a post, or a reply when `on` is a comment id (Facebook threads one level: a reply to a
    reply joins its top-level comment). author None: a Page comments, `by_page` or the post's own.
    Pushes the Page webhook."""
    parent: FacebookComment | None
    try:
        parent = find_comment(on)
        post = parent.post
    except UnknownObject:
        parent, post = None, find_post(on)
    if parent is not None and parent.parent_id is not None:
        parent = parent.parent
    comment = FacebookComment.objects.create(
        post=post,
        parent=parent,
        author=_as_fb_user(author) if author is not None else None,
        by_page=by_page if author is None and by_page is not None and by_page.pk != post.page_id else None,
        message=message,
        hide_author=hide_author,
        created_time=created_time or timezone.now(),
    )
    webhooks.push_on_commit(post.page, webhooks.comment_event(comment))
    return comment


@transaction.atomic
def tag_page_in_post(
    *,
    page_id: str | int,
    message: str,
    author: FacebookUser | str,
    created_time: datetime | None = None,
    push: bool = True,
) -> FacebookPost:
    """Someone's post on their own timeline (kept on a Page of theirs) that tags the brand's Page: it shows on
    the Page's `tagged` edge and pushes a `mention` change to the Page's webhook."""
    tagged = _page(page_id)
    person = _as_fb_user(author)
    timeline, _ = FacebookPage.objects.get_or_create(
        username=f"timeline-{person.pk}",
        defaults={
            "name": person.name,
            "page_token": _token("EAAG", 60),
            "app_secret": secrets.token_hex(16),
            "verify_token": _token("", 16),
        },
    )
    post = FacebookPost.objects.create(
        page=timeline, author=person, message=message, created_time=created_time or timezone.now()
    )
    post.tagged_pages.add(tagged)
    if push:
        webhooks.push_on_commit(tagged, webhooks.mention_event(post, tagged))
    return post


@transaction.atomic
def send_page_message(
    *, page_id: str | int, user: FacebookUser | str, text: str, created_time: datetime | None = None
) -> FacebookMessage:
    """A person's Messenger message to the Page. Pushes the Page webhook."""
    page = _page(page_id)
    moment = created_time or timezone.now()
    conversation, _ = FacebookConversation.objects.get_or_create(page=page, user=_as_fb_user(user))
    conversation.updated_time = moment
    conversation.save(update_fields=["updated_time"])
    message = FacebookMessage.objects.create(conversation=conversation, text=text, created_time=moment)
    webhooks.push_on_commit(page, webhooks.message_event(message))
    return message


class OutsideMessagingWindow(Exception):
    """The person last wrote more than 24 hours ago: a RESPONSE may no longer be sent."""


MESSAGING_WINDOW = timedelta(hours=24)


@transaction.atomic
def page_reply_message(*, page: FacebookPage, recipient_id: str, text: str) -> FacebookMessage:
    """The Page's Messenger answer to a person (the Send API), within the 24-hour window."""
    conversation = FacebookConversation.objects.filter(
        page=page, user_id=int(recipient_id) if recipient_id.isdigit() else 0
    ).first()
    if conversation is None:
        raise UnknownObject("No matching user found")
    last = conversation.messages.filter(from_page=False).order_by("-created_time").first()
    if last is None or timezone.now() - last.created_time > MESSAGING_WINDOW:
        raise OutsideMessagingWindow("This message is sent outside of allowed window.")
    conversation.updated_time = timezone.now()
    conversation.save(update_fields=["updated_time"])
    return FacebookMessage.objects.create(conversation=conversation, from_page=True, text=text)


# A Page may answer a public comment with one private message (a "private reply") within 7 days of it.
PRIVATE_REPLY_WINDOW = timedelta(days=7)


@transaction.atomic
def page_private_reply(*, page: FacebookPage, comment_id: str, text: str) -> FacebookMessage:
    """The Page's private reply to a comment: a Messenger message to its author, opening their conversation."""
    comment = find_comment(comment_id)
    if comment.post.page_id != page.id or comment.author is None:
        raise UnknownObject("No matching comment found")
    if timezone.now() - comment.created_time > PRIVATE_REPLY_WINDOW:
        raise OutsideMessagingWindow("This comment is too old to reply to privately.")
    conversation, _ = FacebookConversation.objects.get_or_create(page=page, user=comment.author)
    conversation.updated_time = timezone.now()
    conversation.save(update_fields=["updated_time"])
    return FacebookMessage.objects.create(conversation=conversation, from_page=True, text=text)


@transaction.atomic
def create_feed(*, slug: str, term: str) -> AlertFeed:
    """An alerts feed for a term, served at /sandbox/feeds/<slug>.xml; idempotent per slug."""
    feed, _ = AlertFeed.objects.get_or_create(slug=slug, defaults={"term": term})
    return feed


def alert_html(text: str, term: str) -> str:
    """Text as an alert shows it: escaped, with the term in bold wherever it occurs."""
    escaped = html.escape(text, quote=False)
    if not term:
        return escaped
    pattern = re.compile(re.escape(html.escape(term, quote=False)), re.IGNORECASE)
    return pattern.sub(lambda match: f"<b>{match.group(0)}</b>", escaped)


@transaction.atomic
def publish_feed_entry(
    *, feed: str, title: str, summary: str, article_url: str, published: datetime | None = None
) -> FeedEntry:
    """A new alert: plain title and summary (the feed bolds its term), the article's real URL."""
    alert_feed = AlertFeed.objects.filter(slug=feed).first()
    if alert_feed is None:
        raise UnknownObject(f"No feed {feed}.")
    return FeedEntry.objects.create(
        feed=alert_feed,
        title_html=alert_html(title, alert_feed.term)[:500],
        summary_html=alert_html(summary, alert_feed.term),
        article_url=article_url,
        published=published or timezone.now(),
    )


def x_handle(slug: str) -> str:
    """The sandbox X username of a brand: its slug as X allows usernames (letters, digits, _; 15 long)."""
    return slug.replace("-", "_")[:15]
