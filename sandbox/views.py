"""The customer's view: public threads and private conversations as the platform would show them.

These pages belong to the pretend platforms (served only in sandbox mode, no Promptly login), so a
browser test can see a reply sent from the inbox where the customer would see it. Every text is
escaped by the templates; URLs are built from ids and handles only.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from sandbox.models import (
    AlertFeed,
    DirectMessage,
    FacebookComment,
    FacebookConversation,
    FacebookPage,
    FacebookPost,
    Tweet,
    XUser,
)

RECENT = 30


def home(request: HttpRequest) -> HttpResponse:
    """What the sandbox holds: brand accounts, the latest posts, links to each thread."""
    context = {
        "brands": XUser.objects.exclude(bearer_token="").order_by("username"),
        "pages": FacebookPage.objects.order_by("name"),
        "feeds": AlertFeed.objects.order_by("slug"),
        "tweets": Tweet.objects.select_related("author").order_by("-id")[:RECENT],
        "posts": FacebookPost.objects.select_related("page", "author").order_by("-id")[:RECENT],
    }
    return render(request, "sandbox/home.html", context)


def x_status(request: HttpRequest, handle: str, tweet_id: int) -> HttpResponse:
    """A post and its whole conversation, oldest first, as x.com shows a thread."""
    tweet = get_object_or_404(Tweet.objects.select_related("author"), pk=tweet_id)
    if tweet.author.username.lower() != handle.lower():
        return redirect("sandbox:x-status", handle=tweet.author.username, tweet_id=tweet.id)
    root = tweet.conversation_id
    thread = Tweet.objects.filter(Q(pk=root) | Q(root_id=root)).select_related("author", "in_reply_to__author")
    brands = set(XUser.objects.exclude(bearer_token="").values_list("id", flat=True))
    context = {"focus": tweet, "thread": thread.order_by("id"), "brand_ids": brands}
    return render(request, "sandbox/x_status.html", context)


def x_messages(request: HttpRequest, conversation_id: str) -> HttpResponse:
    """A DM conversation between two accounts (its id is their two user ids, low-high)."""
    low, _, high = conversation_id.partition("-")
    if not (low.isdigit() and high.isdigit()):
        raise Http404("No such conversation.")
    people = XUser.objects.in_bulk([int(low), int(high)])
    if len(people) != 2:
        raise Http404("No such conversation.")
    pair = [int(low), int(high)]
    events = DirectMessage.objects.filter(sender_id__in=pair, recipient_id__in=pair).select_related("sender")
    context = {"people": list(people.values()), "events": events.order_by("id"), "conversation_id": conversation_id}
    return render(request, "sandbox/x_messages.html", context)


def facebook_post(request: HttpRequest, post_id: str) -> HttpResponse:
    """A Page post with its comments and their replies, as facebook.com shows them."""
    page_id, _, number = post_id.partition("_")
    if not (page_id.isdigit() and number.isdigit()):
        raise Http404("No such post.")
    post = get_object_or_404(
        FacebookPost.objects.select_related("page", "author"), pk=int(number), page_id=int(page_id)
    )
    comments = list(FacebookComment.objects.filter(post=post).select_related("author").order_by("id"))
    replies: dict[int, list[FacebookComment]] = {}
    for comment in comments:
        if comment.parent_id is not None:
            replies.setdefault(comment.parent_id, []).append(comment)
    threads = [(comment, replies.get(comment.id, [])) for comment in comments if comment.parent_id is None]
    return render(request, "sandbox/facebook_post.html", {"post": post, "threads": threads})


def facebook_messages(request: HttpRequest, page_id: int, conversation_id: str) -> HttpResponse:
    """A Messenger conversation between a person and the Page."""
    number = conversation_id.removeprefix("t_")
    if not number.isdigit():
        raise Http404("No such conversation.")
    conversation = get_object_or_404(
        FacebookConversation.objects.select_related("page", "user"), pk=int(number), page_id=page_id
    )
    context = {"conversation": conversation, "messages": conversation.messages.order_by("id")}
    return render(request, "sandbox/facebook_messages.html", context)
