"""Emptying the database after a test on committed data, without rebuilding what migrate made.

Django's TransactionTestCase empties every table and then sends post_migrate, whose receivers create the
content types and permissions again and, after each app's, the role groups again (accounts.roles): about two
thirds of the time of every such test's teardown. Content types and permissions are made by migrate only
(no test makes its own), so they are kept and the role groups are synced once.
"""

from __future__ import annotations

from typing import Any

from django.core.management.color import no_style
from django.db import connections, transaction
from django.test import TransactionTestCase

from accounts.roles import sync_role_groups

KEPT_TABLES = frozenset({"django_content_type", "auth_permission"})

# A private method of Django's (the stubs leave it out), replaced below and still called for the cases it keeps.
_django_fixture_teardown = getattr(TransactionTestCase, "_fixture_teardown")  # noqa: B009


def _fixture_teardown(self: Any) -> None:
    if self.available_apps is not None or self.serialized_rollback:
        _django_fixture_teardown(self)
        return
    for alias in self._databases_names(include_mirrors=False):
        connection = connections[alias]
        tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
        statements = connection.ops.sql_flush(no_style(), [table for table in tables if table not in KEPT_TABLES])
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
            sync_role_groups()


def keep_migrated_rows_on_flush() -> None:
    setattr(TransactionTestCase, "_fixture_teardown", _fixture_teardown)  # noqa: B010
