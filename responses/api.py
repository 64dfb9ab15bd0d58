"""`/api/v1/`: saved replies (read for agents, write for supervisors), offers and redemptions, approvals.

Validation is the services' own (check_saved_reply, add_offer, approve/reject), so the API refuses what
the pages refuse, with the same words. Another brand's object answers 404, like a missing one.
"""

from __future__ import annotations

import copy
from typing import Any, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Q, QuerySet
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.permissions import RolePermission
from accounts.roles import Role
from brands.api import BrandSlugField
from brands.selectors import brands_for
from inbox.services.replies import ReplyRefused
from responses import approvals
from responses.forms import OFFER_FIELDS
from responses.models import Offer, Redemption, ReplyApproval, SavedReply
from responses.offers import CodeSource, add_offer
from responses.services import check_saved_reply


class ReadForAgentsWriteForSupervisors(RolePermission):
    write_role = Role.SUPERVISOR
    message = "Reading needs the agent role; changing needs the supervisor role."


class IsSupervisor(RolePermission):
    read_role = Role.SUPERVISOR
    message = "This needs the supervisor role."


class SavedReplySerializer(serializers.ModelSerializer):
    brand = BrandSlugField()

    class Meta:
        model = SavedReply
        fields = ["id", "brand", "title", "language", "category", "text", "usage_count", "created_at"]
        read_only_fields = ["id", "usage_count", "created_at"]
        validators: list[Any] = []

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        candidate = copy.copy(self.instance) if self.instance is not None else SavedReply()
        for field, value in attrs.items():
            setattr(candidate, field, value)
        candidate.language = candidate.language.strip().lower()
        try:
            check_saved_reply(candidate)
        except DjangoValidationError as error:
            raise serializers.ValidationError(serializers.as_serializer_error(error)) from error
        attrs["language"] = candidate.language
        return attrs


class _SavedReplies(generics.GenericAPIView[SavedReply]):
    permission_classes = [IsAuthenticated, ReadForAgentsWriteForSupervisors]
    serializer_class = SavedReplySerializer

    def get_queryset(self) -> QuerySet[SavedReply]:
        found = SavedReply.objects.filter(brand__in=brands_for(self.request.user)).select_related("brand")
        query = self.request.query_params.get("q", "").strip()[:200]
        if query:
            found = found.filter(Q(title__icontains=query) | Q(text__icontains=query))
        return found.order_by("brand__slug", "title", "language", "pk")


class SavedReplyListView(_SavedReplies, generics.ListCreateAPIView[SavedReply]):
    """Saved replies of your brands (?q= searches title and text); POST adds one or a language variant."""


class SavedReplyDetailView(_SavedReplies, generics.RetrieveUpdateDestroyAPIView[SavedReply]):
    """One saved reply variant: read, change or delete it."""


class OfferSerializer(serializers.ModelSerializer):
    brand = BrandSlugField()
    codes_left = serializers.IntegerField(read_only=True, allow_null=True)
    codes = serializers.ListField(
        child=serializers.CharField(max_length=64), write_only=True, required=False, help_text="Single-use codes."
    )
    generate = serializers.IntegerField(write_only=True, required=False, min_value=1, max_value=100_000)
    prefix = serializers.CharField(write_only=True, required=False, max_length=20)

    class Meta:
        model = Offer
        fields = ["id", *OFFER_FIELDS, "codes_left", "codes", "generate", "prefix"]
        read_only_fields = ["id", "codes_left"]
        validators: list[Any] = []

    def create(self, validated_data: dict[str, Any]) -> Offer:
        source = CodeSource(
            codes=tuple(validated_data.pop("codes", ())),
            generate=validated_data.pop("generate", 0),
            prefix=validated_data.pop("prefix", ""),
            shared_code=validated_data.pop("shared_code", ""),
        )
        try:
            return add_offer(source=source, **validated_data)
        except DjangoValidationError as error:
            raise serializers.ValidationError(serializers.as_serializer_error(error)) from error


class _Offers(generics.GenericAPIView[Offer]):
    permission_classes = [IsAuthenticated, ReadForAgentsWriteForSupervisors]
    serializer_class = OfferSerializer

    def get_queryset(self) -> QuerySet[Offer]:
        return (
            Offer.objects.filter(brand__in=brands_for(self.request.user))
            .select_related("brand")
            .annotate(codes_left=Count("codes", filter=Q(codes__given_at__isnull=True)))
            .order_by("brand__slug", "name", "pk")
        )


class OfferListView(_Offers, generics.ListCreateAPIView[Offer]):
    """Offers of your brands with the codes left; POST adds one (codes, generate + prefix, or shared_code)."""


class RedemptionSerializer(serializers.ModelSerializer):
    offer = serializers.CharField(source="offer.name")
    agent = serializers.CharField(source="agent.username", allow_null=True)

    class Meta:
        model = Redemption
        fields = ["id", "offer", "code_text", "status", "author", "agent", "conversation", "reply", "code_message"]
        fields += ["created_at", "returned_at"]


class NewestFirst(CursorPagination):
    ordering = "-id"
    page_size = 100


class OldestFirst(CursorPagination):
    ordering = ("created_at", "id")
    page_size = 100


class RedemptionListView(generics.ListAPIView[Redemption]):
    """Every offer given in your brands, newest first (?offer=ID for one offer); supervisors."""

    permission_classes = [IsAuthenticated, IsSupervisor]
    serializer_class = RedemptionSerializer
    pagination_class = NewestFirst

    def get_queryset(self) -> QuerySet[Redemption]:
        found = Redemption.objects.filter(offer__brand__in=brands_for(self.request.user)).select_related(
            "offer", "agent"
        )
        offer = self.request.query_params.get("offer", "")
        return found.filter(offer_id=int(offer)) if offer.isdigit() else found


class ApprovalSerializer(serializers.ModelSerializer):
    requested_by = serializers.CharField(source="requested_by.username")
    offer = serializers.CharField(source="offer.name", allow_null=True, default=None)

    class Meta:
        model = ReplyApproval
        fields = ["id", "conversation", "requested_by", "text", "offer", "reasons", "status", "rejection_reason"]
        fields += ["reply", "created_at", "decided_at"]


class ApprovalListView(generics.ListAPIView[ReplyApproval]):
    """Replies waiting for approval in your brands, oldest first; supervisors."""

    permission_classes = [IsAuthenticated, IsSupervisor]
    serializer_class = ApprovalSerializer
    pagination_class = OldestFirst

    def get_queryset(self) -> QuerySet[ReplyApproval]:
        return approvals.pending_approvals_for(cast(User, self.request.user))


class DecisionSerializer(serializers.Serializer):
    text = serializers.CharField(required=False, max_length=10_000, help_text="Approve: the reply as edited.")
    reason = serializers.CharField(required=False, max_length=2000, help_text="Reject: why (required).")


class _Decide(APIView):
    permission_classes = [IsAuthenticated, IsSupervisor]

    def decide(self, request: Request, approval_id: int) -> ReplyApproval:
        raise NotImplementedError

    @extend_schema(tags=["approvals"], request=DecisionSerializer, responses=ApprovalSerializer)
    def post(self, request: Request, approval_id: int) -> Response:
        if not ReplyApproval.objects.filter(pk=approval_id, brand__in=brands_for(request.user)).exists():
            raise NotFound("No such reply waiting in your brands.")
        try:
            approval = self.decide(request, approval_id)
        except ReplyRefused as refused:
            return Response({"detail": refused.message, "code": refused.code}, status=status.HTTP_400_BAD_REQUEST)
        return Response(ApprovalSerializer(approval).data)

    def decision(self, request: Request) -> dict[str, Any]:
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return dict(data.validated_data)


class ApproveView(_Decide):
    """Approve a held reply (`text` to edit it first): it goes through the outbox once."""

    def decide(self, request: Request, approval_id: int) -> ReplyApproval:
        text = self.decision(request).get("text")
        return approvals.approve(supervisor=cast(User, request.user), approval_id=approval_id, text=text)


class RejectView(_Decide):
    """Reject a held reply with a `reason` the agent sees."""

    def decide(self, request: Request, approval_id: int) -> ReplyApproval:
        reason = self.decision(request).get("reason", "")
        return approvals.reject(supervisor=cast(User, request.user), approval_id=approval_id, reason=reason)


app_name = "responses_api"

urlpatterns = [
    path("saved-replies/", SavedReplyListView.as_view(), name="saved-replies"),
    path("saved-replies/<int:pk>/", SavedReplyDetailView.as_view(), name="saved-reply"),
    path("offers/", OfferListView.as_view(), name="offers"),
    path("redemptions/", RedemptionListView.as_view(), name="redemptions"),
    path("approvals/", ApprovalListView.as_view(), name="approvals"),
    path("approvals/<int:approval_id>/approve/", ApproveView.as_view(), name="approve"),
    path("approvals/<int:approval_id>/reject/", RejectView.as_view(), name="reject"),
]
