"""What the inbox API reads and writes: conversations and messages out, reply and workflow requests in.

Output serializers only read what the selectors loaded (a queue row holds the columns of
`inbox.selectors.ROW_FIELDS` and nothing else), so a list page stays one query whatever its size.
Input serializers check shape only; the services decide what is allowed.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from brands.models import Team
from brands.selectors import brands_for
from inbox.models import Conversation, DeliveryStatus, Direction, Sentiment, Status, Visibility
from inbox.selectors import PAGE_SIZE
from inbox.services.workflow import MAX_TAG_LENGTH
from inbox.sla.selectors import SlaState
from monitoring.models import Platform

# A list page holds at most this many conversations (the queue page shows PAGE_SIZE).
MAX_PAGE_SIZE = 100

# ---------------------------------------------------------------- small pieces shared by rows and details


class BrandSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class PersonSerializer(serializers.Serializer):
    """A member of the team (assignee, sender of a reply)."""

    id = serializers.IntegerField()
    username = serializers.CharField()


class TeamSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class TagSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class AuthorSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    handle = serializers.CharField()
    name = serializers.CharField()


class AuthorCardSerializer(AuthorSummarySerializer):
    """The author card of a conversation: who wrote, and how far they reach."""

    platform = serializers.ChoiceField(choices=Platform.choices)
    followers_count = serializers.IntegerField(allow_null=True)
    profile_url = serializers.CharField(help_text="The platform's profile link, as data: check it before linking.")


# ---------------------------------------------------------------- the queue


class ConversationRowSerializer(serializers.Serializer):
    """One row of the queue, as `inbox.selectors.queue_page` returns it."""

    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    brand = BrandSerializer()
    channel = serializers.ChoiceField(source="account.platform", choices=Platform.choices)
    account_id = serializers.IntegerField()
    visibility = serializers.ChoiceField(choices=Visibility.choices)
    status = serializers.ChoiceField(choices=Status.choices)
    subject = serializers.CharField()
    snippet = serializers.CharField(allow_null=True, help_text="The start of the customer's latest message.")
    author = AuthorSummarySerializer(allow_null=True)
    assignee = PersonSerializer(allow_null=True)
    team = TeamSerializer(allow_null=True)
    tags = serializers.ListField(source="tag_names", child=serializers.CharField())
    sentiment = serializers.ChoiceField(choices=Sentiment.choices)
    language = serializers.CharField()
    priority = serializers.IntegerField()
    sla_state = serializers.ChoiceField(choices=[state.value for state in SlaState])
    response_due_at = serializers.DateTimeField(allow_null=True)
    last_message_at = serializers.DateTimeField()
    snoozed_until = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, conversation: Conversation) -> str:
        return self.context["detail_url"](conversation.pk)


class ConversationPageSerializer(serializers.Serializer):
    results = ConversationRowSerializer(many=True, source="rows")
    next_cursor = serializers.CharField(allow_null=True, help_text="Pass as `cursor` for the next page.")
    next = serializers.SerializerMethodField(help_text="The next page with the same filters; null on the last.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_next(self, page: Any) -> str | None:
        return self.context["next_url"](page.next_cursor) if page.next_cursor else None


class PageParamsSerializer(serializers.Serializer):
    """Where a list page starts and how long it is; the filters themselves are the queue page's form."""

    cursor = serializers.CharField(required=False, max_length=100, allow_blank=True)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=MAX_PAGE_SIZE, default=PAGE_SIZE)


# ---------------------------------------------------------------- one conversation


class MessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    direction = serializers.ChoiceField(choices=Direction.choices)
    visibility = serializers.ChoiceField(choices=Visibility.choices)
    external_id = serializers.CharField(allow_null=True, help_text="The platform's id; null until a reply is sent.")
    in_reply_to = serializers.CharField()
    author = AuthorSummarySerializer(allow_null=True)
    sent_by = PersonSerializer(allow_null=True, help_text="Outbound only: who in the team sent it.")
    text = serializers.CharField(help_text="As the platform gave it: data to escape, never markup.")
    url = serializers.CharField()
    platform_time = serializers.DateTimeField()
    received_at = serializers.DateTimeField()
    language = serializers.CharField()
    sentiment = serializers.ChoiceField(choices=Sentiment.choices)
    delivery_status = serializers.ChoiceField(choices=[("", "Inbound"), *DeliveryStatus.choices])
    delivery_error = serializers.CharField()


class ConversationDetailSerializer(serializers.Serializer):
    """A conversation with its whole thread in platform order, as its page shows it."""

    id = serializers.IntegerField()
    brand = BrandSerializer()
    channel = serializers.ChoiceField(source="account.platform", choices=Platform.choices)
    account_id = serializers.IntegerField()
    visibility = serializers.ChoiceField(choices=Visibility.choices)
    status = serializers.ChoiceField(choices=Status.choices)
    subject = serializers.CharField()
    author = AuthorCardSerializer(allow_null=True)
    assignee = PersonSerializer(allow_null=True)
    team = TeamSerializer(allow_null=True)
    tags = TagSerializer(many=True, source="tag_list")
    sentiment = serializers.ChoiceField(choices=Sentiment.choices)
    language = serializers.CharField()
    priority = serializers.IntegerField()
    sla_state = serializers.ChoiceField(choices=[state.value for state in SlaState])
    response_due_at = serializers.DateTimeField(allow_null=True)
    first_inbound_at = serializers.DateTimeField()
    last_message_at = serializers.DateTimeField()
    snoozed_until = serializers.DateTimeField(allow_null=True)
    latest_answer_id = serializers.IntegerField(
        help_text="The newest reply on its way or sent (0: none). Send it back as `seen_answer_id` when replying."
    )
    messages = MessageSerializer(many=True, source="thread")


# ---------------------------------------------------------------- requests


class ReplyRequestSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=20000, help_text="Checked against the channel's limit as it counts.")
    idempotency_key = serializers.UUIDField(
        help_text="A new UUID per reply: sending the same key again returns the same message (200), never a second."
    )
    private = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Answer a public post privately (asks for confirm_private); omitted: the conversation's visibility.",
    )
    confirm_private = serializers.BooleanField(required=False, default=False)
    seen_answer_id = serializers.IntegerField(
        required=False,
        min_value=0,
        default=0,
        help_text="The latest_answer_id you read; a newer reply by anyone asks for confirm_replied_meanwhile.",
    )
    confirm_replied_meanwhile = serializers.BooleanField(required=False, default=False)
    confirm_channel_push = serializers.BooleanField(
        required=False, default=False, help_text="Send a public reply that points the customer to another channel."
    )
    offer_id = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="Attach a pre-approved offer of the brand."
    )
    reply_to = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=2**63 - 1,
        help_text="The id of the inbound message to answer; omitted: the customer's latest message.",
    )


class ConfirmationSerializer(serializers.Serializer):
    code = serializers.ChoiceField(
        choices=["confirm_private", "confirm_replied_meanwhile", "confirm_channel_push"],
        help_text="Send this flag as true to go ahead.",
    )
    detail = serializers.CharField()


class RefusalSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()


class StatusRequestSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices)
    snoozed_until = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="Required with status=snoozed: a future time."
    )


@extend_schema_field(
    {"oneOf": [{"type": "integer"}, {"type": "string", "enum": ["me"]}], "nullable": True},
)
class AssigneeField(serializers.Field):
    """A person of the requester's brands by id, or "me"; null unassigns."""

    default_error_messages = {"unknown": "No person with this id works on your brands."}

    def to_internal_value(self, data: Any) -> User | str:
        if data == "me":
            return "me"
        try:
            person_id = int(data)
        except (TypeError, ValueError):
            self.fail("unknown")
        person = _people_of(self.context["request"].user).filter(pk=person_id).first()
        if person is None:
            self.fail("unknown")
        return person

    def to_representation(self, value: Any) -> Any:
        return value


def _people_of(user: User) -> QuerySet[User]:
    return User.objects.filter(brands__in=brands_for(user)).distinct()


@extend_schema_field(OpenApiTypes.INT)
class TeamField(serializers.PrimaryKeyRelatedField):
    """A team of one of the requester's brands; the service checks it is the conversation's brand."""

    def get_queryset(self) -> QuerySet[Team]:
        return Team.objects.filter(brand__in=brands_for(self.context["request"].user))


class AssignRequestSerializer(serializers.Serializer):
    assignee = AssigneeField(required=False, allow_null=True, default=None)
    # No default: an omitted team lets "me" claim the conversation and keep its team, as the page does.
    team = TeamField(required=False, allow_null=True)


class TagRequestSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=MAX_TAG_LENGTH)
