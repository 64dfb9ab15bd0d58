"""Deployment settings: Django's deploy checks pass in production, pages carry a strict CSP, no inline script."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "PROMPTLY_TOKEN_KEY": secrets.token_urlsafe(32),
    "DJANGO_ALLOWED_HOSTS": "inbox.example.com",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://inbox.example.com",
    "DJANGO_DEBUG": "false",
    "PROMPTLY_SANDBOX": "false",
    "PROMPTLY_HTTPS": "true",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.slow
def test_deploy_checks_pass_with_the_production_settings():
    # The test run's own relaxation (tests/conftest.py) is no production setting.
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    checked = _manage("check", "--deploy", "--fail-level", "WARNING", env={**env, **PRODUCTION})
    assert checked.returncode == 0, checked.stderr


def test_docker_compose_serves_production_over_https():
    compose = (ROOT / "docker-compose.yml").read_text()
    assert 'PROMPTLY_HTTPS: "true"' in compose
    assert 'PROMPTLY_SANDBOX: "false"' in compose


@pytest.mark.slow
def test_without_database_and_redis_urls_production_stops_with_the_reason():
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL")}
    code = "import sys; sys.modules['pgserver'] = None; import django; django.setup()"
    started = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, **PRODUCTION, "DJANGO_SETTINGS_MODULE": "promptly.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert started.returncode != 0
    assert "DATABASE_URL and REDIS_URL must be set" in started.stderr


def test_every_page_carries_a_content_security_policy_without_inline_script(client, agent):
    client.force_login(agent)
    policy = client.get("/inbox/")["Content-Security-Policy"]
    script_src = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert script_src.split()[1:] == ["'self'"]
    assert "frame-ancestors 'none'" in policy


INLINE = [
    (re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")", re.I), "an inline <script>"),
    (re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I), "an inline on* handler"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
    (re.compile(r"\bhx-on\b|hx-on[:-]", re.I), "an hx-on handler (evaluated inline)"),
]


def test_no_template_has_inline_script():
    found = []
    folders = [ROOT / "templates", *ROOT.glob("*/templates")]
    for template in (path for folder in folders for path in folder.rglob("*.html")):
        text = template.read_text()
        found += [f"{template.relative_to(ROOT)}: {what}" for pattern, what in INLINE if pattern.search(text)]
    assert found == []


def test_the_session_and_https_settings_follow_the_environment():
    assert settings.SESSION_COOKIE_AGE == 12 * 3600
    assert settings.SECURE_REDIRECT_EXEMPT == [r"^healthz$"]
