"""Sentiment lexicons, one module per language, compiled once at import."""

from __future__ import annotations

from inbox.enrichment.lexicons import en, es, lt, ru
from inbox.enrichment.lexicons.base import CompiledLexicon, compile_lexicon

LEXICONS: dict[str, CompiledLexicon] = {
    "en": compile_lexicon(en.LEXICON),
    "es": compile_lexicon(es.LEXICON),
    "ru": compile_lexicon(ru.LEXICON),
    "lt": compile_lexicon(lt.LEXICON),
}
