"""Realistic sandbox traffic for demos and load: customers posting about a brand on X, Facebook and in the news.

`generate()` writes in bulk (a few INSERTs per kind whatever the count), so a 5,000-mention run takes
seconds. The same seed gives the same texts, authors and mix.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from sandbox import phrases, webhooks
from sandbox.models import (
    AlertFeed,
    DirectMessage,
    FacebookComment,
    FacebookConversation,
    FacebookMessage,
    FacebookPage,
    FacebookPost,
    FacebookUser,
    FeedEntry,
    Tweet,
    XUser,
)
from sandbox.services import alert_html, tag_page_in_post, x_handle

# How often each kind of traffic appears when a brand has every channel.
MIX = {
    "x_mention": 35,
    "x_untagged": 10,
    "x_thread_reply": 8,
    "x_dm": 7,
    "x_retweet": 3,
    "fb_comment": 15,
    "fb_visitor_post": 5,
    "fb_page_post": 2,
    "fb_page_mention": 3,
    "fb_message": 8,
    "feed_entry": 7,
}
LANGUAGE_WEIGHTS = {"en": 40, "es": 25, "ru": 20, "lt": 15}
MENTION_KINDS = {"complaint": 35, "question": 30, "praise": 18, "spam": 5, "long": 12}
MAX_TWEET = 280
EMOJI = ["🙏", "😅", "☕", "🤷", "😤", "💔", "👀", "🙃", "❤️", "🔥", "!!", "?!"]


@dataclass
class TrafficReport:
    counts: Counter[str] = field(default_factory=Counter)
    mention_ids: list[int] = field(default_factory=list)  # X posts that tag the brand, oldest first


@dataclass
class Targets:
    brand: XUser | None
    page: FacebookPage | None
    feed: AlertFeed | None
    name: str

    @classmethod
    def for_slug(cls, slug: str) -> Targets:
        brand = XUser.objects.filter(username=x_handle(slug)).first()
        page = FacebookPage.objects.filter(username=slug).first()
        feed = AlertFeed.objects.filter(slug=slug).first()
        name = brand.name if brand else page.name if page else feed.term if feed else slug
        return cls(brand, page, feed, name)


class Writer:
    """Seeded texts in four languages."""

    def __init__(self, rng: random.Random, brand_name: str, handle: str) -> None:
        self.rng, self.brand_name, self.handle = rng, brand_name, handle

    def language(self) -> str:
        return self.rng.choices(list(LANGUAGE_WEIGHTS), weights=list(LANGUAGE_WEIGHTS.values()))[0]

    def fill(self, template: str, lang: str) -> str:
        return template.format(
            brand=self.brand_name,
            handle=f"@{self.handle}",
            item=self.rng.choice(phrases.ITEMS[lang]),
            order=f"#{self.rng.randrange(100000, 999999)}",
            city=self.rng.choice(phrases.CITIES[lang]),
            days=self.rng.randrange(2, 15),
        )

    def pick(self, bank: dict[str, list[str]], lang: str) -> str:
        return self.fill(self.rng.choice(bank[lang]), lang)

    def long_text(self, lang: str, limit: int) -> str:
        sentences = self.rng.sample(phrases.LONG[lang], k=min(len(phrases.LONG[lang]), self.rng.randrange(3, 6)))
        text = " ".join(sentences)
        return text if len(text) <= limit else text[: text.rfind(" ", 0, limit - 1)] + "…"

    def mention(self, lang: str) -> str:
        kind = self.rng.choices(list(MENTION_KINDS), weights=list(MENTION_KINDS.values()))[0]
        if kind == "long":
            prefix = f"@{self.handle} "
            return prefix + self.long_text(lang, MAX_TWEET - len(prefix))
        bank = {
            "complaint": phrases.COMPLAINTS,
            "question": phrases.QUESTIONS,
            "praise": phrases.PRAISE,
            "spam": phrases.SPAM,
        }[kind]
        text = self.pick(bank, lang)
        if self.rng.random() < 0.3:
            text += " " + self.rng.choice(EMOJI)
        if kind == "complaint" and self.rng.random() < 0.2:
            text += f" https://pic.example.com/{self.rng.randrange(10**8, 10**9)}"
        return text[:MAX_TWEET]

    def person(self, lang: str) -> tuple[str, str]:
        """(handle, display name) of a customer."""
        name = f"{self.rng.choice(phrases.FIRST_NAMES[lang])} {self.rng.choice(phrases.LAST_NAMES[lang])}"
        handle = f"{self.rng.choice(phrases.HANDLE_STEMS[lang])}{self.rng.randrange(1, 9999)}"[:15]
        return handle, name


class Generator:
    def __init__(self, targets: Targets, seed: int, push_webhooks: bool) -> None:
        self.targets = targets
        self.rng = random.Random(seed)  # noqa: S311 - made-up traffic, not secrets
        handle = targets.brand.username if targets.brand else targets.name
        self.writer = Writer(self.rng, targets.name, handle)
        self.push_webhooks = push_webhooks
        self.report = TrafficReport()
        self.clock = timezone.now()

    def tick(self) -> datetime:
        # Strictly increasing times in creation order, so X ids and created_at agree.
        self.clock += timedelta(milliseconds=1)
        return self.clock

    def x_customers(self, count: int) -> list[tuple[XUser, str]]:
        wanted = {}
        for _ in range(count):
            lang = self.writer.language()
            handle, name = self.writer.person(lang)
            wanted[handle] = (name, lang)
        XUser.objects.bulk_create(
            [
                XUser(username=h, name=n, followers_count=int(self.rng.paretovariate(1.2) * 40))
                for h, (n, _) in wanted.items()
            ],
            ignore_conflicts=True,
        )
        users = XUser.objects.filter(username__in=list(wanted), suspended=False, bearer_token="")
        return [(user, wanted[user.username][1]) for user in users]

    def fb_customers(self, count: int) -> list[tuple[FacebookUser, str]]:
        people = []
        for _ in range(count):
            lang = self.writer.language()
            people.append((FacebookUser(name=self.writer.person(lang)[1]), lang))
        FacebookUser.objects.bulk_create([person for person, _ in people])
        return people

    def run(self, plan: Counter[str]) -> TrafficReport:
        wanted = {kind.split("_")[0] for kind, count in plan.items() if count}
        if self.targets.brand is not None and "x" in wanted:
            self._x(plan, self.targets.brand)
        if self.targets.page is not None and "fb" in wanted:
            self._facebook(plan, self.targets.page)
        if self.targets.feed is not None and plan["feed_entry"]:
            self._feed(plan["feed_entry"], self.targets.feed)
        return self.report

    def _x(self, plan: Counter[str], brand: XUser) -> None:
        people = self.x_customers(max(5, min(400, sum(plan.values()) // 3)))
        roots: list[Tweet] = []
        for _ in range(plan["x_mention"]):
            author, lang = self.rng.choice(people)
            text = self.writer.mention(lang)
            roots.append(
                Tweet(author=author, text=text, lang=lang, created_at=self.tick(), mentioned_user_ids=[brand.id])
            )
        for _ in range(plan["x_untagged"]):
            author, lang = self.rng.choice(people)
            text = self.writer.pick(phrases.UNTAGGED, lang)
            roots.append(Tweet(author=author, text=text, lang=lang, created_at=self.tick()))
        Tweet.objects.bulk_create(roots)
        later = self._x_replies(plan, people, roots, brand)
        Tweet.objects.bulk_create(later)
        DirectMessage.objects.bulk_create(
            [
                DirectMessage(
                    sender=author,
                    recipient=brand,
                    text=self.writer.pick(phrases.DIRECT, lang),
                    lang=lang,
                    created_at=self.tick(),
                )
                for author, lang in (self.rng.choice(people) for _ in range(plan["x_dm"]))
            ]
        )
        mentions = [t.id for t in roots + later if brand.id in t.mentioned_user_ids]
        self.report.mention_ids += sorted(mentions)
        self.report.counts.update(
            {k: plan[k] for k in ("x_mention", "x_untagged", "x_thread_reply", "x_dm", "x_retweet")}
        )

    def _x_replies(
        self, plan: Counter[str], people: list[tuple[XUser, str]], roots: list[Tweet], brand: XUser
    ) -> list[Tweet]:
        parents = [t for t in roots if brand.id in t.mentioned_user_ids] or list(
            Tweet.objects.filter(mentioned_user_ids__contains=[brand.id]).order_by("-id")[:50]
        )
        later: list[Tweet] = []
        for _ in range(plan["x_thread_reply"] if parents else 0):
            parent = self.rng.choice(parents)
            author, lang = self.rng.choice(people)
            text = f"@{parent.author.username} " + self.writer.pick(phrases.REPLIES, lang)
            later.append(
                Tweet(
                    author=author,
                    text=text[:MAX_TWEET],
                    lang=lang,
                    created_at=self.tick(),
                    in_reply_to=parent,
                    in_reply_to_user_id=parent.author_id,
                    root_id=parent.conversation_id,
                    mentioned_user_ids=sorted({brand.id, parent.author_id}),
                )
            )
        for _ in range(plan["x_retweet"] if roots else 0):
            original = self.rng.choice(roots)
            author, _ = self.rng.choice(people)
            text = f"RT @{original.author.username}: {original.text}"[:MAX_TWEET]
            mentioned = sorted({original.author_id, *original.mentioned_user_ids})
            later.append(
                Tweet(
                    author=author,
                    text=text,
                    lang=original.lang,
                    created_at=self.tick(),
                    retweet_of=original,
                    mentioned_user_ids=mentioned,
                )
            )
        return later

    def _facebook(self, plan: Counter[str], page: FacebookPage) -> None:
        people = self.fb_customers(max(3, min(300, sum(plan.values()) // 3)))
        posts = [
            FacebookPost(
                page=page,
                message=self.writer.pick(phrases.PAGE_POSTS, self.writer.language()),
                created_time=self.tick(),
            )
            for _ in range(plan["fb_page_post"] or (0 if page.posts.exists() else 1))
        ]
        for _ in range(plan["fb_visitor_post"]):
            author, lang = self.rng.choice(people)
            posts.append(
                FacebookPost(page=page, author=author, message=self._comment_text(lang), created_time=self.tick())
            )
        FacebookPost.objects.bulk_create(posts)
        recent_posts = list(page.posts.order_by("-id")[:10])
        comments = self._comments(plan["fb_comment"], people, recent_posts)
        messages = self._messages(plan["fb_message"], people, page)
        if self.push_webhooks:
            self._push(page, comments, messages)
        for _ in range(plan["fb_page_mention"]):
            author, lang = self.rng.choice(people)
            text = f"@{page.name} {self._comment_text(lang)}"
            tag_page_in_post(
                page_id=page.id, message=text, author=author, created_time=self.tick(), push=self.push_webhooks
            )
        kinds = ("fb_comment", "fb_visitor_post", "fb_page_post", "fb_page_mention", "fb_message")
        self.report.counts.update({k: plan[k] for k in kinds})

    def _comment_text(self, lang: str) -> str:
        roll = self.rng.random()
        if roll < 0.2:
            return self.writer.long_text(lang, 2000)
        bank = phrases.COMPLAINTS if roll < 0.55 else phrases.QUESTIONS if roll < 0.8 else phrases.PRAISE
        return (
            self.writer.pick(bank, lang)
            .replace(f"@{self.writer.handle} ", "")
            .replace(f"@{self.writer.handle}", self.targets.name)
        )

    def _comments(
        self, count: int, people: list[tuple[FacebookUser, str]], posts: list[FacebookPost]
    ) -> list[FacebookComment]:
        tops: list[FacebookComment] = []
        replies: list[FacebookComment] = []
        for n in range(count):
            author, lang = self.rng.choice(people)
            comment = FacebookComment(
                post=self.rng.choice(posts),
                author=author,
                message=self._comment_text(lang),
                created_time=self.tick(),
                hide_author=self.rng.random() < 0.15,
            )
            (replies if n % 4 == 3 and tops else tops).append(comment)
        FacebookComment.objects.bulk_create(tops)
        for reply in replies:
            parent = self.rng.choice(tops)
            reply.post, reply.parent = parent.post, parent
        FacebookComment.objects.bulk_create(replies)
        return tops + replies

    def _messages(
        self, count: int, people: list[tuple[FacebookUser, str]], page: FacebookPage
    ) -> list[FacebookMessage]:
        chosen = [self.rng.choice(people) for _ in range(count)]
        FacebookConversation.objects.bulk_create(
            [FacebookConversation(page=page, user=user) for user, _ in chosen], ignore_conflicts=True
        )
        conversations = {
            c.user_id: c for c in FacebookConversation.objects.filter(page=page, user__in=[u for u, _ in chosen])
        }
        messages = []
        for user, lang in chosen:
            conversation = conversations[user.id]
            conversation.updated_time = self.tick()
            text = self.writer.pick(phrases.DIRECT, lang)
            messages.append(
                FacebookMessage(conversation=conversation, text=text, created_time=conversation.updated_time)
            )
        FacebookMessage.objects.bulk_create(messages)
        FacebookConversation.objects.bulk_update(list(conversations.values()), ["updated_time"])
        return messages

    def _push(self, page: FacebookPage, comments: list[FacebookComment], messages: list[FacebookMessage]) -> None:
        for comment in comments:
            webhooks.push_on_commit(page, webhooks.comment_event(comment))
        for message in messages:
            webhooks.push_on_commit(page, webhooks.message_event(message))

    def _feed(self, count: int, feed: AlertFeed) -> None:
        entries = []
        for _ in range(count):
            lang = self.writer.language()
            title, summary = self.rng.choice(phrases.HEADLINES[lang])
            slug = self.rng.randrange(10**5, 10**6)
            entries.append(
                FeedEntry(
                    feed=feed,
                    title_html=alert_html(self.writer.fill(title, lang), feed.term)[:500],
                    summary_html=alert_html(
                        self.writer.fill(summary, lang) + " " + self.writer.long_text(lang, 300), feed.term
                    ),
                    article_url=f"https://news.example.com/{lang}/2026/{slug}-{feed.slug}?utm_source=alerts&ref={slug}",
                    published=self.tick(),
                )
            )
        FeedEntry.objects.bulk_create(entries)
        self.report.counts["feed_entry"] += count


def plan_for(targets: Targets, count: int, rng: random.Random, *, mentions_only: bool) -> Counter[str]:
    """How many items of each kind to make, given the channels the brand has."""
    if mentions_only:
        replies = count // 10
        return Counter({"x_mention": count - replies, "x_thread_reply": replies})
    available = {
        kind: weight
        for kind, weight in MIX.items()
        if (kind.startswith("x_") and targets.brand)
        or (kind.startswith("fb_") and targets.page)
        or (kind == "feed_entry" and targets.feed)
    }
    if not available:
        return Counter()
    return Counter(rng.choices(list(available), weights=list(available.values()), k=count))


@transaction.atomic
def generate(
    *, brand: str, count: int, seed: int = 0, mentions_only: bool = False, push_webhooks: bool = False
) -> TrafficReport:
    """Make `count` items of traffic about the brand whose sandbox accounts `sandbox setup` created.

    mentions_only: exactly `count` X posts tagging the brand (a tenth of them replies inside threads).
    push_webhooks: also push Page webhook events for new comments and messages (live traffic).
    """
    targets = Targets.for_slug(brand)
    generator = Generator(targets, seed, push_webhooks)
    plan = plan_for(targets, count, generator.rng, mentions_only=mentions_only)
    return generator.run(plan)


def describe(report: TrafficReport) -> dict[str, Any]:
    return {kind: report.counts[kind] for kind in MIX if report.counts[kind]}


# A storm about one topic (`manage.py sandbox crisis`): angry English posts tagging the brand, each naming it.
CRISIS_TEMPLATES = [
    "@{handle} {topic} is broken again, this is terrible",
    "Really angry: {topic} failed and nobody answers @{handle} 😤",
    "Worst experience ever with {topic} @{handle}, awful",
    "@{handle} {topic} lost everything I had. I hate this, fix it!",
    "Is anyone else furious about {topic}? Terrible work @{handle}",
]


def crisis_surge(*, brand: str, topic: str, count: int, minutes: float, seed: int = 0) -> TrafficReport:
    """`count` negative X mentions about `topic`, posted over the last `minutes` minutes by many customers."""
    targets = Targets.for_slug(brand)
    if targets.brand is None:
        raise ValueError(f"No sandbox X account for {brand!r}: run `manage.py sandbox setup --brand {brand}` first.")
    generator = Generator(targets, seed, push_webhooks=False)
    people = generator.x_customers(max(5, min(400, count // 2)))
    start = timezone.now() - timedelta(minutes=minutes)
    posts = [
        Tweet(
            author=generator.rng.choice(people)[0],
            text=generator.rng.choice(CRISIS_TEMPLATES).format(handle=targets.brand.username, topic=topic)
            + f" #{index + 1}",
            lang="en",
            created_at=start + timedelta(minutes=minutes) * (index + 1) / (count + 1),
            mentioned_user_ids=[targets.brand.id],
        )
        for index in range(count)
    ]
    Tweet.objects.bulk_create(posts)
    generator.report.counts["x_mention"] += count
    generator.report.mention_ids.extend(post.id for post in posts)
    return generator.report
