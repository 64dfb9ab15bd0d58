"""Properties of which conversation each message joins: one customer, one place (pure logic, hypothesis)."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from inbox.models import Direction, Visibility
from inbox.services.conversation_keys import PLACE, assign_conversations, key_of
from inbox.services.ingest_rows import Row

T0 = datetime(2026, 1, 1, tzinfo=UTC)
BRAND = "brand"


def _row(index: int, draw: st.DrawFn) -> Row:
    from_brand = draw(st.booleans())
    author = BRAND if from_brand else draw(st.sampled_from(["ann", "ben", "cara", ""]))
    # A reply answers something written before it (ids are given in that order), whatever the clocks say.
    answered = draw(st.sampled_from(["", "stored-1", "never-stored", *(f"m{n}" for n in range(index))]))
    return Row(
        external_id=f"m{index}",
        thread_key=draw(st.sampled_from(["post-1", "post-2"])),
        direction=Direction.OUTBOUND if from_brand else Direction.INBOUND,
        visibility=draw(st.sampled_from([Visibility.PUBLIC, Visibility.PUBLIC, Visibility.PRIVATE])),
        text="",
        url="",
        in_reply_to=answered,
        platform_time=T0 + timedelta(minutes=draw(st.integers(0, 30))),
        author=(author, "", "", None, "") if author else None,
        raw={},
    )


@st.composite
def batches(draw: st.DrawFn) -> list[Row]:
    return [_row(index, draw) for index in range(draw(st.integers(1, 12)))]


STORED = {"stored-1": ("post-1", "dora")}


@given(batches(), st.randoms())
def test_the_batch_order_decides_nothing(rows: list[Row], random) -> None:
    shuffled = copy.deepcopy(rows)
    random.shuffle(shuffled)
    assign_conversations(rows, STORED)
    assign_conversations(shuffled, STORED)
    assert {row.external_id: key_of(row) for row in rows} == {row.external_id: key_of(row) for row in shuffled}


@given(batches())
def test_each_public_customer_message_is_its_authors_and_a_brand_reply_joins_whom_it_answers(rows: list[Row]) -> None:
    assign_conversations(rows, STORED)
    by_id = {row.external_id: row for row in rows}
    for row in rows:
        if row.visibility != Visibility.PUBLIC:
            assert row.customer_key == PLACE
        elif row.direction == Direction.INBOUND:
            assert row.customer_key == (row.author[0] if row.author else f"?{row.external_id}")
        elif row.in_reply_to in by_id and by_id[row.in_reply_to].direction == Direction.INBOUND:
            assert key_of(row) == key_of(by_id[row.in_reply_to])
        elif row.in_reply_to == "stored-1":
            assert key_of(row) == STORED["stored-1"]
        elif row.in_reply_to in ("", "never-stored"):
            assert row.customer_key == PLACE  # the brand's own post: context, nobody's conversation
