"""Pre-approved offers: creating them with their codes, checking limits, giving a code once, taking it back.

Locking rule: every change to who holds an offer's codes (give_offer, return_code, reclaim_code)
locks the offer's row first. Limits are counted and a code is picked under that lock, so two
agents racing for the last code (or for the last unit of a limit) are served one after the other:
the second sees what the first took.
"""

from __future__ import annotations

import csv
import datetime
import io
import secrets
import zoneinfo
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from brands.models import Brand
from inbox.services.replies import ReplyRefused
from monitoring.models import Platform
from responses.models import Offer, OfferCode, Redemption, RedemptionStatus

if TYPE_CHECKING:
    from accounts.models import User
    from inbox.models import Conversation, Message

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read out and typed
CODE_LENGTH = 8
MAX_GENERATED = 100_000


class OfferRefused(ReplyRefused):
    """An offer that cannot be given as asked, with the sentence the agent reads (.message)."""


@dataclass(frozen=True)
class CodeSource:
    """Where an offer's codes come from: a list (CSV), a number to generate with a prefix, or one shared code."""

    codes: tuple[str, ...] = ()
    generate: int = 0
    prefix: str = ""
    shared_code: str = ""


def read_codes_csv(text: str) -> tuple[str, ...]:
    """The `code` column of a CSV; an empty or repeated code is an error naming its line."""
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "code" not in [name.strip() for name in reader.fieldnames]:
        raise OfferRefused("The CSV has no `code` column (its first line must name the columns, e.g. `code`).")
    seen: dict[str, int] = {}
    for row in reader:
        code = (row.get("code") or row.get(" code") or "").strip()
        line = reader.line_num
        if not code:
            raise OfferRefused(f"Line {line} of the CSV has an empty code.")
        if code in seen:
            raise OfferRefused(f"Line {line} of the CSV repeats the code {code!r} of line {seen[code]}.")
        if len(code) > 64:
            raise OfferRefused(f"Line {line} of the CSV has a code longer than 64 characters.")
        seen[code] = line
    if not seen:
        raise OfferRefused("The CSV holds no codes.")
    return tuple(seen)


def generate_codes(count: int, prefix: str) -> tuple[str, ...]:
    if not 1 <= count <= MAX_GENERATED:
        raise OfferRefused(f"Generate between 1 and {MAX_GENERATED:,} codes.")
    if not prefix.strip():
        raise OfferRefused("Generated codes need a prefix (--prefix), e.g. SORRY-.")
    codes: set[str] = set()
    while len(codes) < count:
        codes.add(prefix.strip() + "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)))
    return tuple(sorted(codes))


def _codes_of(source: CodeSource) -> tuple[str, ...]:
    chosen = sum(bool(x) for x in (source.codes, source.generate, source.shared_code))
    if chosen != 1:
        raise OfferRefused("Give the offer exactly one of: a codes file, a number of codes to generate, a shared code.")
    if source.generate:
        return generate_codes(source.generate, source.prefix)
    if len(set(source.codes)) != len(source.codes) or not all(c.strip() for c in source.codes):
        raise OfferRefused("Codes must be unique and not empty.")
    return source.codes


@transaction.atomic
def add_offer(*, brand: Brand, name: str, source: CodeSource, gives: str = "", **limits: object) -> Offer:
    """Create an offer with its codes, all or nothing; ValidationError (OfferRefused) for bad input."""
    codes = _codes_of(source)
    offer = Offer(brand=brand, name=name, gives=gives, shared_code=source.shared_code.strip(), **limits)
    offer.full_clean()
    offer.save()
    OfferCode.objects.bulk_create([OfferCode(offer=offer, code=code) for code in codes])
    return offer


def codes_left(offer: Offer) -> int | None:
    """Single-use codes not given; None for a shared code."""
    if offer.shared_code:
        return None
    return OfferCode.objects.filter(offer=offer, given_at__isnull=True).count()


def private_route_missing(conversation: Conversation) -> str:
    """Why a code cannot reach this customer privately, or "" when it can."""
    platform = conversation.account.platform
    if platform not in (Platform.X, Platform.FACEBOOK):
        return "This source cannot be answered from Promptly, so there is no private way to give a code."
    author = conversation.author
    if author is None or not author.external_id:
        return "The platform did not say who wrote this, so there is nobody to send a code to privately."
    if platform == Platform.X and not author.external_id.isdigit():
        return "X did not give this customer's account id, so a direct message cannot reach them."
    return ""


def limits_exceeded(offer: Offer, *, agent: User, conversation: Conversation, now: datetime.datetime) -> list[str]:
    """Which of the offer's limits giving it now would pass, in the supervisor's words (empty: within limits)."""
    given = Redemption.objects.filter(offer=offer, status=RedemptionStatus.GIVEN)
    reasons = []
    if offer.per_agent_daily is not None:
        zone = zoneinfo.ZoneInfo(offer.brand.audience_time_zone)
        day_start = now.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)
        if given.filter(agent=agent, created_at__gte=day_start).count() >= offer.per_agent_daily:
            reasons.append(f"{agent.get_username()} already gave {offer.name} {offer.per_agent_daily} times today")
    if offer.per_customer is not None and conversation.author_id is not None:
        since = now - datetime.timedelta(days=offer.per_customer_window_days)
        if given.filter(author_id=conversation.author_id, created_at__gte=since).count() >= offer.per_customer:
            reasons.append(
                f"this customer already got {offer.name} {offer.per_customer} times "
                f"in {offer.per_customer_window_days} days"
            )
    if offer.budget is not None and given.count() >= offer.budget:
        reasons.append(f"{offer.name} has used its budget of {offer.budget}")
    return reasons


def check_offer(offer: Offer, *, conversation: Conversation, now: datetime.datetime) -> None:
    """What stops an offer outright (not a limit, which asks for approval instead)."""
    if offer.brand_id != conversation.brand_id:
        raise OfferRefused("That offer belongs to another brand.")
    if offer.expires_on is not None and offer.expires_on < now.astimezone(datetime.UTC).date():
        raise OfferRefused(f"{offer.name} expired on {offer.expires_on:%Y-%m-%d}.")
    if offer.single_use:
        missing = private_route_missing(conversation)
        if missing:
            raise OfferRefused(f"{missing} A single-use code is never posted in public.", code="no_private_route")


@transaction.atomic
def give_offer(
    *, offer_id: int, agent: User, conversation: Conversation, reply: Message | None, approved: bool
) -> Redemption:
    """Take a code for this conversation and record the redemption; under the offer's lock.

    approved=False re-counts the limits under the lock and refuses when a colleague took the last unit
    meanwhile; approved=True (a supervisor approved it) gives beyond the limits. The code message is
    attached by the caller (attach_code_message) once it is written.
    """
    offer = Offer.objects.select_for_update().select_related("brand").get(pk=offer_id)
    now = timezone.now()
    check_offer(offer, conversation=conversation, now=now)
    if not approved:
        reasons = limits_exceeded(offer, agent=agent, conversation=conversation, now=now)
        if reasons:
            raise OfferRefused(f"Meanwhile {reasons[0]}; send again to ask a supervisor.", code="limit_meanwhile")
    code = None
    if offer.single_use:
        code = OfferCode.objects.filter(offer=offer, given_at__isnull=True).order_by("id").first()
        if code is None:
            raise OfferRefused(f"{offer.name} has no codes left. Ask an admin to add codes.", code="no_codes")
        code.given_at = now
        code.save(update_fields=["given_at"])
    return Redemption.objects.create(
        offer=offer,
        code=code,
        code_text=code.code if code else offer.shared_code,
        author_id=conversation.author_id,
        agent=agent,
        conversation=conversation,
        reply=reply,
    )


@transaction.atomic
def return_code(*, message_id: int) -> Redemption | None:
    """A code whose message failed to deliver goes back to the pool; the redemption says it was returned."""
    redemption = Redemption.objects.filter(code_message_id=message_id, status=RedemptionStatus.GIVEN).first()
    if redemption is None:
        return None
    Offer.objects.select_for_update().filter(pk=redemption.offer_id).first()
    redemption.status = RedemptionStatus.RETURNED
    redemption.returned_at = timezone.now()
    redemption.save(update_fields=["status", "returned_at"])
    if redemption.code_id is not None:
        OfferCode.objects.filter(pk=redemption.code_id).update(given_at=None)
    return redemption


@transaction.atomic
def reclaim_code(*, message_id: int) -> None:
    """Before a failed code message is retried: it may carry its code again only if nobody got it meanwhile."""
    redemption = Redemption.objects.filter(code_message_id=message_id, status=RedemptionStatus.RETURNED).first()
    if redemption is None:
        return
    Offer.objects.select_for_update().filter(pk=redemption.offer_id).first()
    if redemption.code_id is not None:
        taken = OfferCode.objects.filter(pk=redemption.code_id, given_at__isnull=True).update(given_at=timezone.now())
        if not taken:
            raise OfferRefused("The code in this message went to another customer meanwhile; attach the offer again.")
    redemption.status = RedemptionStatus.GIVEN
    redemption.returned_at = None
    redemption.save(update_fields=["status", "returned_at"])


def limits_line(offer: Offer) -> str:
    """An offer's limits in a few words, for listings."""
    per_customer = f"{offer.per_customer}/customer/{offer.per_customer_window_days}d"
    parts = [
        f"{offer.per_agent_daily}/agent/day" if offer.per_agent_daily else "no agent limit",
        per_customer if offer.per_customer else "no customer limit",
        f"budget {offer.budget}" if offer.budget else "no budget",
        f"expires {offer.expires_on:%Y-%m-%d}" if offer.expires_on else "no expiry",
    ]
    return ", ".join(parts)
