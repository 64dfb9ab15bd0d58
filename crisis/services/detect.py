"""The live detector: every minute, each brand's recent counts against its learned baselines.

Reads only the minute counts (crisis.services.counts), never messages: the last half hour every minute,
hourly sums of the last weeks once a day (baselines) and once an hour (levels). A new storm raises an
alert through the brand's crisis-spike alert rules and proposes an incident with what drives it; a
growing storm updates its spike and incident instead of raising another alert.

Locking rule: one brand's minute is evaluated under the lock of its DetectorState row of all channels
(select_for_update), so two workers never open two storms for one surge.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from crisis.detection import (
    EMPTY_BASELINE,
    KINDS,
    SENSITIVITIES,
    Baseline,
    Detection,
    Storm,
    StormStep,
    detect,
    hour_start,
    learn_baseline,
    learn_level,
    step_storm,
)
from crisis.models import ALL_CHANNELS, DetectorState, Spike
from crisis.services import counts
from crisis.services.incidents import on_spike_grew, on_spike_opened
from crisis.services.sensitivity import sensitivity_of
from monitoring.queries.models import MonitoredQuery

MINUTE = timedelta(minutes=1)


def scope_name(query_id: int) -> str:
    return "all" if query_id == ALL_CHANNELS else f"query:{query_id}"


def _query_of(scope: str) -> int:
    return ALL_CHANNELS if scope == "all" else int(scope.removeprefix("query:"))


def _relearn(state: DetectorState, hourly: dict[str, dict[datetime, float]], now: datetime, since: datetime) -> None:
    if state.baseline_at is None or state.baseline_at.date() != now.date() or not state.baselines:
        state.baselines = {kind: learn_baseline(hourly[kind], now=now, since=since).to_json() for kind in KINDS}
        state.baseline_at = now
    state.levels = {
        kind: learn_level(hourly[kind], Baseline.from_json(state.baselines[kind]), now=now) for kind in KINDS
    }
    state.level_at = now


def _states(brand_id: int, now: datetime) -> list[DetectorState]:
    """The brand's detector states (all channels first, locked), learned again when their hour or day turned."""
    query_ids = list(MonitoredQuery.objects.filter(brand_id=brand_id).values_list("pk", flat=True))
    wanted = [ALL_CHANNELS, *query_ids]
    existing = {state.query_id: state for state in DetectorState.objects.filter(brand_id=brand_id, query_id__in=wanted)}
    for query_id in wanted:
        if query_id not in existing:
            existing[query_id] = DetectorState.objects.get_or_create(brand_id=brand_id, query_id=query_id)[0]
    DetectorState.objects.select_for_update().filter(pk=existing[ALL_CHANNELS].pk).get()
    stale = [state for state in existing.values() if state.level_at is None or state.level_at < hour_start(now)]
    if stale:
        since = counts.history_start(brand_id=brand_id) or now
        hourly = counts.hourly_counts(brand_id=brand_id, until=hour_start(now))
        for state in stale:
            _relearn(state, hourly[state.query_id], now, since)
            state.save(update_fields=["baselines", "levels", "baseline_at", "level_at"])
    return [existing[query_id] for query_id in wanted]


def _storm_of(spike: Spike | None) -> Storm | None:
    if spike is None:
        return None
    first = Detection(
        spike.kind,
        scope_name(spike.query_id),
        spike.started_at,
        spike.detected_at,
        spike.window_minutes,
        spike.observed,
        spike.expected,
    )
    peak = Detection(
        spike.peak_kind,
        scope_name(spike.query_id),
        spike.started_at,
        spike.peak_at,
        spike.peak_window_minutes,
        spike.peak_observed,
        spike.peak_expected,
    )
    return Storm(first, peak, spike.last_hot_at, spike.updates, tuple(spike.scopes))


@dataclass(frozen=True)
class MinuteResult:
    event: str
    spike_id: int | None


@transaction.atomic
def detect_brand(*, brand_id: int, now: datetime | None = None) -> MinuteResult:
    """Evaluate one brand for the minute that ended at `now` (truncated to the minute)."""
    now = (now or timezone.now()).replace(second=0, microsecond=0)
    sensitivity = SENSITIVITIES[sensitivity_of(brand_id)]
    states = _states(brand_id, now)
    recent = counts.recent_counts(brand_id=brand_id, now=now)
    detections: list[Detection] = []
    for state in states:
        for kind in KINDS:
            baseline = Baseline.from_json(state.baselines[kind]) if state.baselines else EMPTY_BASELINE
            if not baseline.ready:
                continue
            window = recent[state.query_id][kind]
            minutes = [now - MINUTE * (len(window) - index) for index in range(len(window))]
            found = detect(
                now=now,
                counts=window,
                normal=[baseline.at(minute) for minute in minutes],
                level=float(state.levels[kind]),
                sensitivity=sensitivity,
                kind=kind,
                scope=scope_name(state.query_id),
            )
            if found:
                detections.append(found)
    spike = Spike.objects.filter(brand_id=brand_id, ended_at__isnull=True).first()
    step = step_storm(_storm_of(spike), detections, now=now, sensitivity=sensitivity)
    return MinuteResult(step.event, _record(brand_id, spike, step, now))


def _record(brand_id: int, spike: Spike | None, step: StormStep, now: datetime) -> int | None:
    storm = step.storm
    if step.event == "ended" and spike:
        spike.ended_at = now
        spike.save(update_fields=["ended_at"])
        return spike.pk
    if storm is None:
        return None
    if spike is None:
        spike = Spike(brand_id=brand_id, query_id=_query_of(storm.first.scope))
        _copy(spike, storm)
        spike.save()
        on_spike_opened(spike)
        return spike.pk
    if step.event in ("grew", "hot"):
        _copy(spike, storm)
        spike.save()
        if step.event == "grew":
            on_spike_grew(spike)
    return spike.pk


def _copy(spike: Spike, storm: Storm) -> None:
    first, peak = storm.first, storm.peak
    spike.kind, spike.started_at, spike.detected_at = first.kind, first.start, first.detected_at
    spike.window_minutes, spike.observed, spike.expected = first.window, first.observed, first.expected
    spike.peak_kind, spike.peak_at, spike.peak_window_minutes = peak.kind, peak.detected_at, peak.window
    spike.peak_observed, spike.peak_expected = peak.observed, peak.expected
    spike.updates, spike.scopes, spike.last_hot_at = storm.updates, list(storm.scopes), storm.last_hot_at
