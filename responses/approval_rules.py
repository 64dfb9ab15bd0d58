"""Which replies wait for a supervisor: the brand's rules, each giving the reason the supervisor reads.

Rules (per brand, in ResponseSettings): the agent is in training (marked on the people page, or among the
brand's trainees); the reply answers a negative
conversation from an author with at least the threshold of followers; the reply contains a listed
word; during a crisis, the reply is free text on a conversation of the incident (crisis mode says so
through responses.signals.crisis_reply_checking; on unless the brand turns it off). Offers beyond their
limits (responses.offers.limits_exceeded) add their own reasons.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from inbox.models import Sentiment
from responses.models import ResponseSettings
from responses.signals import crisis_reply_checking

if TYPE_CHECKING:
    from accounts.models import User
    from inbox.models import Conversation


def listed_words_in(text: str, words: list[str]) -> list[str]:
    """The listed words or phrases the text contains as whole words, case and accents as written."""
    found = []
    for word in words:
        if re.search(r"(?<!\w)" + re.escape(word) + r"(?!\w)", text, re.IGNORECASE):
            found.append(word)
    return found


def approval_reasons(*, agent: User, conversation: Conversation, text: str, filled: str) -> list[str]:
    """Why this reply (as written, and filled in) needs a supervisor's approval under the brand's rules
    (empty: it does not)."""
    settings = ResponseSettings.objects.filter(brand_id=conversation.brand_id).first()
    reasons = []
    # Marked on the people page (every brand), or on this brand's reply rules.
    if agent.in_training or (settings is not None and settings.trainees.filter(pk=agent.pk).exists()):
        reasons.append(f"{agent.get_username()} is in training")
    if settings is not None:
        reasons += _rule_reasons(settings, conversation, filled)
    if settings is None or settings.crisis_free_text:
        reasons += _crisis_reasons(agent, conversation, text, filled)
    return reasons


def _rule_reasons(settings: ResponseSettings, conversation: Conversation, filled: str) -> list[str]:
    reasons = []
    threshold = settings.negative_follower_threshold
    author = conversation.author
    followers = (author.followers_count or 0) if author is not None else 0
    if threshold is not None and conversation.sentiment == Sentiment.NEGATIVE and followers >= threshold:
        reasons.append(f"a negative conversation from an author with {followers:,} followers (rule: {threshold:,})")
    words = listed_words_in(filled, settings.listed_words)
    if words:
        reasons.append("it contains listed words: " + ", ".join(f"\u201c{w}\u201d" for w in words))
    return reasons


def _crisis_reasons(agent: User, conversation: Conversation, text: str, filled: str) -> list[str]:
    answers = crisis_reply_checking.send(
        sender=ResponseSettings, agent=agent, conversation=conversation, text=text, filled=filled
    )
    return [str(reason) for _, reason in answers if reason]
