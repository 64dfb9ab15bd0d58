"""Reads of the sandbox platform's state for tests and the demo: what faults were injected."""

from __future__ import annotations

from collections import Counter

from django.db.models import Count

from sandbox.models import InjectedFault


def injected_faults() -> Counter[str]:
    """How many faults of each kind were injected since set_faults; malformed counts distinct items."""
    counts: Counter[str] = Counter(
        dict(
            InjectedFault.objects.exclude(kind=InjectedFault.Kind.MALFORMED)
            .values_list("kind")
            .annotate(n=Count("id"))
            .values_list("kind", "n")
        )
    )
    counts[InjectedFault.Kind.MALFORMED] = len(malformed_item_ids())
    return counts


def malformed_item_ids() -> set[str]:
    """Ids of the items the sandbox served malformed since set_faults."""
    return set(InjectedFault.objects.filter(kind=InjectedFault.Kind.MALFORMED).values_list("item_id", flat=True))
