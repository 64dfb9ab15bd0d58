"""`manage.py demo`: create (or keep) the demo brand and users and print their logins."""

from typing import Any

from django.core.management.base import BaseCommand

from promptly.demo import seed_demo


class Command(BaseCommand):
    help = "Create the demo brand and one user per role; print their logins."

    def handle(self, *args: Any, **options: Any) -> None:
        for login in seed_demo():
            self.stdout.write(f"{login.role.label:<11} {login.username:<11} {login.password}")
