"""The live inbox socket (/ws/inbox/): relays the brands' inbox events and shares presence and typing."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from accounts.models import User
from accounts.roles import Role, has_role
from brands.selectors import brands_for
from inbox import live_log, presence
from inbox.events import ACCESS_CHANGED, brand_group, follow_brands, user_group
from inbox.models import Conversation
from inbox.services.workflow import do_set_availability

FORBIDDEN = 4403


@database_sync_to_async
def _brand_ids(user: User) -> list[int] | None:
    """The brands whose events the person may see, or None when they may not use the inbox.

    Read from the database each time (never the scope's cached user): role and membership may have
    changed since the socket opened.
    """
    current = User.objects.filter(pk=user.pk).first()
    if current is None or not has_role(current, Role.AGENT):
        return None
    return list(brands_for(current).values_list("pk", flat=True))


@database_sync_to_async
def _brand_of(conversation_id: int) -> int | None:
    return Conversation.objects.filter(pk=conversation_id).values_list("brand_id", flat=True).first()


@database_sync_to_async
def _seen(user: User) -> None:
    do_set_availability(user=user, seen=True)


class InboxConsumer(AsyncJsonWebsocketConsumer):
    """Messages in: view / leave / typing / ping / resume. Out: the brand group's inbox events, as JSON objects.

    Brand events carry brand_id and event_id; a page sends {"type": "resume", "after": {brand_id: event_id}}
    when its socket opens and hears what it missed, then where each brand stands ("live.positions").
    """

    user: User
    brand_ids: list[int]
    groups_joined: list[str]
    viewing: tuple[int, int] | None = None  # (conversation_id, brand_id)

    async def connect(self) -> None:
        user = self.scope.get("user")
        brand_ids = await _brand_ids(user) if user is not None and user.is_authenticated else None
        if brand_ids is None:
            await self.close(code=FORBIDDEN)
            return
        self.user, self.brand_ids = user, brand_ids
        self.groups_joined = [brand_group(brand_id) for brand_id in brand_ids] + [user_group(user.pk)]
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        await _seen(user)

    async def disconnect(self, code: int) -> None:
        await self._leave()
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "view":
            await self._view(content.get("conversation_id"))
        elif kind == "typing" and self.viewing and content.get("conversation_id") == self.viewing[0]:
            if await presence.mark_typing(self.viewing[0], self.user.pk, self._name()):
                await self._broadcast(*self.viewing)
        elif kind == "leave":
            await self._leave()
        elif kind == "resume":
            await self._resume(content.get("after"))
        elif kind == "ping":
            await _seen(self.user)
            if self.viewing:
                await presence.mark_viewing(self.viewing[0], self.user.pk, self._name())
        else:
            await self.send_json({"kind": "error", "detail": "Unknown message."})

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Brand events straight to inbox_event; the rest as Channels dispatches them.

        Channels closes stale database connections before every message it dispatches, a hop to a worker
        thread; relaying an event touches no database (what does goes through database_sync_to_async,
        which cleans up around itself), and events are the messages that come per event and per socket.
        """
        if message.get("type") == "inbox.event":
            await self.inbox_event(message)
        else:
            await super().dispatch(message)

    async def inbox_event(self, event: dict[str, Any]) -> None:
        if event.get("kind") == ACCESS_CHANGED:
            await self._recheck_access()
            return
        await self.send_json({key: value for key, value in event.items() if key != "type"})

    async def _recheck_access(self) -> None:
        """Role or membership changed: close when the inbox is no longer theirs, else follow their brands."""
        brand_ids = await _brand_ids(self.user)
        if brand_ids is None:
            await self.close(code=FORBIDDEN)
            return
        await follow_brands(self.channel_layer, self.channel_name, before=self.brand_ids, after=brand_ids)
        if self.viewing and self.viewing[1] not in brand_ids:
            self.viewing = None
        self.brand_ids = brand_ids
        self.groups_joined = [brand_group(brand_id) for brand_id in brand_ids] + [user_group(self.user.pk)]

    async def _resume(self, after: Any) -> None:
        seen = after if isinstance(after, dict) else {}
        for brand_id in self.brand_ids:
            position = seen.get(str(brand_id))
            if not live_log.valid_id(position):
                continue
            missed = await live_log.since(brand_id, position)
            if missed is None:
                await self.send_json({"kind": "live.reload"})
                return
            for event in missed:
                await self.send_json(event)
        positions = {str(brand_id): await live_log.last_id(brand_id) for brand_id in self.brand_ids}
        await self.send_json({"kind": "live.positions", "positions": positions})

    def _name(self) -> str:
        return (self.user.get_full_name() or self.user.get_username())[:80]

    async def _view(self, conversation_id: Any) -> None:
        brand_id = await _brand_of(conversation_id) if isinstance(conversation_id, int) else None
        if brand_id is None or brand_id not in self.brand_ids:
            await self.send_json({"kind": "error", "detail": "No such conversation in your brands."})
            return
        if self.viewing and self.viewing[0] != conversation_id:
            await self._leave()
        self.viewing = (conversation_id, brand_id)
        await presence.mark_viewing(conversation_id, self.user.pk, self._name())
        await self._broadcast(conversation_id, brand_id)

    async def _leave(self) -> None:
        if self.viewing is None:
            return
        conversation_id, brand_id = self.viewing
        self.viewing = None
        await presence.stop_viewing(conversation_id, self.user.pk, self._name())
        await self._broadcast(conversation_id, brand_id)

    async def _broadcast(self, conversation_id: int, brand_id: int) -> None:
        here = await presence.who_is_here(conversation_id)
        message = {"type": "inbox.event", "kind": "presence", "conversation_id": conversation_id, **here}
        await self.channel_layer.group_send(brand_group(brand_id), message)
