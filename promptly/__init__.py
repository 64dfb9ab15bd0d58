"""Promptly: a unified social inbox that answers every mention in its own channel, fast."""

from promptly.celery import app as celery_app

__all__ = ["celery_app"]
