"""Search and sort expressions shared by the queue's indexes, its queries and the database's own upkeep.

Full-text search folds accents with `promptly_fold()` (an IMMUTABLE SQL function created in a
migration: Unicode NFD, combining marks dropped, a few letters that do not decompose mapped) and
indexes words with PostgreSQL's `simple` configuration: "cafe" finds "Café" and "CAFÉ" in every
language a brand hears, without stemming rules that would suit one language and mangle the others.
The embedded PostgreSQL (pgserver) ships no contrib modules, so the `unaccent` extension is not
available there; folding in plain SQL works on every PostgreSQL >= 13.

The words live on the conversation (`Conversation.search_document`: its messages' text and their
authors' handles and names), so a search is one GIN lookup on the table the queue sorts, not a walk
from every matching message back to its conversation. A statement trigger on `inbox_message` adds a new
message's words, whoever inserts it (replies, tests), in the inserting statement's transaction
(migration 0011 holds its SQL); ingest adds them in its own update of the page's conversations instead
(inbox.services.ingest_store, migration 0016), so each conversation is rewritten once per page, not twice.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db.models import DateTimeField, F, Func, Value
from django.db.models.functions import Coalesce

# Letters NFD does not split into base + mark; the same table is in the SQL function.
UNDECOMPOSED_FROM = "øØłŁđĐðıħĦ"
UNDECOMPOSED_TO = "oOlLdDdihH"
# Conversations with no clock running sort after every due time (NULLS LAST, index-friendly).
NO_DEADLINE = dt.datetime(9999, 12, 31, tzinfo=dt.UTC)
MAX_SEARCH_TERMS = 8

CREATE_FOLD_FUNCTION = rf"""
CREATE OR REPLACE FUNCTION promptly_fold(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT translate(regexp_replace(normalize(value, NFD), '[\u0300-\u036f]', '', 'g'),
                   '{UNDECOMPOSED_FROM}', '{UNDECOMPOSED_TO}')
$$;
"""
DROP_FOLD_FUNCTION = "DROP FUNCTION IF EXISTS promptly_fold(text);"


# Joined and SearchDocument stay for migration 0006, which built (and 0011 dropped) indexes with them.
class Joined(Func):
    """(a || ' ' || b): text concatenation that stays IMMUTABLE (CONCAT() is only STABLE, unfit for an index)."""

    template = "(%(expressions)s)"
    arg_joiner = " || "


class SearchDocument(Func):
    """to_tsvector('simple', promptly_fold(<text>)): the expression of the message and author indexes of 0006."""

    template = "to_tsvector('simple'::regconfig, promptly_fold(%(expressions)s))"
    output_field = SearchVectorField()


def urgency_key() -> Coalesce:
    """When the first response is due, with no deadline sorting last."""
    return Coalesce(F("response_due_at"), Value(NO_DEADLINE, output_field=DateTimeField()))


def fold(text: str) -> str:
    """The Python twin of promptly_fold(), for the words of a search."""
    stripped = "".join(ch for ch in unicodedata.normalize("NFD", text) if not 0x300 <= ord(ch) <= 0x36F)
    return stripped.translate(str.maketrans(UNDECOMPOSED_FROM, UNDECOMPOSED_TO))


def search_query(text: str) -> SearchQuery | None:
    """Every word the agent typed, each as a prefix ("refun" finds "refund"), all required; None when empty."""
    # Split where PostgreSQL's parser splits (at "_" too): a term it would split itself ("jose_r") would
    # become a phrase, which the stored documents (positions stripped) cannot match.
    words = re.findall(r"[^\W_]+", fold(text).lower())[:MAX_SEARCH_TERMS]
    if not words:
        return None
    # Words are letters and digits only, so nothing in them can be tsquery syntax.
    raw = " & ".join(f"{word}:*" for word in words)
    return SearchQuery(raw, search_type="raw", config=Value("simple"))
