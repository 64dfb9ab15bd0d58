"""Traffic shapes played on demand: each customer in each place, so a test or a demo sees how they thread.

`several_customers` (`manage.py sandbox scenario --brand SLUG`) publishes, on a brand's sandbox
accounts, the shapes where one place holds several customers: the brand's Facebook post with comments from
three people, the brand's own post on X with replies from two, a customer's thread on X mentioning the
brand, and an alert-feed article. The brand's native answer (written on the platform) comes later, by
`answer_natively`, once Promptly has seen the comment it answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from sandbox import services
from sandbox.models import FacebookComment, FacebookPage, FacebookPost, FeedEntry, Tweet, XUser


@dataclass(frozen=True)
class SeveralCustomers:
    """What was published, by the names the scenario gives the people in it."""

    page_post: FacebookPost
    comments: dict[str, FacebookComment]  # noah, emma, lucia
    brand_tweet: Tweet
    replies: dict[str, Tweet]  # ann, ben
    thread: list[Tweet]  # carla's post mentioning the brand, then her follow-up under it
    article: FeedEntry


@transaction.atomic
def several_customers(*, slug: str) -> SeveralCustomers:
    """Publish the scenario on the brand's sandbox accounts (`manage.py sandbox setup --brand SLUG`)."""
    brand = XUser.objects.get(username=services.x_handle(slug))
    page = FacebookPage.objects.get(username=slug)
    page_post = services.publish_page_post(page_id=page.pk, message="Our winter blend is out, tell us what you think")
    comments = {
        "noah": services.post_comment(on=page_post.graph_id, message="Is it decaf too?", author="Noah Bennett"),
        "emma": services.post_comment(
            on=page_post.graph_id,
            message="Paid for express, 6 days later my order is still 'processing'",
            author="Emma Clarke",
        ),
        "lucia": services.post_comment(
            on=page_post.graph_id, message="Love it, best one so far", author="Lucia Ortega"
        ),
    }
    brand_tweet = services.post_tweet(author=brand, text="Winter blend day: what are you brewing?")
    replies = {
        name: services.post_tweet(
            author=services.x_user(username=name, name=name.title()),
            text=f"@{brand.username} {text}",
            in_reply_to=brand_tweet.id,
        )
        for name, text in (("ann", "a flat white, as always"), ("ben", "my grinder broke, any advice?"))
    }
    carla = services.x_user(username="carla", name="Carla")
    opening = services.post_tweet(author=carla, text=f"@{brand.username} my subscription box never arrived")
    follow_up = services.post_tweet(
        author=carla, text=f"@{brand.username} order 4411, shipped two weeks ago", in_reply_to=opening.id
    )
    article = services.publish_feed_entry(
        feed=slug,
        title="Coffee chains raise prices again",
        summary="Roasters blame the bean harvest",
        article_url="https://news.example.org/coffee-prices",
    )
    return SeveralCustomers(page_post, comments, brand_tweet, replies, [opening, follow_up], article)


def answer_natively(comment: FacebookComment, *, text: str, at: datetime | None = None) -> FacebookComment:
    """The Page answers a comment on Facebook itself, under it, at `at` (default now)."""
    return services.post_comment(on=comment.graph_id, message=text, created_time=at or timezone.now())
