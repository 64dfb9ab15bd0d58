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


@given(batches(), st.randoms(), st.booleans())
def test_the_batch_order_decides_nothing(rows: list[Row], random, by_comment: bool) -> None:
    shuffled = copy.deepcopy(rows)
    random.shuffle(shuffled)
    assign_conversations(rows, STORED, by_comment=by_comment)
    assign_conversations(shuffled, STORED, by_comment=by_comment)
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


def _comment(external_id: str, by: str, parent: str, minute: int, *, brand: bool = False) -> Row:
    return Row(
        external_id=external_id,
        thread_key="post",
        direction=Direction.OUTBOUND if brand else Direction.INBOUND,
        visibility=Visibility.PUBLIC,
        text="",
        url="",
        in_reply_to=parent,
        platform_time=T0 + timedelta(minutes=minute),
        author=(by, "", "", None, ""),
        raw={},
    )


def _facebook_keys(rows: list[Row], stored: dict[str, tuple[str, str]] | None = None) -> dict[str, tuple[str, str]]:
    assign_conversations(rows, stored or {}, by_comment=True)
    return {row.external_id: key_of(row) for row in rows}


def test_on_facebook_a_second_top_level_comment_by_the_same_person_is_a_new_conversation() -> None:
    keys = _facebook_keys([_comment("post_1", "ann", "post", 1), _comment("post_2", "ann", "post", 2)])
    assert keys == {"post_1": ("post", "ann@post_1"), "post_2": ("post", "ann@post_2")}


def test_on_facebook_the_customers_reply_under_their_comment_is_the_same_conversation() -> None:
    rows = [_comment("post_1", "ann", "post", 1), _comment("post_3", "ann", "post_1", 5)]
    assert _facebook_keys(rows) == {"post_1": ("post", "ann@post_1"), "post_3": ("post", "ann@post_1")}
    # Their comment stored before: the reply finds it by its key.
    assert _facebook_keys([_comment("post_3", "ann", "post_1", 5)], {"post_1": ("post", "ann@post_1")}) == {
        "post_3": ("post", "ann@post_1")
    }


def test_on_facebook_another_persons_reply_under_a_comment_is_theirs_and_the_brand_answers_each() -> None:
    rows = [
        _comment("post_1", "ann", "post", 1),
        _comment("post_2", "ben", "post_1", 2),
        _comment("post_3", "ben", "post_1", 3),
        _comment("post_4", BRAND, "post_2", 4, brand=True),
        _comment("post_5", BRAND, "post_1", 5, brand=True),
        _comment("post_6", "cara", "post_4", 6),  # a reply to the brand's answer names it as parent
    ]
    assert _facebook_keys(rows) == {
        "post_1": ("post", "ann@post_1"),
        "post_2": ("post", "ben@post_1"),
        "post_3": ("post", "ben@post_1"),
        "post_4": ("post", "ben@post_1"),
        "post_5": ("post", "ann@post_1"),
        "post_6": ("post", "cara@post_1"),
    }


def test_on_facebook_a_visitor_post_is_its_authors_and_their_comments_under_it_go_on() -> None:
    visitor_post = _comment("post", "ann", "", 1)
    rows = [visitor_post, _comment("post_1", "ann", "post", 2), _comment("post_2", "ben", "post", 3)]
    assert _facebook_keys(rows) == {
        "post": ("post", "ann"),
        "post_1": ("post", "ann"),
        "post_2": ("post", "ben@post_2"),
    }


def test_elsewhere_a_customer_has_one_conversation_per_place() -> None:
    rows = [_comment("t1", "ann", "post", 1), _comment("t2", "ann", "t1", 2), _comment("t3", "ann", "post", 3)]
    assign_conversations(rows, {})
    assert {key_of(row) for row in rows} == {("post", "ann")}
