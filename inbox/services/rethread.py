"""Move stored messages to the conversations the threading rule gives them (inbox.services.conversation_keys).

Conversations stored before a conversation was one customer's in one place hold several customers, the
brand's own post among them. Rethreading an account reads its messages once, keys each one as ingest
would, moves those whose conversation differs, and rebuilds what the move makes untrue: each touched
conversation's state (the clock, the queue's columns, the search words) and its SLA clocks, replayed from
its messages. A conversation keeps its workflow (status, assignee, notes, history) under its first
customer; the others get conversations of their own. Running it again finds nothing to move.

Locking rule: an account is rethreaded in one transaction holding its conversations' rows, so ingest of
the same account waits for it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from inbox.models import Conversation, DeliveryStatus, Direction, Message, Status
from inbox.services.conversation_keys import ConversationKey, assign_conversations, key_of
from inbox.services.ingest import answerable, review_due_at
from inbox.services.ingest_rows import Row
from inbox.services.thread_state import EMPTY, NewMessage, advance
from inbox.sla import services as sla
from inbox.sla.models import ResponseClock
from monitoring.models import ChannelAccount, Platform

# Statuses someone set to close a conversation: a moved one keeps them, and so do the conversations split off it.
_WORKFLOW = frozenset({Status.RESOLVED, Status.PENDING, Status.SNOOZED, Status.SPAM})


@dataclass
class AccountRethread:
    """What rethreading one account changed."""

    account_id: int
    messages: int = 0
    moved: int = 0
    created: int = 0
    rebuilt: int = 0  # conversations whose state and clocks were rebuilt


_MESSAGES = """
    SELECT message.id, message.external_id, conversation.thread_key, message.conversation_id, message.direction,
        message.visibility, author.external_id, message.in_reply_to, message.platform_time
    FROM inbox_message AS message
    JOIN inbox_conversation AS conversation ON conversation.id = message.conversation_id
    LEFT JOIN inbox_author AS author ON author.id = message.author_id
    WHERE message.account_id = %s
"""


@transaction.atomic
def rethread_account(account: ChannelAccount) -> AccountRethread:
    report = AccountRethread(account_id=account.pk)
    locked = Conversation.objects.select_for_update(of=("self",)).select_related("author").filter(account=account)
    conversations = {c.pk: c for c in locked.order_by("pk")}
    with connection.cursor() as cursor:
        cursor.execute(_MESSAGES, [account.pk])
        stored = cursor.fetchall()
    report.messages = len(stored)
    rows = [_row(record) for record in stored]
    assign_conversations(rows, {}, by_comment=account.platform == Platform.FACEBOOK)
    current = {record[1]: conversations[record[3]] for record in stored}
    message_ids = {record[1]: record[0] for record in stored}
    wanted = {row.external_id: key_of(row) for row in rows}
    by_key = {(c.thread_key, c.customer_key): c for c in conversations.values()}
    touched = _rekey_first_customers(rows, current, by_key)
    touched |= {c.pk for c in conversations.values() if c.to_review == answerable(account)}
    moves: dict[int, list[int]] = defaultdict(list)
    for external_id, key in sorted(wanted.items()):
        source = current[external_id]
        if (source.thread_key, source.customer_key) == key:
            continue
        target = by_key.get(key)
        if target is None:
            target = by_key[key] = _split_off(source, key)
            report.created += 1
        moves[target.pk].append(message_ids[external_id])
        touched |= {source.pk, target.pk}
        report.moved += 1
    for target_id, ids in moves.items():
        Message.objects.filter(pk__in=ids).update(conversation_id=target_id)
    _rebuild(account, sorted(touched))
    report.rebuilt = len(touched)
    return report


def _row(record: tuple) -> Row:
    _, external_id, thread_key, _, direction, visibility, author_id, in_reply_to, platform_time = record
    return Row(
        external_id=external_id,
        thread_key=thread_key,
        direction=direction,
        visibility=visibility,
        text="",
        url="",
        in_reply_to=in_reply_to,
        platform_time=platform_time,
        author=(author_id, "", "", None, "") if author_id else None,
        raw={},
    )


def _rekey_first_customers(
    rows: list[Row], current: dict[str, Conversation], by_key: dict[ConversationKey, Conversation]
) -> set[int]:
    """A merged conversation becomes its first customer's (the key of its author's first message there): it
    keeps its workflow, notes and history."""
    keys_of: dict[int, set[ConversationKey]] = defaultdict(set)
    first_customer: dict[int, ConversationKey] = {}
    for row in sorted(rows, key=lambda row: (row.platform_time, row.external_id)):
        source = current[row.external_id]
        keys_of[source.pk].add(key_of(row))
        if (
            row.direction == Direction.INBOUND
            and source.author
            and row.author
            and row.author[0] == source.author.external_id
        ):
            first_customer.setdefault(source.pk, key_of(row))
    rekeyed = set()
    for conversation in list(by_key.values()):
        own = (conversation.thread_key, conversation.customer_key)
        keys = keys_of.get(conversation.pk)
        if not keys:
            continue
        first = first_customer.get(conversation.pk)
        preferred = first if first in keys else own if own in keys else min(keys)
        if preferred == own or preferred in by_key:
            continue
        del by_key[own]
        conversation.thread_key, conversation.customer_key = preferred
        conversation.save(update_fields=["thread_key", "customer_key"])
        by_key[preferred] = conversation
        rekeyed.add(conversation.pk)
    return rekeyed


def _split_off(source: Conversation, key: ConversationKey) -> Conversation:
    """A conversation of its own for a customer found in `source`; its state is rebuilt from its messages."""
    return Conversation.objects.create(
        brand_id=source.brand_id,
        account_id=source.account_id,
        thread_key=key[0],
        customer_key=key[1],
        to_review=source.to_review,
        visibility=source.visibility,
        status=source.status if source.status in _WORKFLOW else Status.NEW,
        team_id=source.team_id,
        language=source.language,
        first_inbound_at=source.first_inbound_at,
        last_inbound_at=source.last_inbound_at,
        last_message_at=source.last_message_at,
    )


def _rebuild(account: ChannelAccount, conversation_ids: list[int]) -> None:
    """State, search words and clocks of the touched conversations, from their messages."""
    if not conversation_ids:
        return
    on_clock = answerable(account)
    ResponseClock.objects.filter(conversation_id__in=conversation_ids).delete()
    messages: dict[int, list[Message]] = defaultdict(list)
    for message in (
        Message.objects.filter(conversation_id__in=conversation_ids)
        .select_related("author")
        .order_by("platform_time", "id")
    ):
        messages[message.conversation_id].append(message)
    for conversation in (
        Conversation.objects.filter(pk__in=conversation_ids).select_related("author", "brand", "account").order_by("pk")
    ):
        _rebuild_one(conversation, messages[conversation.pk], on_clock=on_clock)
    with connection.cursor() as cursor:
        cursor.execute(_SEARCH_WORDS, [conversation_ids])


# The words the message trigger adds (migration 0011), for all of a conversation's messages at once.
_SEARCH_WORDS = """
    UPDATE inbox_conversation AS conversation SET search_document = (
        SELECT strip(to_tsvector('simple'::regconfig, promptly_fold(string_agg(
            concat_ws(' ', message.text, author.handle, author.name), ' ' ORDER BY message.id))))
        FROM inbox_message AS message LEFT JOIN inbox_author AS author ON author.id = message.author_id
        WHERE message.conversation_id = conversation.id
    )
    WHERE conversation.id = ANY(%s)
"""


def _rebuild_one(conversation: Conversation, messages: list[Message], *, on_clock: bool) -> None:
    if not messages:
        conversation.delete()  # every message it held belongs to others now
        return
    due = _due(conversation, on_clock=on_clock)
    state = advance(EMPTY, [_new_message(m) for m in messages], created=True, due=due, on_clock=on_clock)
    inbound = [m for m in messages if m.direction == Direction.INBOUND]
    first = inbound[0] if inbound else messages[0]
    conversation.to_review = not on_clock
    conversation.author = inbound[0].author if inbound else None
    conversation.subject = (inbound[0].text.strip().split("\n", 1)[0][:300]) if inbound else ""
    conversation.first_inbound_at = first.platform_time
    conversation.last_inbound_at = state.last_inbound_at or first.platform_time
    conversation.last_message_at = state.last_message_at or first.platform_time
    conversation.priority, conversation.sentiment, conversation.language = (
        state.priority,
        state.sentiment,
        state.language,
    )
    if conversation.status in _WORKFLOW:
        # Someone closed it: rethreading reopens nothing, and a wait it finds there ends unanswered.
        conversation.awaiting_reply_since = conversation.response_due_at = None
    else:
        # New or open work stays so while a customer is in it; the brand's post alone is nobody's work.
        conversation.status = state.status if state.status == Status.RESOLVED else conversation.status
        conversation.awaiting_reply_since, conversation.response_due_at = (
            state.awaiting_reply_since,
            state.response_due_at,
        )
    conversation.save()
    if on_clock:
        _replay_clocks(conversation, messages)


def _due(conversation: Conversation, *, on_clock: bool) -> Callable[[datetime], datetime | None]:
    if not on_clock:
        return lambda received_at: review_due_at(conversation.brand, received_at)
    return lambda received_at: sla.response_due_at(conversation, received_at)


def _new_message(message: Message) -> NewMessage:
    return NewMessage(
        message.direction,
        message.platform_time,
        message.received_at,
        message.priority,
        message.sentiment,
        message.language,
    )


def _replay_clocks(conversation: Conversation, messages: list[Message]) -> None:
    """Each wait of the conversation opened at its first unanswered message and stopped by the brand's next reply,
    through the SLA clock's own services, as ingest and delivery would have."""
    waiting: Message | None = None
    for message in messages:
        if message.direction == Direction.INBOUND:
            if waiting is None:
                waiting = message
                sla.start_clocks(message_ids=[message.pk])
        elif (
            waiting is not None
            and message.delivery_status == DeliveryStatus.SENT
            and sla.record_response(message_id=message.pk, sent_at=message.platform_time) is not None
            and not message.is_automated
        ):
            waiting = None
    # The replay moved the conversation's columns as it went; the rebuilt state is the one that holds.
    Conversation.objects.filter(pk=conversation.pk).update(
        awaiting_reply_since=conversation.awaiting_reply_since, response_due_at=conversation.response_due_at
    )
    if conversation.awaiting_reply_since is None:
        sla.close_clock(conversation_id=conversation.pk, at=timezone.now())


def rethread_brand(brand_id: int, *, progress: Callable[[ChannelAccount, AccountRethread], None]) -> None:
    for account in ChannelAccount.objects.filter(brand_id=brand_id).order_by("pk"):
        progress(account, rethread_account(account))
