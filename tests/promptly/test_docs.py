"""The README and docs/ point only at files that exist, and no text of the repository narrates its history."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
# A relative Markdown link or image source, or a path in backticks that names a file of the repository by its extension.
LINK = re.compile(r"(?:\]\(|src=\")(?!https?://|mailto:|#)([^)\s#\"]+)")
CODE_PATH = re.compile(r"`((?:[\w.-]+/)+[\w.-]+\.(?:py|md|js|css|html|jsonl|csv|png|yml|toml))`")
# A session or round with its number, or "this" one: the repository says why things are so, not when they were done.
HISTORY = re.compile(r"\b(?:session|round) \d+\b|\bthis (?:session|round)\b", re.IGNORECASE)
SKIPPED_DIRS = {".venv", "var", ".git", "node_modules", "staticfiles", "__pycache__"}


def _texts() -> list[Path]:
    return [
        path
        for suffix in ("*.py", "*.md", "*.html", "*.js")
        for path in ROOT.rglob(suffix)
        if not SKIPPED_DIRS.intersection(path.relative_to(ROOT).parts) and "vendor" not in path.parts
    ]


@pytest.mark.parametrize("document", DOCS, ids=lambda path: str(path.relative_to(ROOT)))
def test_links_and_paths_in_the_docs_exist(document: Path) -> None:
    text = document.read_text(encoding="utf-8")
    links = [document.parent / link for link in LINK.findall(text)]
    paths = [ROOT / path for path in CODE_PATH.findall(text)]
    missing = [str(path.relative_to(ROOT)) for path in links + paths if not path.resolve().exists()]
    assert not missing, f"{document.relative_to(ROOT)} points at files that do not exist: {missing}"


def test_readme_stays_short() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").count("\n")
    assert lines <= 280, f"README.md has {lines} lines: move details to docs/ (it is for users, about 250 lines)"


def test_no_text_narrates_sessions_or_rounds() -> None:
    hits = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in _texts()
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1)
        if HISTORY.search(line)
    ]
    assert not hits, "say why the code is so, not when it was done:\n" + "\n".join(hits)
