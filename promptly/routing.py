"""Websocket routes of every app, gathered in one list for the ASGI router."""

from django.urls import URLPattern, URLResolver, path

from inbox.consumers import InboxConsumer
from monitoring.alerts.routing import websocket_urlpatterns as alert_routes

websocket_urlpatterns: list[URLPattern | URLResolver] = [
    *alert_routes,
    path("ws/inbox/", InboxConsumer.as_asgi()),
]
