"""Redis databases for parallel test workers: a Redis URL with its database number read or replaced."""

from __future__ import annotations

import urllib.parse

# Redis's default `databases`, the embedded server's too.
REDIS_DATABASES = 16


def redis_database(url: str) -> int:
    """The database a Redis URL names: the path of redis://host:port/N, the `db` of unix:///socket?db=N."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "unix":
        return int(dict(urllib.parse.parse_qsl(parts.query)).get("db", 0))
    return int(parts.path.strip("/") or 0)


def with_redis_database(url: str, database: int) -> str:
    if url.startswith("unix://"):
        # urlsplit would drop the empty host and with it the // that unix:///path needs.
        path, _, query = url.removeprefix("unix://").partition("?")
        pairs = [(key, value) for key, value in urllib.parse.parse_qsl(query) if key != "db"]
        return f"unix://{path}?{urllib.parse.urlencode([*pairs, ('db', str(database))])}"
    return urllib.parse.urlsplit(url)._replace(path=f"/{database}").geturl()
