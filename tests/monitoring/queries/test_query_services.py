"""Queries on the database: validation, matches recorded at ingest, cache invalidation, X searches, command."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from inbox.models import Conversation, Message
from monitoring.queries.models import MessageQueryMatch, MonitoredQuery
from monitoring.queries.parser import parse
from monitoring.queries.selectors import preview_matches, queries_by_conversation, x_search_queries
from monitoring.queries.services import add_query, change_query
from tests.monitoring.factories import inbound, ingest

pytestmark = pytest.mark.django_db


def test_a_bad_query_is_refused_with_its_position(brand) -> None:
    with pytest.raises(ValidationError) as raised:
        add_query(brand=brand, name="broken", query="coffee (tea OR")
    assert raised.value.message_dict["query"] == ["column 13: dangling operator OR: nothing follows it"]


def test_scopes_of_the_fields_and_the_query_must_overlap(brand) -> None:
    with pytest.raises(ValidationError, match="exclude each other"):
        add_query(brand=brand, name="scoped", query="kava lang:lt", languages=["ru"])
    query = add_query(brand=brand, name="scoped", query="kava lang:lt lang:lv", languages=["lt"], channels=["feed"])
    assert query.parsed().languages == ("lt",)
    assert query.parsed().channels == ("feed",)


def test_ingested_messages_record_the_queries_they_match(brand) -> None:
    outage = add_query(brand=brand, name="Outage", query='"app down" OR outage OR neveikia')
    coffee = add_query(brand=brand, name="Coffee", query="kava OR кофе")
    add_query(brand=brand, name="Off", query="kava", enabled=False)
    down, lithuanian, other = ingest(brand, "The APP is down again!", "Kava neveikia, programėlė NEVEIKIA", "hello")

    assert set(down.query_matches.values_list("query__name", flat=True)) == set()
    assert set(lithuanian.query_matches.values_list("query__name", flat=True)) == {"Outage", "Coffee"}
    assert not other.query_matches.exists()
    assert list(Conversation.objects.filter(query_matches__query=outage)) == [lithuanian.conversation]
    assert list(Message.objects.filter(query_matches__query=coffee)) == [lithuanian]
    badges = queries_by_conversation([lithuanian.conversation_id, other.conversation_id])
    assert [query.name for query in badges[lithuanian.conversation_id]] == ["Coffee", "Outage"]


def test_a_batch_announced_twice_records_each_match_once(brand) -> None:
    add_query(brand=brand, name="Coffee", query="coffee")
    (message,) = ingest(brand, "coffee please")
    from inbox.signals import messages_ingested

    messages_ingested.send(sender=Message, brand_id=brand.pk, message_ids=[message.pk])
    assert MessageQueryMatch.objects.filter(message=message).count() == 1


def test_changing_a_query_takes_effect_on_the_next_batch(brand) -> None:
    query = add_query(brand=brand, name="Drink", query="coffee")
    ingest(brand, "tea time")
    change_query(monitored=query, query="tea")
    (tea,) = ingest(brand, "tea time")
    assert tea.query_matches.filter(query=query).exists()
    MonitoredQuery.objects.filter(pk=query.pk).delete()
    (later,) = ingest(brand, "tea time")
    assert not later.query_matches.exists()


def test_matching_a_batch_costs_a_fixed_number_of_queries(brand, django_assert_num_queries) -> None:
    add_query(brand=brand, name="Coffee", query="coffee")
    ingest(brand, "warm the cache: coffee")
    messages = [inbound(brand, f"coffee number {n}") for n in range(20)]
    from monitoring.queries.services import record_matches

    # fingerprint, messages, bulk insert (the compiled matchers come from the process cache)
    with django_assert_num_queries(3):
        found = record_matches(brand_id=brand.pk, message_ids=[message.pk for message in messages])
    assert len(found) == 20


def test_x_searches_cover_the_enabled_queries_for_x(brand) -> None:
    add_query(brand=brand, name="Coffee", query="coffee -decaf")
    add_query(brand=brand, name="News", query="acme channel:feed")
    add_query(brand=brand, name="Off", query="tea", enabled=False)
    assert x_search_queries(brand) == ["coffee -decaf -is:retweet"]


def test_preview_counts_recent_matches_with_examples(brand) -> None:
    ingest(brand, "Kava šalta", "KAVĄ mėgstu", "arbata")
    preview = preview_matches(brand=brand, query=parse("kava"))
    assert preview.count == 2
    assert sorted(message.text for message in preview.examples) == ["KAVĄ mėgstu", "Kava šalta"]


def test_query_check_prints_x_searches(capsys) -> None:
    call_command("query", "check", '"cold brew" (latte OR mocha) lang:es')
    assert capsys.readouterr().out.strip() == '"cold brew" (latte OR mocha) -is:retweet lang:es'


def test_query_check_exits_2_with_the_position(capsys) -> None:
    with pytest.raises(SystemExit) as exited:
        call_command("query", "check", "coffee AND")
    assert exited.value.code == 2
    assert capsys.readouterr().err.splitlines() == [
        "error at column 8: dangling operator AND: nothing follows it",
        "coffee AND",
        "       ^",
    ]


def test_query_add_stores_the_query(brand, capsys) -> None:
    call_command("query", "add", "--brand", "acme", "coffee OR kava")
    assert MonitoredQuery.objects.get(brand=brand).query == "coffee OR kava"
    assert "X search: (coffee OR kava) -is:retweet" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exited:
        call_command("query", "add", "--brand", "acme", '"')
    assert exited.value.code == 2
