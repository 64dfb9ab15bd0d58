"""Priority changes after ingest: a monitored query matched some messages."""

from __future__ import annotations

from django.db import connection, transaction

from inbox.enrichment.priority import MATCHED_QUERY_POINTS


@transaction.atomic
def mark_query_matches(*, message_ids: list[int]) -> None:
    """Raise the priority of messages a monitored query matched, once each, and of their waiting threads.

    Idempotent: a message already marked is not raised again. Two statements whatever the count.
    """
    if not message_ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH raised AS (
                UPDATE inbox_message SET matched_query = true, priority = LEAST(100, priority + %s)
                WHERE id = ANY(%s::bigint[]) AND NOT matched_query AND direction = 'in'
                RETURNING conversation_id, priority
            )
            UPDATE inbox_conversation AS conversation SET priority = GREATEST(conversation.priority, raised.top)
            FROM (SELECT conversation_id, max(priority) AS top FROM raised GROUP BY conversation_id) AS raised
            WHERE conversation.id = raised.conversation_id AND conversation.awaiting_reply_since IS NOT NULL
            """,
            [MATCHED_QUERY_POINTS, sorted(message_ids)],
        )
