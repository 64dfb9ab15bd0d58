"""Endpoints of the inbox API: each checks role and brand, parses the request, and calls a selector or a service.

The same selectors and services as the pages do the work (`inbox.selectors`, `inbox.services.replies`,
`inbox.services.workflow`), so the API cannot allow what the inbox refuses. Another brand's
conversation answers 404, exactly like a missing one.
"""

from __future__ import annotations

from typing import Any, cast

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.views import APIView

from accounts.models import User
from accounts.permissions import RolePermission
from inbox.api import serializers as api
from inbox.api.openapi import queue_list_parameters
from inbox.forms import QueueFilterForm
from inbox.models import Conversation
from inbox.selectors import conversation_for, queue_page, thread
from inbox.services import workflow
from inbox.services.replies import ReplyNeedsConfirmation, ReplyRefused, ReplyRequest, latest_answer
from responses.api import ApprovalSerializer
from responses.sending import send_reply

# Refusals about the reply's text are reported on the `text` field, like any other field error.
TEXT_REFUSALS = frozenset({"empty_text", "text_too_long"})
REFUSED = OpenApiResponse(api.RefusalSerializer, description="Bad input (field errors) or a refused change.")


class HasAgentRole(RolePermission):
    message = "The inbox API needs the agent role."


class InboxAPIView(APIView):
    """Signed-in agents and up; refusals of the services become 400 (or 409 when a confirmation would do)."""

    permission_classes = [IsAuthenticated, HasAgentRole]

    def actor(self) -> User:
        return cast(User, self.request.user)

    def conversation(self, conversation_id: int) -> Conversation:
        conversation = conversation_for(self.request.user, conversation_id)
        if conversation is None:
            raise NotFound("No such conversation in your brands.")
        return conversation

    def valid(self, serializer_class: type[Serializer]) -> dict[str, Any]:
        serializer = serializer_class(data=self.request.data, context={"request": self.request})
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, ReplyNeedsConfirmation):
            return Response({"code": exc.code, "detail": exc.message}, status=status.HTTP_409_CONFLICT)
        if isinstance(exc, ReplyRefused) and exc.code in TEXT_REFUSALS:
            return Response({"text": [exc.message]}, status=status.HTTP_400_BAD_REQUEST)
        if isinstance(exc, ReplyRefused | workflow.WorkflowError):
            refusal = {"detail": exc.messages[0], "code": exc.code or "invalid"}
            return Response(refusal, status=status.HTTP_400_BAD_REQUEST)
        return super().handle_exception(exc)

    def detail(self, conversation_id: int) -> Response:
        """The conversation as it is now, with its thread."""
        conversation = self.conversation(conversation_id)
        answer = latest_answer(conversation)
        conversation.latest_answer_id = answer.pk if answer else 0  # type: ignore[attr-defined]
        conversation.tag_list = list(conversation.tags.order_by("name"))  # type: ignore[attr-defined]
        conversation.thread = list(thread(conversation))  # type: ignore[attr-defined]
        return Response(api.ConversationDetailSerializer(conversation).data)


class ConversationListView(InboxAPIView):
    """GET: one keyset page of the queue; the filters and their parsing are the inbox page's own."""

    @extend_schema(
        tags=["conversations"],
        operation_id="conversations_list",
        summary="The queue: conversations of your brands, filtered and sorted as on the inbox page",
        parameters=queue_list_parameters(),
        responses={200: api.ConversationPageSerializer, 400: REFUSED},
    )
    def get(self, request: Request) -> Response:
        form = QueueFilterForm(request.query_params)
        page_params = api.PageParamsSerializer(data=request.query_params)
        form_ok, params_ok = form.is_valid(), page_params.is_valid()
        if not (form_ok and params_ok):
            form_errors = {name: [str(message) for message in errors] for name, errors in form.errors.items()}
            raise ValidationError({**form_errors, **page_params.errors})
        filters, params = form.to_filters(), page_params.validated_data
        try:
            page = queue_page(
                request.user, filters, now=timezone.now(), cursor=params.get("cursor") or None, limit=params["limit"]
            )
        except ValueError:
            raise ValidationError({"cursor": ["Not a cursor this list gave for the chosen sort."]}) from None
        context = {
            "detail_url": lambda pk: request.build_absolute_uri(reverse("inbox_api:conversation", args=[pk])),
            "next_url": lambda cursor: _with_cursor(request, cursor),
        }
        return Response(api.ConversationPageSerializer(page, context=context).data)


def _with_cursor(request: Request, cursor: str) -> str:
    query = request.query_params.copy()
    query["cursor"] = cursor
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


class ConversationDetailView(InboxAPIView):
    """GET: the conversation, its author card, tags, SLA state and every message in platform order."""

    @extend_schema(
        tags=["conversations"],
        summary="One conversation with its whole thread",
        responses=api.ConversationDetailSerializer,
    )
    def get(self, request: Request, conversation_id: int) -> Response:
        return self.detail(conversation_id)


class ReplyView(InboxAPIView):
    """POST: queue a reply, with every check of the composer (channel, length, confirmations, idempotency)."""

    @extend_schema(
        tags=["conversations"],
        summary="Reply in the conversation's own channel and visibility",
        request=api.ReplyRequestSerializer,
        responses={
            201: api.MessageSerializer,
            200: OpenApiResponse(api.MessageSerializer, description="This idempotency key was used: its reply."),
            400: REFUSED,
            202: OpenApiResponse(ApprovalSerializer, description="Held for a supervisor's approval (and why)."),
            409: OpenApiResponse(api.ConfirmationSerializer, description="Send again with the named flag set."),
        },
    )
    def post(self, request: Request, conversation_id: int) -> Response:
        conversation = self.conversation(conversation_id)
        data = self.valid(api.ReplyRequestSerializer)
        extras = {name: data.pop(name) for name in ("confirm_channel_push", "offer_id")}
        result = send_reply(user=self.actor(), conversation_id=conversation.pk, request=ReplyRequest(**data), **extras)
        if result.reply is None:
            return Response(ApprovalSerializer(result.approval).data, status=status.HTTP_202_ACCEPTED)
        created = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        return Response(api.MessageSerializer(result.reply).data, status=created)


class AssignView(InboxAPIView):
    """POST: assign to a person and/or team of the brand, or claim it ("me")."""

    @extend_schema(
        tags=["conversations"],
        summary='Assign to a person ("me" claims) and/or a team; null clears',
        request=api.AssignRequestSerializer,
        responses={200: api.ConversationDetailSerializer, 400: REFUSED},
    )
    def post(self, request: Request, conversation_id: int) -> Response:
        conversation = self.conversation(conversation_id)
        data = self.valid(api.AssignRequestSerializer)
        if data["assignee"] == "me" and "team" not in data:
            workflow.do_claim(actor=self.actor(), conversation_id=conversation.pk)  # keeps the team, as on the page
        else:
            assignee = self.actor() if data["assignee"] == "me" else data["assignee"]
            workflow.do_assign(
                actor=self.actor(), conversation_id=conversation.pk, assignee=assignee, team=data.get("team")
            )
        return self.detail(conversation.pk)


class StatusView(InboxAPIView):
    """POST: move the conversation along its statuses (new, open, pending, resolved, snoozed, spam)."""

    @extend_schema(
        tags=["conversations"],
        summary="Change the status (snoozed needs snoozed_until)",
        request=api.StatusRequestSerializer,
        responses={200: api.ConversationDetailSerializer, 400: REFUSED},
    )
    def post(self, request: Request, conversation_id: int) -> Response:
        conversation = self.conversation(conversation_id)
        data = self.valid(api.StatusRequestSerializer)
        workflow.do_change_status(
            actor=self.actor(),
            conversation_id=conversation.pk,
            status=data["status"],
            snoozed_until=data["snoozed_until"],
        )
        return self.detail(conversation.pk)


class TagsView(InboxAPIView):
    """POST: add a tag by name."""

    @extend_schema(
        tags=["conversations"],
        summary="Tag the conversation (the brand's tag of that name, created when new)",
        request=api.TagRequestSerializer,
        responses={201: api.TagSerializer, 400: REFUSED},
    )
    def post(self, request: Request, conversation_id: int) -> Response:
        conversation = self.conversation(conversation_id)
        name = self.valid(api.TagRequestSerializer)["name"]
        tag = workflow.do_add_tag(actor=self.actor(), conversation_id=conversation.pk, name=name)
        return Response(api.TagSerializer(tag).data, status=status.HTTP_201_CREATED)


class TagView(InboxAPIView):
    """DELETE: remove one tag."""

    @extend_schema(tags=["conversations"], summary="Remove a tag", responses={204: None, 400: REFUSED})
    def delete(self, request: Request, conversation_id: int, tag_id: int) -> Response:
        conversation = self.conversation(conversation_id)
        workflow.do_remove_tag(actor=self.actor(), conversation_id=conversation.pk, tag_id=tag_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
