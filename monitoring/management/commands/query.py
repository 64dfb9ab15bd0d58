"""`manage.py query add|check`: scripted set-up of monitored queries."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from brands.models import Brand
from monitoring.queries.compiler_x import XCompileError, compile_x
from monitoring.queries.parser import QuerySyntaxError, parse
from monitoring.queries.services import add_query

SYNTAX_ERROR_EXIT = 2


class Command(BaseCommand):
    help = "Add a monitored query to a brand, or check a query and print its compiled X searches."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("add", help="Add a monitored query.")
        add.add_argument("--brand", required=True, help="The brand's slug.")
        add.add_argument("--name", help="A name for the query (default: the query itself).")
        add.add_argument("query")
        check = actions.add_parser("check", help="Compile a query; exit 2 with the error position if it is wrong.")
        check.add_argument("query")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "check":
            self._check(options["query"])
        else:
            self._add(options)

    def _check(self, query: str) -> None:
        try:
            parsed = parse(query)
            searches = compile_x(parsed, max_length=settings.PROMPTLY_X_QUERY_MAX_LENGTH)
        except QuerySyntaxError as error:
            self.stderr.write(f"error at {error}\n{error.pointer()}")
            raise SystemExit(SYNTAX_ERROR_EXIT) from error
        except XCompileError as error:
            self.stderr.write(f"error: cannot be searched on X: {error}")
            raise SystemExit(SYNTAX_ERROR_EXIT) from error
        if not searches:
            self.stdout.write("(not searched on X: the query is scoped to other channels)")
        for search in searches:
            self.stdout.write(search)

    def _add(self, options: dict[str, Any]) -> None:
        brand = Brand.objects.filter(slug=options["brand"]).first()
        if brand is None:
            raise CommandError(f"no brand {options['brand']!r} (see `manage.py brands list`)")
        query = options["query"]
        try:
            monitored = add_query(brand=brand, name=(options["name"] or query)[:120], query=query)
        except ValidationError as error:
            problems = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items())
            self.stderr.write(f"error: {problems}")
            raise SystemExit(SYNTAX_ERROR_EXIT) from error
        self.stdout.write(self.style.SUCCESS(f"Added query {monitored.name!r} to {brand.slug} (id {monitored.pk})."))
        for search in compile_x(monitored.parsed(), max_length=settings.PROMPTLY_X_QUERY_MAX_LENGTH):
            self.stdout.write(f"X search: {search}")
