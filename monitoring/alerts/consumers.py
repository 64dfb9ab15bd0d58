"""Websocket for in-app alerts: joins the groups of the user's brands and forwards alert-like events only."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from inbox.events import brand_group
from monitoring.selectors import brands_for

# Events of the brand group this socket passes on; check-in reminders only to the person reminded.
FORWARDED = ("alert", "uncovered", "checkin")


class AlertConsumer(AsyncJsonWebsocketConsumer):
    groups_joined: list[str]

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        brand_ids = await database_sync_to_async(lambda: list(brands_for(user).values_list("pk", flat=True)))()
        self.groups_joined = [brand_group(brand_id) for brand_id in brand_ids]
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def inbox_event(self, event: dict[str, Any]) -> None:
        kind = event.get("kind")
        if kind not in FORWARDED or "alert" not in event:
            return
        if kind == "checkin" and event.get("user_id") != self.scope["user"].pk:
            return
        await self.send_json({"kind": kind, "alert": event["alert"]})
