"""The interface in English, Spanish, Russian and Lithuanian: every word a template shows is marked for
translation, and every catalogue translates every marked string (none empty, none fuzzy), compiled."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import polib  # type: ignore[import-untyped]
import pytest
from django.conf import settings
from django.utils.translation.template import templatize

from tests.promptly.template_text import untranslated

ROOT = Path(settings.BASE_DIR)
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))
TRANSLATED = [code for code, _ in settings.LANGUAGES if code != "en"]
# Names that stay as they are in every language.
ALLOWED = frozenset({"Promptly", "X", "Facebook", "Messenger", "API", "OpenAPI", "JSON", "CSV", "RSS", "Atom"})
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


def catalogue(code: str, domain: str = "django") -> polib.POFile:
    return polib.pofile(str(ROOT / "locale" / code / "LC_MESSAGES" / f"{domain}.po"))


def template_msgids(path: Path) -> set[str]:
    """What makemessages takes from a template: Django's own templatize turns its tags into gettext calls."""
    code = templatize(path.read_text(), origin=str(path))
    found = set()
    for quoted in re.findall(r"""gettext\((?:u)?('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")\)""", code):
        found.add(eval(quoted))  # noqa: S307 - a Python string literal templatize wrote
    return found


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: str(path.relative_to(ROOT / "templates")))
def test_every_word_a_template_shows_is_marked_for_translation(path: Path) -> None:
    unmarked = [f"line {run.line}: {run.text!r}" for run in untranslated(path.read_text(), ALLOWED)]
    assert not unmarked, "wrap these in {% translate %} or {% blocktranslate %}:\n" + "\n".join(unmarked)


def test_the_check_finds_text_and_read_attributes_but_not_tags_or_marked_text() -> None:
    source = (
        '{% load i18n %}<p title="Open it">Hello {{ name }}</p>{% translate "Fine" %}'
        "{% blocktranslate %}Also {{ x }} fine{% endblocktranslate %}<b>{{ n }} &middot; 3</b>{# note #}"
    )
    assert [run.text for run in untranslated(source)] == ["Open it", "Hello"]


@pytest.mark.parametrize("code", TRANSLATED)
def test_each_catalogue_translates_every_string_without_fuzzy_entries(code: str) -> None:
    for domain in ("django", "djangojs"):
        entries = [entry for entry in catalogue(code, domain) if not entry.obsolete]
        missing = [entry.msgid for entry in entries if not entry.translated()]
        fuzzy = [entry.msgid for entry in entries if entry.fuzzy]
        assert not missing, f"{code}/{domain} lacks translations: {missing[:20]}"
        assert not fuzzy, f"{code}/{domain} has fuzzy entries: {fuzzy[:20]}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_each_catalogue_holds_every_string_the_templates_mark(code: str) -> None:
    known = {entry.msgid for entry in catalogue(code) if entry.translated()}
    marked = set().union(*(template_msgids(path) for path in TEMPLATES))
    assert not marked - known, f"run makemessages and translate: {sorted(marked - known)[:20]}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_translations_keep_placeholders_and_add_no_markup_or_quotes(code: str) -> None:
    for domain in ("django", "djangojs"):
        for entry in catalogue(code, domain):
            pairs = [(entry.msgid, entry.msgstr)] if not entry.msgid_plural else []
            pairs += [(entry.msgid_plural, text) for text in entry.msgstr_plural.values()]
            for original, translated in pairs:
                assert sorted(PLACEHOLDER.findall(original)) == sorted(PLACEHOLDER.findall(translated)), entry.msgid
                for char in '"<>':
                    # Translations go into attributes and markup unescaped: they bring no character of their own.
                    assert translated.count(char) <= original.count(char), (entry.msgid, translated)


@pytest.mark.parametrize("code", TRANSLATED)
def test_the_compiled_catalogues_are_those_of_the_po_files(code: str) -> None:
    for domain in ("django", "djangojs"):
        folder = ROOT / "locale" / code / "LC_MESSAGES"
        with (folder / f"{domain}.mo").open("rb") as compiled:
            loaded = gettext.GNUTranslations(compiled)
        for entry in catalogue(code, domain):
            if entry.translated() and not entry.msgid_plural and not entry.obsolete:
                key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
                assert loaded._catalog.get(key) == entry.msgstr, f"compile {domain}.po again: {entry.msgid!r}"  # type: ignore[attr-defined]
