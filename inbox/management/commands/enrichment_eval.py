"""`manage.py enrichment_eval [--file PATH]`: measured language and sentiment accuracy per language."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from inbox.enrichment.evaluation import EVALUATION_SET, evaluate, load, table


class Command(BaseCommand):
    help = "Measure enrichment accuracy (language detection, sentiment) on a labelled set of posts."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--file", type=Path, default=EVALUATION_SET, help="JSON lines: text, language, sentiment.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            posts = load(path)
        except (OSError, ValueError, TypeError) as error:
            raise CommandError(f"Cannot read the evaluation set {path}: {error}") from error
        if not posts:
            raise CommandError(f"The evaluation set {path} holds no posts.")
        self.stdout.write(table(evaluate(posts)))
