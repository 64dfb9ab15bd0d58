"""Reads of the inbox: the queue (filters, sort, keyset pages, counts) and one conversation, per user.

Everything starts from `conversations_for(user)`, so no read can reach a brand the user is not on.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection, transaction
from django.db.models import (
    Count,
    Exists,
    F,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Substr
from django.utils import timezone

from brands.models import Brand, Team
from brands.selectors import brands_for
from inbox.models import (
    OPEN_WORK,
    Author,
    AuthorLink,
    Conversation,
    ConversationEvent,
    DeliveryStatus,
    Direction,
    Message,
    Status,
    Tag,
)
from inbox.search import NO_DEADLINE, search_query, urgency_key
from inbox.sla.models import ResponseClock
from inbox.sla.selectors import SlaState, sla_state_q, with_sla_state
from monitoring.models import MessageQueryMatch, MonitoredQuery

PAGE_SIZE = 50
SNIPPET_LENGTH = 160


class Sort(enum.StrEnum):
    URGENT = "urgent"  # oldest unanswered first: the first response due soonest
    NEWEST = "newest"
    PRIORITY = "priority"


# ---------------------------------------------------------------- SLA state (the SLA module's definition)


def sla_state_filter(state: SlaState, now: dt.datetime) -> Q:
    """The SLA module's condition for `state`, plus the range of the urgency key it implies.

    The added range changes no result (a due time in the past is an urgency in the past, no due time is
    the NO_DEADLINE urgency); it lets the planner read the state's part of the urgency index.
    """
    if state == SlaState.NONE:
        implied = Q(urgency=NO_DEADLINE)
    elif state == SlaState.BREACHED:
        implied = Q(urgency__lte=now)
    else:
        implied = Q(urgency__gt=now, urgency__lt=NO_DEADLINE)
    return sla_state_q(state, now=now) & implied


def _with_sla_state_labels(rows: list[Conversation]) -> list[Conversation]:
    for row in rows:
        row.sla_state = SlaState(row.sla_state)  # type: ignore[attr-defined]
    return rows


# ---------------------------------------------------------------- filters


STATUS_FILTERS = ["open_work", *Status.values, "all"]


@dataclass(frozen=True)
class QueueFilters:
    """What an agent asked the queue for; every field combines with the others (AND)."""

    brand: int | None = None
    channel: str = ""  # monitoring.models.Platform value
    status: str = "open_work"  # "open_work" (new + open), a Status value, or "all"
    assignee: str = "anyone"  # "me", "unassigned", "anyone" or a user id
    team: int | None = None
    sentiment: str = ""
    language: str = ""
    min_priority: int | None = None
    tag: int | None = None
    matched_query: int | None = None  # a MonitoredQuery id: conversations with a message it matched
    sla: SlaState | None = None
    search: str = ""
    sort: Sort = Sort.URGENT


def conversations_for(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Conversation]:
    """The conversations of the user's brands.

    The brand ids are read first (one small query) and inlined: with literal ids the planner knows
    how much of the table they hold and walks the queue's order index instead of sorting a backlog.
    """
    return Conversation.objects.filter(brand_id__in=list(brands_for(user).values_list("pk", flat=True)))


def conversation_for(user: AbstractBaseUser | AnonymousUser, conversation_id: int) -> Conversation | None:
    """One conversation the user may see, with what its page shows and its SLA state; None when absent or not theirs."""
    conversation = (
        with_sla_state(conversations_for(user), now=timezone.now())
        .select_related("author", "account", "brand", "assignee", "team")
        .filter(pk=conversation_id)
        .first()
    )
    if conversation is not None:
        conversation.sla_state = SlaState(conversation.sla_state)  # type: ignore[attr-defined]
    return conversation


def _status_q(status: str) -> Q:
    if status == "all":
        return Q()
    if status == "open_work":
        return Q(status__in=OPEN_WORK)
    return Q(status=status)


def _assignee_q(assignee: str, user: AbstractBaseUser | AnonymousUser) -> Q:
    if assignee == "me":
        return Q(assignee_id=user.pk)
    if assignee == "unassigned":
        return Q(assignee__isnull=True)
    if assignee.isdigit():
        return Q(assignee_id=int(assignee))
    return Q()


def _search_q(text: str) -> Q:
    query = search_query(text)
    if query is None:
        return Q()
    return Q(search_document=query)


def _facet_q(filters: QueueFilters, user: AbstractBaseUser | AnonymousUser, now: dt.datetime) -> dict[str, Q]:
    """The three filters the counts break down by, each as its own condition."""
    return {
        "status": _status_q(filters.status),
        "assignee": _assignee_q(filters.assignee, user),
        "sla": sla_state_filter(filters.sla, now) if filters.sla else Q(),
    }


def _base_q(filters: QueueFilters) -> Q:
    """The filters that narrow the whole queue, counts included."""
    condition = Q()
    if filters.brand is not None:
        condition &= Q(brand_id=filters.brand)
    if filters.channel:
        condition &= Q(account__platform=filters.channel)
    if filters.team is not None:
        condition &= Q(team_id=filters.team)
    if filters.sentiment:
        condition &= Q(sentiment=filters.sentiment)
    if filters.language:
        condition &= Q(language=filters.language)
    if filters.min_priority is not None:
        condition &= Q(priority__gte=filters.min_priority)
    if filters.tag is not None:
        condition &= Q(tag_links__tag_id=filters.tag)
    if filters.matched_query is not None:
        matches = MessageQueryMatch.objects.filter(query_id=filters.matched_query).values("conversation_id")
        condition &= Q(pk__in=matches)
    return condition & _search_q(filters.search)


def _queue_of(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Conversation]:
    """The user's conversations with the queue's sort key, which the SLA state filters also narrow."""
    return conversations_for(user).alias(urgency=urgency_key())


def filtered_queue(
    user: AbstractBaseUser | AnonymousUser, filters: QueueFilters, now: dt.datetime
) -> QuerySet[Conversation]:
    facets = _facet_q(filters, user, now)
    return _queue_of(user).filter(_base_q(filters), facets["status"], facets["assignee"], facets["sla"])


# ---------------------------------------------------------------- keyset pages


def _order(sort: Sort) -> list[Any]:
    if sort == Sort.NEWEST:
        return [F("last_message_at").desc(), F("id").desc()]
    if sort == Sort.PRIORITY:
        return [F("priority").desc(), F("urgency").asc(), F("id").asc()]
    return [F("urgency").asc(), F("id").asc()]


def _micros(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1_000_000)


def _moment(micros: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(micros / 1_000_000, tz=dt.UTC)


def cursor_of(conversation: Conversation, sort: Sort) -> str:
    """Where the next page starts: the sort key of the last row shown, as plain integers."""
    if sort == Sort.NEWEST:
        return f"{_micros(conversation.last_message_at)}.{conversation.pk}"
    urgency = _micros(conversation.response_due_at or NO_DEADLINE)
    if sort == Sort.PRIORITY:
        return f"{conversation.priority}.{urgency}.{conversation.pk}"
    return f"{urgency}.{conversation.pk}"


# Which parts of a sort's cursor run downwards (as _order sorts them).
_DESCENDING = {Sort.NEWEST: (True, True), Sort.PRIORITY: (True, False, False), Sort.URGENT: (False, False)}


def order_key(conversation: Conversation, sort: Sort) -> str:
    """The row's place in the sort as integers that rise down the page: the page places live rows by it."""
    parts = parse_cursor(cursor_of(conversation, sort), sort)
    return ".".join(str(-part if down else part) for part, down in zip(parts, _DESCENDING[sort], strict=True))


def parse_cursor(cursor: str, sort: Sort) -> tuple[int, ...]:
    """The integers of a cursor; ValueError when it is not one this sort produced."""
    parts = tuple(int(part) for part in cursor.split("."))
    if len(parts) != (3 if sort == Sort.PRIORITY else 2):
        raise ValueError("This link to a further page is not valid for the chosen sort.")
    return parts


def _after_q(sort: Sort, parts: tuple[int, ...]) -> Q:
    # "a >= x AND (a > x OR id > y)": the first term is an index condition, the rest a cheap filter.
    if sort == Sort.NEWEST:
        moment, pk = _moment(parts[0]), parts[1]
        return Q(last_message_at__lte=moment) & (Q(last_message_at__lt=moment) | Q(id__lt=pk))
    if sort == Sort.PRIORITY:
        priority, moment, pk = parts[0], _moment(parts[1]), parts[2]
        same_priority = Q(priority=priority) & (Q(urgency__gt=moment) | Q(urgency=moment, id__gt=pk))
        return Q(priority__lte=priority) & (Q(priority__lt=priority) | same_priority)
    moment, pk = _moment(parts[0]), parts[1]
    return Q(urgency__gte=moment) & (Q(urgency__gt=moment) | Q(id__gt=pk))


def _last_inbound_text() -> Subquery:
    latest = Message.objects.filter(conversation=OuterRef("pk"), direction=Direction.INBOUND).order_by(
        "-platform_time", "-id"
    )
    return Subquery(latest.annotate(snippet=Substr("text", 1, SNIPPET_LENGTH)).values("snippet")[:1])


# The columns a queue row shows (wide ones such as raw payloads and credentials stay in the database).
ROW_FIELDS = [
    *("id", "brand_id", "account_id", "author_id", "assignee_id", "team_id", "status", "visibility", "subject"),
    *("sentiment", "language", "priority", "response_due_at", "last_message_at", "snoozed_until"),
    *("author__handle", "author__name", "account__platform"),
]


def _tag_names() -> ArraySubquery:
    tags = Tag.objects.filter(conversation_links__conversation=OuterRef("pk")).order_by("name").values("name")
    return ArraySubquery(tags)


def _name_of(model: type[Model], key: str, column: str) -> Subquery:
    return Subquery(model._default_manager.filter(pk=OuterRef(key)).values(column)[:1])


def _with_row_data(queryset: QuerySet[Conversation], now: dt.datetime) -> QuerySet[Conversation]:
    """What a queue row shows, tags, SLA state and the latest inbound snippet included, in one query per page.

    Brand, assignee and team names come as subqueries, not joins: PostgreSQL plans a join of six tables in
    about 3 ms (it weighs every join order), longer than it takes to run this page; two joins plan in 0.2 ms.
    """
    rows = (
        queryset.select_related("author", "account")
        .only(*ROW_FIELDS)
        .annotate(
            snippet=_last_inbound_text(),
            tag_names=_tag_names(),
            brand_name=_name_of(Brand, "brand_id", "name"),
            assignee_name=_name_of(get_user_model(), "assignee_id", "username"),
            team_name=_name_of(Team, "team_id", "name"),
        )
    )
    return with_sla_state(rows, now=now)


def _finished(rows: list[Conversation]) -> list[Conversation]:
    """Rows with their SLA state as SlaState, and brand, assignee and team from the names the query read.

    The related objects are built with every other field deferred (Model.from_db), so row.brand.name needs
    no query and a field the page did not read is fetched when asked, never shown with a default value.
    """
    user_model = get_user_model()
    for row in _with_sla_state_labels(rows):
        names: Any = row
        row.brand = Brand.from_db(row._state.db, ["id", "name"], [row.brand_id, names.brand_name])
        row.assignee = (
            user_model.from_db(row._state.db, ["id", "username"], [row.assignee_id, names.assignee_name])
            if row.assignee_id
            else None
        )
        row.team = Team.from_db(row._state.db, ["id", "name"], [row.team_id, names.team_name]) if row.team_id else None
    return rows


@dataclass
class QueuePage:
    rows: list[Conversation]
    next_cursor: str | None


def queue_page(
    user: AbstractBaseUser | AnonymousUser,
    filters: QueueFilters,
    *,
    now: dt.datetime,
    cursor: str | None = None,
    limit: int = PAGE_SIZE,
) -> QueuePage:
    """One page of the queue after `cursor` (keyset: stable when conversations arrive meanwhile)."""
    queryset = filtered_queue(user, filters, now)
    if cursor:
        queryset = queryset.filter(_after_q(filters.sort, parse_cursor(cursor, filters.sort)))
    rows = list(_with_row_data(queryset.order_by(*_order(filters.sort)), now)[: limit + 1])
    has_more = len(rows) > limit
    rows = _finished(rows[:limit])
    return QueuePage(rows=rows, next_cursor=cursor_of(rows[-1], filters.sort) if has_more else None)


def queue_rows(
    user: AbstractBaseUser | AnonymousUser, filters: QueueFilters, *, ids: list[int], now: dt.datetime
) -> list[Conversation]:
    """The given conversations as queue rows, only those the filters still match (live updates)."""
    queryset = filtered_queue(user, filters, now).filter(pk__in=ids[:PAGE_SIZE])
    return _finished(list(_with_row_data(queryset.order_by(*_order(filters.sort)), now)))


# ---------------------------------------------------------------- counts


def _status_matches(choice: str, status: str) -> bool:
    """_status_q for one group of the counts."""
    if choice == "all":
        return True
    return status in OPEN_WORK if choice == "open_work" else status == choice


def _assignee_matches(choice: str, assignee_id: int | None, user: AbstractBaseUser | AnonymousUser) -> bool:
    """_assignee_q for one group of the counts."""
    if choice == "me":
        return assignee_id == user.pk
    if choice == "unassigned":
        return assignee_id is None
    if choice.isdigit():
        return assignee_id == int(choice)
    return True


def queue_counts(user: AbstractBaseUser | AnonymousUser, filters: QueueFilters, now: dt.datetime) -> dict[str, int]:
    """How many conversations each status, assignee and SLA choice would show, from one grouped query.

    The query counts per (status, assignee, SLA state): a few dozen groups, read from the index that holds
    those columns (conv_queue_due) without visiting the table when no other filter is set. Each count sums
    the groups that keep every other filter the agent set, so the number is what clicking it shows.
    """
    annotated = with_sla_state(_queue_of(user).filter(_base_q(filters)), now=now)
    # sla_state is with_sla_state's annotation, which the type checker cannot see.
    grouped = annotated.values_list("status", "assignee_id", "sla_state").annotate(count=Count("*"))  # type: ignore[misc]
    with transaction.atomic(savepoint=False):  # SET LOCAL holds until the end of this transaction
        with connection.cursor() as cursor:
            # The planner cannot tell that the SLA state takes four values: it expects a group per row, so it
            # sorts every row (and spills to disk) where hashing a few dozen groups is twice as fast, and it
            # prices the clock lookup per row, high enough to compile this short scan with JIT (which costs
            # more than the scan itself). With both off the counts take about half as long.
            cursor.execute("SET LOCAL jit = off; SET LOCAL enable_sort = off")
        groups = list(grouped.order_by())

    def total(status: str, assignee: str, sla: SlaState | None) -> int:
        return sum(
            count
            for group_status, assignee_id, state, count in groups
            if _status_matches(status, group_status)
            and _assignee_matches(assignee, assignee_id, user)
            and (sla is None or state == sla)
        )

    counts = {f"status_{status}": total(status, filters.assignee, filters.sla) for status in STATUS_FILTERS}
    counts |= {f"assignee_{who}": total(filters.status, who, filters.sla) for who in ("me", "unassigned", "anyone")}
    counts |= {f"sla_{state.value}": total(filters.status, filters.assignee, state) for state in SlaState}
    return counts


# ---------------------------------------------------------------- one conversation


def thread(conversation: Conversation) -> QuerySet[Message]:
    """Every message of the conversation in platform order, the brand's replies included.

    Polling can find a reply of ours on the platform before its delivery confirmed it: that copy (no
    click's key) is not shown beside the reply still on its way; delivery removes it when it confirms.
    """
    on_its_way = conversation.messages.filter(
        direction=Direction.OUTBOUND,
        idempotency_key__isnull=False,
        delivery_status__in=[DeliveryStatus.QUEUED, DeliveryStatus.SENDING],
    )
    echo = Q(direction=Direction.OUTBOUND, idempotency_key__isnull=True, text__in=on_its_way.values("text"))
    return conversation.messages.exclude(echo).select_related("author", "sent_by").order_by("platform_time", "id")


PLACE_CONTEXT_LIMIT = 50


@dataclass(frozen=True)
class PlaceContext:
    """Where a conversation happens: the post it hangs under, and what others said in the same place."""

    post: Message | None
    others: list[Message]
    more: bool  # others said more than is shown


def place_context(conversation: Conversation, limit: int = PLACE_CONTEXT_LIMIT) -> PlaceContext:
    """The other conversations' messages in the conversation's place (the post under which customers comment,
    the X conversation they reply in), oldest first, in one query by conversation_unique_per_customer."""
    if not conversation.customer_key:
        return PlaceContext(post=None, others=[], more=False)
    found = list(
        Message.objects.filter(
            conversation__account_id=conversation.account_id, conversation__thread_key=conversation.thread_key
        )
        .exclude(conversation_id=conversation.pk)
        .select_related("author")
        .order_by("platform_time", "id")[: limit + 1]
    )
    post = next((message for message in found if message.external_id == conversation.thread_key), None)
    others = [message for message in found[:limit] if message is not post]
    return PlaceContext(post=post, others=others, more=len(found) > limit)


def person_authors(conversation: Conversation) -> list[Author]:
    """The conversation's author and the brand's other authors who are the same person: the same handle on
    another channel of the brand, or linked by someone of the brand. The conversation's author comes first."""
    author = conversation.author
    if author is None:
        return []
    linked = AuthorLink.objects.filter(brand_id=conversation.brand_id).filter(Q(author=author) | Q(other=author))
    same = Q(pk__in=linked.values("author")) | Q(pk__in=linked.values("other"))
    if author.handle:
        same_handle = Conversation.objects.filter(brand_id=conversation.brand_id, author_id=OuterRef("pk"))
        same |= Q(handle__iexact=author.handle) & Q(Exists(same_handle))
    latest = Message.objects.filter(
        author_id=OuterRef("pk"), conversation__brand_id=conversation.brand_id, direction=Direction.INBOUND
    ).order_by("-platform_time")
    people = (
        Author.objects.filter(Q(pk=author.pk) | same)
        .annotate(latest_url=Subquery(latest.values("url")[:1]))
        .order_by("platform", "pk")[: MAX_PERSON_AUTHORS + 1]
    )
    found = list(people)
    return sorted(found, key=lambda one: one.pk != author.pk)  # the conversation's author first


MAX_PERSON_AUTHORS = 20


def linked_author_ids(conversation: Conversation) -> set[int]:
    """The authors someone linked to this conversation's author (they may take the link back)."""
    if conversation.author_id is None:
        return set()
    pairs = AuthorLink.objects.filter(brand_id=conversation.brand_id).filter(
        Q(author_id=conversation.author_id) | Q(other_id=conversation.author_id)
    )
    return {pk for pair in pairs.values_list("author_id", "other_id") for pk in pair} - {conversation.author_id}


def earlier_conversations(
    conversation: Conversation, authors: list[Author] | None = None, limit: int = 10
) -> QuerySet[Conversation]:
    """The person's other conversations with the same brand (any of their authors), newest first, with whether
    the brand answered."""
    author_ids: list[int | None] = [author.pk for author in authors or []] or [conversation.author_id]
    if author_ids == [None]:
        return Conversation.objects.none()
    answered = Message.objects.filter(
        conversation_id=OuterRef("pk"), direction=Direction.OUTBOUND, delivery_status=DeliveryStatus.SENT
    )
    return (
        Conversation.objects.filter(brand_id=conversation.brand_id, author_id__in=author_ids)
        .exclude(pk=conversation.pk)
        .select_related("account")
        .annotate(answered=Exists(answered))
        .order_by("-last_message_at")[:limit]
    )


@dataclass(frozen=True)
class HistoryEntry:
    """One line of a conversation's history: a change by the team (event) or a reply the brand sent."""

    at: dt.datetime
    event: ConversationEvent | None = None
    reply: Message | None = None


def history(conversation: Conversation, limit: int = 50) -> list[HistoryEntry]:
    """Status changes, assignments, tags and notes beside the replies sent (from Promptly or natively), newest first."""
    events = conversation.events.select_related("actor").order_by("-created_at", "-id")[:limit]
    replies = (
        conversation.messages.filter(direction=Direction.OUTBOUND, delivery_status=DeliveryStatus.SENT)
        # The brand's own root post answers nobody: it is context, not a reply.
        .filter(Q(sent_by__isnull=False) | ~Q(in_reply_to=""))
        .select_related("sent_by", "account")
        .order_by("-platform_time", "-id")[:limit]
    )
    entries = [HistoryEntry(at=event.created_at, event=event) for event in events]
    entries += [HistoryEntry(at=reply.platform_time, reply=reply) for reply in replies]
    return sorted(entries, key=lambda entry: entry.at, reverse=True)[:limit]


def clock_ending(conversation: Conversation) -> ResponseClock | None:
    """The conversation's latest response clock, to say how it ended (answered, or closed without a reply)."""
    return (
        ResponseClock.objects.filter(conversation=conversation)
        .select_related("responder")
        .order_by("-started_at", "-id")
        .first()
    )


def last_outbound(conversation: Conversation) -> Message | None:
    """The brand's latest reply, so a composer can warn when someone else replied meanwhile."""
    return (
        conversation.messages.filter(direction=Direction.OUTBOUND)
        .order_by("-created_at", "-id")
        .only("pk", "created_at")
        .first()
    )


def matched_queries(conversation: Conversation) -> QuerySet[MonitoredQuery]:
    """The brand's monitored queries that matched a message of this conversation."""
    return MonitoredQuery.objects.filter(matches__conversation=conversation).distinct().order_by("name")
