"""Monitored queries of a brand and the record of which messages each one matched."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models

from monitoring.queries.compiler_x import XCompileError, compile_x
from monitoring.queries.parser import CHANNELS, MAX_QUERY_LENGTH, ParsedQuery, QuerySyntaxError, parse


class MonitoredQuery(models.Model):
    """What a brand listens for, in the query language of monitoring.queries.parser."""

    brand = models.ForeignKey("brands.Brand", on_delete=models.CASCADE, related_name="queries")
    name = models.CharField(max_length=120)
    query = models.TextField(
        max_length=MAX_QUERY_LENGTH,
        help_text='Words, "exact phrases", AND / OR / NOT, -word, parentheses; lang:xx and channel:NAME scopes.',
    )
    languages = ArrayField(
        models.CharField(max_length=3),
        default=list,
        blank=True,
        help_text="Only messages in these languages (ISO 639-1 codes, comma-separated); empty: any language.",
    )
    channels = ArrayField(
        models.CharField(max_length=16, choices=[(name, name) for name in CHANNELS]),
        default=list,
        blank=True,
        help_text="Only these channels (x, facebook, feed, webhook; comma-separated); empty: every channel.",
    )
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["brand", "name"]
        verbose_name_plural = "monitored queries"
        constraints = [models.UniqueConstraint(fields=["brand", "name"], name="query_name_unique_per_brand")]

    def __str__(self) -> str:
        return self.name

    def parsed(self) -> ParsedQuery:
        """The query with the form's scopes applied on top of those written in the query."""
        parsed = parse(self.query)
        languages = _narrow(parsed.languages, tuple(code.lower() for code in self.languages))
        channels = _narrow(parsed.channels, tuple(self.channels))
        if languages is None or channels is None:
            raise QuerySyntaxError("the scopes in the query and in the scope fields exclude each other", 0, self.query)
        return ParsedQuery(parsed.expression, languages, channels)

    def clean(self) -> None:
        try:
            parsed = self.parsed()
        except QuerySyntaxError as error:
            raise ValidationError({"query": str(error)}) from error
        try:
            compile_x(parsed, max_length=settings.PROMPTLY_X_QUERY_MAX_LENGTH)
        except XCompileError as error:
            raise ValidationError({"query": f"cannot be searched on X: {error}"}) from error


def _narrow(written: tuple[str, ...], chosen: tuple[str, ...]) -> tuple[str, ...] | None:
    """Both scopes apply; None when nothing satisfies both."""
    if written and chosen:
        return tuple(value for value in written if value in chosen) or None
    return written or chosen


class MessageQueryMatch(models.Model):
    """One message matched one query. Conversation is copied in so the inbox filters without a join."""

    message = models.ForeignKey("inbox.Message", on_delete=models.CASCADE, related_name="query_matches")
    query = models.ForeignKey(MonitoredQuery, on_delete=models.CASCADE, related_name="matches")
    conversation = models.ForeignKey("inbox.Conversation", on_delete=models.CASCADE, related_name="query_matches")
    matched_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["message", "query"], name="match_unique_per_message")]
        indexes = [models.Index(fields=["query", "conversation"], name="match_query_conversation")]

    def __str__(self) -> str:
        return f"{self.query} ↔ message {self.message_id}"
