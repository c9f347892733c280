"""The REST API for following researchers, collaboration invites and conversations."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import Throttled
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from bzpeer.api import MAX_ID, ApiPagination, PageSerializer, QueryParamsMixin
from bzpeer.schema import SOME_TEXT, SchemaRules
from profiles import trust
from works.models import Researcher, Topic, Work

from . import invites, ratelimit, reports, services
from .models import Follow, Invite, Report


class FollowStateSerializer(serializers.Serializer):
    researcher = serializers.IntegerField()
    following = serializers.BooleanField()
    followers_count = serializers.IntegerField()


def _state(user, researcher_id: int) -> dict:
    researcher = Researcher.objects.only("followers_count").get(pk=researcher_id)
    return {
        "researcher": researcher_id,
        "following": Follow.objects.filter(user=user, researcher_id=researcher_id).exists(),
        "followers_count": researcher.followers_count,
    }


@extend_schema(tags=["following"], request=None, responses=FollowStateSerializer)
class FollowView(APIView):
    """Whether I follow a researcher; POST follows, DELETE unfollows (both idempotent)."""

    permission_classes = [IsAuthenticated]

    def get(self, request, pk):
        researcher = get_object_or_404(Researcher, pk=pk)
        return Response(FollowStateSerializer(_state(request.user, researcher.pk)).data)

    @extend_schema(responses={200: FollowStateSerializer, 201: FollowStateSerializer})
    def post(self, request, pk):
        researcher = get_object_or_404(Researcher, pk=pk)
        created = services.follow_create(user=request.user, researcher=researcher)
        data = FollowStateSerializer(_state(request.user, researcher.pk)).data
        return Response(data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(responses={200: FollowStateSerializer})
    def delete(self, request, pk):
        researcher = get_object_or_404(Researcher, pk=pk)
        services.follow_delete(user=request.user, researcher=researcher)
        return Response(FollowStateSerializer(_state(request.user, researcher.pk)).data)


# Invites and conversations: the same service functions as the inbox pages (invites.py).


class RecordRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()
    claim_status = serializers.CharField()
    verification_level = serializers.IntegerField()
    trust_score = serializers.IntegerField()
    trust_tier = serializers.SerializerMethodField()

    def get_trust_tier(self, researcher) -> str:
        return trust.tier_for(researcher.trust_score)


class WorkRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class InviteSerializer(serializers.ModelSerializer):
    direction = serializers.SerializerMethodField()
    sender_name = serializers.CharField()
    # The sender's own claimed records and their trust: what the recipient judges an invite by.
    sender_records = RecordRefSerializer(many=True)
    researcher = RecordRefSerializer()
    work = WorkRefSerializer(allow_null=True)
    topic_id = serializers.IntegerField(source="topic_ref_id", allow_null=True)
    conversation = serializers.SerializerMethodField()

    class Meta:
        model = Invite
        fields = [
            "id",
            "direction",
            "status",
            "sender_name",
            "sender_records",
            "researcher",
            "topic",
            "topic_id",
            "message",
            "work",
            "created_at",
            "read_at",
            "decided_at",
            "conversation",
        ]

    def get_direction(self, invite) -> str:
        user = self.context["request"].user
        return "received" if invite.recipient_id == user.pk else "sent"

    def get_conversation(self, invite) -> int | None:
        conversation = getattr(invite, "conversation", None)
        return conversation.pk if conversation else None


MESSAGE_MAX = settings.BZPEER["INVITE_MESSAGE_MAX"]


def some_words(limit: int, *, empty: str, too_long: str) -> dict:
    """A service's own rule for a text, with its words, in the serializer (and so the schema):
    some words, not only spaces (`empty` says so), at most `limit` characters (`too_long`)."""
    return {
        "max_length": limit,
        "validators": [RegexValidator(SOME_TEXT, empty)],
        "error_messages": {"blank": empty, "max_length": too_long},
    }


MESSAGE_RULE = some_words(
    MESSAGE_MAX,
    empty="Write a message.",
    too_long=f"Keep the message under {MESSAGE_MAX} characters.",
)


class InviteSendSerializer(SchemaRules, serializers.Serializer):
    """A topic of the record's (`topic_id`) or in the sender's words (`topic`); a message."""

    schema_rules = {
        "anyOf": [
            {"required": ["topic_id"], "properties": {"topic_id": {"type": "integer"}}},
            {"required": ["topic"], "properties": {"topic": {"pattern": SOME_TEXT}}},
        ]
    }
    researcher = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    topic = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=invites.TOPIC_MAX
    )
    topic_id = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=MAX_ID
    )
    message = serializers.CharField(
        trim_whitespace=False,
        **MESSAGE_RULE,
    )
    work = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=MAX_ID
    )


class InviteFilterSerializer(PageSerializer):
    box = serializers.ChoiceField(["received", "sent"], required=False)
    status = serializers.ChoiceField(Invite.Status.choices, required=False)


def _invite_data(request, invite: Invite) -> dict:
    return InviteSerializer(invite, context={"request": request}).data


def _reload(invite: Invite) -> Invite:
    return Invite.objects.for_list().get(pk=invite.pk)


@extend_schema(tags=["invites"], parameters=[InviteFilterSerializer])
class InviteListCreate(QueryParamsMixin, generics.ListAPIView):
    """Invitations I sent or received, newest first; POST sends one."""

    serializer_class = InviteSerializer
    pagination_class = ApiPagination
    permission_classes = [IsAuthenticated]
    filter_serializer_class = InviteFilterSerializer

    def get_queryset(self):
        params = self.query_params()
        user = self.request.user
        invites_ = Invite.objects.for_list()
        if params.get("box") == "received":
            invites_ = invites_.filter(recipient=user)
        elif params.get("box") == "sent":
            invites_ = invites_.filter(sender=user)
        else:
            invites_ = invites_.involving(user)
        if "status" in params:
            invites_ = invites_.filter(status=params["status"])
        return invites_

    @extend_schema(request=InviteSendSerializer, responses={201: InviteSerializer})
    def post(self, request):
        if ratelimit.invite_attempt_limited(request.user):
            raise Throttled(detail="Too many invitation attempts; wait a minute and try again.")
        submitted = InviteSendSerializer(data=request.data)
        submitted.is_valid(raise_exception=True)
        data = submitted.validated_data
        researcher = get_object_or_404(Researcher, pk=data["researcher"])
        topic = data["topic"]
        if data["topic_id"] is not None:
            topic = get_object_or_404(Topic, pk=data["topic_id"])
        work = get_object_or_404(Work, pk=data["work"]) if data["work"] is not None else None
        invite = invites.invite_send(
            sender=request.user,
            researcher=researcher,
            topic=topic,
            message=data["message"],
            work=work,
        )
        return Response(_invite_data(request, _reload(invite)), status=status.HTTP_201_CREATED)


@extend_schema(tags=["invites"])
class InviteDetail(APIView):
    """One invitation; someone else's does not exist for me (404)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=InviteSerializer)
    def get(self, request, pk):
        invite = invites.invite_get_for_user(request.user, pk)
        invites.invite_mark_read(invite=invite, user=request.user)
        return Response(_invite_data(request, invite))


@extend_schema(tags=["invites"])
class InviteAnswer(APIView):
    """The recipient accepts (opening a conversation) or declines a pending invitation."""

    permission_classes = [IsAuthenticated]
    action = "accept"

    @extend_schema(request=None, responses=InviteSerializer)
    def post(self, request, pk):
        invite = invites.invite_get_for_user(request.user, pk)
        service = invites.invite_accept if self.action == "accept" else invites.invite_decline
        service(invite=invite, user=request.user)
        return Response(_invite_data(request, _reload(invite)))


class MessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    author_name = serializers.CharField()
    mine = serializers.BooleanField()
    body = serializers.CharField()
    created_at = serializers.DateTimeField()


class MessageSendSerializer(serializers.Serializer):
    body = serializers.CharField(trim_whitespace=False, **MESSAGE_RULE)


def _message_data(conversation, message, user) -> dict:
    return {
        "id": message.pk,
        "author_name": conversation.name_of(message.author_id),
        "mine": message.author_id == user.pk,
        "body": message.body,
        "created_at": message.created_at,
    }


@extend_schema(tags=["conversations"])
class ConversationMessages(APIView):
    """The messages of a conversation I take part in, oldest first; POST adds one."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[PageSerializer], responses=MessageSerializer(many=True))
    def get(self, request, pk):
        conversation = invites.conversation_get_for_user(request.user, pk)
        PageSerializer(data=request.query_params.dict()).is_valid(raise_exception=True)
        paginator = ApiPagination()
        page = paginator.paginate_queryset(
            conversation.messages.order_by("created_at", "id"), request, view=self
        )
        invites.conversation_mark_read(conversation=conversation, user=request.user)
        data = [_message_data(conversation, m, request.user) for m in page]
        return paginator.get_paginated_response(MessageSerializer(data, many=True).data)

    @extend_schema(request=MessageSendSerializer, responses={201: MessageSerializer})
    def post(self, request, pk):
        conversation = invites.conversation_get_for_user(request.user, pk)
        submitted = MessageSendSerializer(data=request.data)
        submitted.is_valid(raise_exception=True)
        message = invites.conversation_message_send(
            conversation=conversation,
            author=request.user,
            body=submitted.validated_data["body"],
        )
        data = _message_data(conversation, message, request.user)
        return Response(MessageSerializer(data).data, status=status.HTTP_201_CREATED)


# Reports: one of a conversation's two people asks the moderators to look (reports.py).


class ReportSendSerializer(serializers.Serializer):
    reason = serializers.CharField(
        trim_whitespace=False,
        **some_words(
            reports.REASON_MAX,
            empty="Say what is wrong; the moderators read the reason first.",
            too_long=f"Keep the reason to {reports.REASON_MAX} characters at most.",
        ),
    )


class ReportSerializer(serializers.ModelSerializer):
    item = serializers.SerializerMethodField()
    invite = serializers.IntegerField(source="invite_id")
    message = serializers.IntegerField(source="message_id", allow_null=True)

    class Meta:
        model = Report
        fields = ["id", "item", "invite", "message", "reason", "status", "created_at"]

    def get_item(self, report) -> str:
        return "message" if report.message_id else "invite"


def _report(request, **item) -> Response:
    submitted = ReportSendSerializer(data=request.data)
    submitted.is_valid(raise_exception=True)
    # A refused report is a DomainError, which bzpeer.errors answers as a 400.
    report = reports.report_submit(
        reporter=request.user, reason=submitted.validated_data["reason"], **item
    )
    return Response(ReportSerializer(report).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["reports"], request=ReportSendSerializer, responses={201: ReportSerializer})
class InviteReport(APIView):
    """Report an invitation I received to the moderators (it lets them read the thread)."""

    permission_classes = [IsAuthenticated]

    def post(self, request, pk):
        return _report(request, invite=invites.invite_get_for_user(request.user, pk))


@extend_schema(tags=["reports"], request=ReportSendSerializer, responses={201: ReportSerializer})
class MessageReport(APIView):
    """Report a message the other person wrote in one of my conversations."""

    permission_classes = [IsAuthenticated]

    def post(self, request, pk):
        return _report(request, message=reports.message_get_for_user(request.user, pk))
