"""`manage.py sandbox setup|traffic|faults`: sandbox accounts for a brand, generated traffic, injected faults."""

from __future__ import annotations

import json
import re
import time
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from brands.models import Brand
from sandbox import scenarios, services, traffic
from sandbox.models import AlertFeed, FacebookPage, XUser

RATE = re.compile(r"^(\d+(?:\.\d+)?)(?:/min)?$")


class Command(BaseCommand):
    help = "Set up sandbox platform accounts for a brand, generate traffic, or set injected faults."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        setup = actions.add_parser("setup", help="Create the brand's sandbox X account, Facebook Page and alerts feed.")
        setup.add_argument("--brand", required=True, help="Brand slug.")
        setup.add_argument("--name", help="Display name (default: the brand's name, or the slug).")
        setup.add_argument("--base-url", help="Where Promptly serves (default: http://PROMPTLY_HOST:PROMPTLY_PORT).")
        setup.add_argument(
            "--webhook-url", default="", help="Push Page webhook events here, e.g. BASE/webhooks/facebook/."
        )
        setup.add_argument("--json", action="store_true", help="Print the credentials as one JSON object.")
        generate = actions.add_parser("traffic", help="Generate customers' posts, comments, DMs and alerts.")
        generate.add_argument("--brand", help="Brand slug (default: every brand set up in the sandbox).")
        generate.add_argument("--count", type=int, help="How many items (default: 100, or forever with --rate).")
        generate.add_argument("--rate", help="Items per minute, e.g. 6/min: live traffic with webhooks pushed.")
        generate.add_argument("--seed", type=int, default=0)
        generate.add_argument("--mentions-only", action="store_true", help="Only X posts that tag the brand.")
        scenario = actions.add_parser(
            "scenario", help="Several customers in one place: a Page post, a brand post on X, a thread, an article."
        )
        scenario.add_argument("--brand", required=True, help="Brand slug (set up with `sandbox setup`).")
        storm = actions.add_parser("crisis", help="A crisis scenario: a surge of negative X posts about one topic.")
        storm.add_argument("--brand", required=True, help="Brand slug (set up in the sandbox).")
        storm.add_argument("--topic", default="the new app update", help="What everyone is angry about.")
        storm.add_argument("--count", type=int, default=120, help="How many posts (default 120).")
        storm.add_argument("--minutes", type=float, default=10.0, help="Spread over the last N minutes (default 10).")
        storm.add_argument("--seed", type=int, default=0)
        faults = actions.add_parser("faults", help="Set fault rates of the sandbox's read endpoints (0..1).")
        for name in ("500", "429", "timeout", "malformed", "duplicate"):
            faults.add_argument(f"--{name}", type=float, default=0.0, dest=f"rate_{name}")
        faults.add_argument("--seed", type=int, default=0)

    def handle(self, *args: Any, **options: Any) -> None:
        actions = {
            "setup": self._setup,
            "traffic": self._traffic,
            "scenario": self._scenario,
            "crisis": self._crisis,
            "faults": self._faults,
        }
        actions[options["action"]](options)

    def _setup(self, options: dict[str, Any]) -> None:
        slug = options["brand"]
        brand = Brand.objects.filter(slug=slug).first()
        name = options["name"] or (brand.name if brand else slug)
        base = (options["base_url"] or f"http://{settings.PROMPTLY_HOST}:{settings.PROMPTLY_PORT}").rstrip("/")
        x = services.create_x_account(username=services.x_handle(slug), name=name)
        page = services.create_facebook_page(name=name, username=slug, webhook_url=options["webhook_url"])
        feed = services.create_feed(slug=slug, term=name)
        feed_url = f"{base}/sandbox/feeds/{feed.slug}.xml"
        if options["json"]:
            self.stdout.write(json.dumps({"x": x.__dict__, "facebook": page.__dict__, "feed_url": feed_url}))
            return
        lines = [
            f"X account @{x.username} (user id {x.user_id})",
            f"  bearer token:        {x.bearer_token}",
            f"  consumer key/secret: {x.consumer_key} {x.consumer_secret}",
            f"  access token/secret: {x.access_token} {x.access_token_secret}",
            f"Facebook Page {page.name} (id {page.page_id})",
            f"  page token: {page.page_token}",
            f"  app secret: {page.app_secret}   verify token: {page.verify_token}",
            f"Alerts feed: {feed_url}",
            "",
            "Point Promptly at the sandbox:",
            f"  PROMPTLY_X_API_URL={base}/sandbox/x PROMPTLY_GRAPH_API_URL={base}/sandbox/graph",
            "Connect the accounts:",
            f"  python manage.py accounts add x --brand {slug} --user-id {x.user_id} --handle {x.username} "
            f"--bearer-token {x.bearer_token} --consumer-key {x.consumer_key} --consumer-secret {x.consumer_secret} "
            f"--access-token {x.access_token} --access-secret {x.access_token_secret}",
            f"  python manage.py accounts add facebook --brand {slug} --page-id {page.page_id} "
            f"--page-token {page.page_token}",
            f"  python manage.py accounts add feed --brand {slug} --url {feed_url}",
        ]
        self.stdout.write("\n".join(lines))

    def _brands(self, options: dict[str, Any]) -> list[str]:
        if options["brand"]:
            return [options["brand"]]
        slugs = set(AlertFeed.objects.values_list("slug", flat=True)) | set(
            FacebookPage.objects.values_list("username", flat=True)
        )
        if not slugs:
            raise CommandError("No brand is set up in the sandbox: run `manage.py sandbox setup --brand SLUG` first.")
        return sorted(slugs)

    def _traffic(self, options: dict[str, Any]) -> None:
        brands = self._brands(options)
        if not options["rate"]:
            for slug in brands:
                report = traffic.generate(
                    brand=slug,
                    count=options["count"] or 100,
                    seed=options["seed"],
                    mentions_only=options["mentions_only"],
                )
                self.stdout.write(f"{slug}: {json.dumps(traffic.describe(report))}")
            return
        match = RATE.match(options["rate"])
        if match is None or float(match.group(1)) <= 0:
            raise CommandError("--rate is items per minute, e.g. 6/min.")
        self._live(brands, float(match.group(1)), options)

    def _live(self, brands: list[str], per_minute: float, options: dict[str, Any]) -> None:
        """One item at a time, round the brands, until --count items (forever without it)."""
        made = 0
        while options["count"] is None or made < options["count"]:
            slug = brands[made % len(brands)]
            report = traffic.generate(
                brand=slug,
                count=1,
                seed=options["seed"] * 1_000_003 + made,
                mentions_only=options["mentions_only"],
                push_webhooks=True,
            )
            made += 1
            self.stdout.write(f"{slug}: {json.dumps(traffic.describe(report))}")
            self.stdout.flush()
            time.sleep(60 / per_minute)

    def _scenario(self, options: dict[str, Any]) -> None:
        try:
            played = scenarios.several_customers(slug=options["brand"])
        except (XUser.DoesNotExist, FacebookPage.DoesNotExist, services.UnknownObject):
            raise CommandError(f"Run `manage.py sandbox setup --brand {options['brand']}` first.") from None
        self.stdout.write(
            f"Page post {played.page_post.graph_id} with {len(played.comments)} comments; X post "
            f"{played.brand_tweet.id} with {len(played.replies)} replies; thread {played.thread[0].id}; "
            f"article {played.article.pk}"
        )

    def _crisis(self, options: dict[str, Any]) -> None:
        if options["count"] < 1 or options["minutes"] <= 0:
            raise CommandError("--count and --minutes must be positive.")
        try:
            report = traffic.crisis_surge(
                brand=options["brand"],
                topic=options["topic"],
                count=options["count"],
                minutes=options["minutes"],
                seed=options["seed"],
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{options['brand']}: {json.dumps(traffic.describe(report))}")

    def _faults(self, options: dict[str, Any]) -> None:
        rates = {key: options[key] for key in options if key.startswith("rate_")}
        try:
            services.set_faults(seed=options["seed"], **rates)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Sandbox faults set: {rates}, seed {options['seed']}")
