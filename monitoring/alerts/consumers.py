"""Websocket for in-app alerts: joins the groups of the user's brands and forwards alert-like events only."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from accounts.models import User
from brands.selectors import brands_for
from inbox.events import ACCESS_CHANGED, brand_group, follow_brands, user_group

# Events of the brand group this socket passes on; check-in reminders only to the person reminded.
FORWARDED = ("alert", "uncovered", "checkin", "notice")


@database_sync_to_async
def _brand_ids(user_id: int) -> list[int] | None:
    """The person's brands read afresh, or None when the account no longer signs in."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    return None if user is None else list(brands_for(user).values_list("pk", flat=True))


class AlertConsumer(AsyncJsonWebsocketConsumer):
    groups_joined: list[str]
    brand_ids: list[int]

    async def connect(self) -> None:
        user = self.scope.get("user")
        brand_ids = await _brand_ids(user.pk) if user is not None and user.is_authenticated else None
        if brand_ids is None:
            await self.close(code=4401)
            return
        self.brand_ids = brand_ids
        self.groups_joined = [brand_group(brand_id) for brand_id in brand_ids] + [user_group(user.pk)]
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def inbox_event(self, event: dict[str, Any]) -> None:
        kind = event.get("kind")
        if kind == ACCESS_CHANGED:
            await self._recheck_access()
            return
        if kind not in FORWARDED or "alert" not in event:
            return
        if kind in ("checkin", "notice") and event.get("user_id") != self.scope["user"].pk:
            return
        # Alerts meant for some people of the brand only (listening health: its admins and supervisors).
        if "user_ids" in event and self.scope["user"].pk not in event["user_ids"]:
            return
        await self.send_json({"kind": kind, "alert": event["alert"]})

    async def _recheck_access(self) -> None:
        brand_ids = await _brand_ids(self.scope["user"].pk)
        if brand_ids is None:
            await self.close(code=4403)
            return
        await follow_brands(self.channel_layer, self.channel_name, before=self.brand_ids, after=brand_ids)
        self.brand_ids = brand_ids
        self.groups_joined = [brand_group(brand_id) for brand_id in brand_ids] + [user_group(self.scope["user"].pk)]
