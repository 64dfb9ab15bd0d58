"""Two agents racing for an offer's last code in two real concurrent transactions: exactly one gets it."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction

from responses.models import OfferCode, Redemption
from responses.offers import OfferRefused
from tests.inbox.threads import account, conversation
from tests.responses.helpers import pooled_offer, send

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_agents_racing_for_the_last_code_get_exactly_one_between_them(agent, supervisor, brand):
    offer = pooled_offer(brand, "LAST-ONE")
    first, second = conversation(account(brand)), conversation(account(brand))
    taken, second_started, second_done = threading.Event(), threading.Event(), threading.Event()

    def first_agent() -> str:
        """Takes the code and keeps its transaction open until the second agent is waiting on it."""
        try:
            with transaction.atomic():
                send(agent, first, "Sorry!", offer_id=offer.pk)
                taken.set()
                assert second_started.wait(timeout=30)
                # The second agent cannot finish while this transaction holds the offer.
                assert not second_done.wait(timeout=1.0), "the second agent did not wait for the first"
            return "given"
        finally:
            connection.close()

    def second_agent() -> str:
        try:
            assert taken.wait(timeout=30)
            second_started.set()
            try:
                send(supervisor, second, "Sorry!", offer_id=offer.pk)
            except OfferRefused as refused:
                return str(refused.message)
            finally:
                second_done.set()
            return "given"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = [pool.submit(first_agent), pool.submit(second_agent)]
        outcomes = [future.result(timeout=60) for future in results]

    assert outcomes == ["given", "Free latte has no codes left. Ask an admin to add codes."]
    assert list(Redemption.objects.values_list("code_text", "conversation_id")) == [("LAST-ONE", first.pk)]
    assert OfferCode.objects.get().given_at is not None
