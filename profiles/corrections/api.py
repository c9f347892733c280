"""The REST API for corrections and suggestions: the same services as the correction pages."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from bzpeer.api import MAX_ID, ApiPagination, PageSerializer
from bzpeer.errors import DomainError
from bzpeer.schema import SOME_TEXT, SchemaRules
from profiles.api import ResearcherDetailSerializer
from works.models import AuthorshipCorrection, Researcher, Work

from . import merges
from . import services as corrections
from .models import CorrectionSuggestion

# Corrections: the same service functions as the owner's pages (profiles.corrections).


class CorrectionSerializer(serializers.ModelSerializer):
    # Plain text in the schema: an enum here would collide with the suggestion's "kind".
    kind = serializers.CharField(help_text="removed or asserted")
    work_title = serializers.CharField(source="work.title")
    kind_label = serializers.CharField(source="get_kind_display")

    class Meta:
        model = AuthorshipCorrection
        fields = [
            "id",
            "researcher",
            "work",
            "work_title",
            "kind",
            "kind_label",
            "reason",
            "created_at",
        ]


WORK_NAMES = ("work", "doi", "title")
EXACTLY_ONE_WORK_NAME = {"oneOf": [{"required": [name]} for name in WORK_NAMES]}


class WorkRefSerializer(SchemaRules, serializers.Serializer):
    """A work named by its BZPEER id, its DOI or its title: exactly one of them."""

    schema_rules = EXACTLY_ONE_WORK_NAME

    work = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    doi = serializers.CharField(required=False, max_length=500)
    title = serializers.CharField(required=False, max_length=500)

    def validate(self, data):
        named = [key for key in WORK_NAMES if data.get(key)]
        if len(named) != 1:
            raise ValidationError({"detail": "Name the work by exactly one of work, doi, title."})
        return data


class WorkRemoveSerializer(WorkRefSerializer):
    reason = serializers.CharField(max_length=corrections.REASON_MAX)


class MergeSerializer(serializers.Serializer):
    into = serializers.IntegerField(min_value=1, max_value=MAX_ID)


class SuggestionSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = CorrectionSuggestion
        fields = [
            "id",
            "researcher",
            "kind",
            "kind_label",
            "work",
            "message",
            "status",
            "status_label",
            "created_at",
            "decided_at",
            "decision_note",
        ]


class SuggestionSubmitSerializer(SchemaRules, serializers.Serializer):
    """`other` says what is wrong in `message`; the others name the work, by one of its names."""

    schema_rules = {
        "oneOf": [
            {
                "properties": {
                    "kind": {"enum": [CorrectionSuggestion.Kind.OTHER]},
                    "message": {"pattern": SOME_TEXT},
                },
                "required": ["kind", "message"],
            },
            {
                "properties": {"kind": {"not": {"enum": [CorrectionSuggestion.Kind.OTHER]}}},
                **EXACTLY_ONE_WORK_NAME,
            },
        ]
    }

    kind = serializers.ChoiceField(CorrectionSuggestion.Kind.choices)
    work = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    doi = serializers.CharField(required=False, max_length=500)
    title = serializers.CharField(required=False, max_length=500)
    message = serializers.CharField(
        max_length=corrections.MESSAGE_MAX, required=False, allow_blank=True, default=""
    )


class DecisionSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    note = serializers.CharField(
        max_length=corrections.REASON_MAX, required=False, allow_blank=True, default=""
    )


def _work_named(data: dict, *, within: Researcher | None = None) -> Work:
    if data.get("work"):
        work = Work.objects.filter(pk=data["work"]).first()
        if work is None:
            raise DomainError("No such work.", status=404)
        return work
    return corrections.work_find_one(data.get("doi") or data.get("title") or "", within=within)


@extend_schema(tags=["corrections"])
class CorrectionList(APIView):
    """The owner's corrections of one record: works removed, and works they added."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=CorrectionSerializer(many=True))
    def get(self, request, pk):
        researcher = corrections.researcher_get_for_owner(request.user, pk)
        rows = AuthorshipCorrection.objects.filter(researcher=researcher).select_related("work")
        return Response(CorrectionSerializer(rows[:1000], many=True).data)


@extend_schema(tags=["corrections"])
class WorkRemove(APIView):
    """Take a work off my record for good; imports will not put it back."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=WorkRemoveSerializer, responses={201: CorrectionSerializer})
    def post(self, request, pk):
        researcher = corrections.researcher_get_for_owner(request.user, pk)
        submitted = WorkRemoveSerializer(data=request.data)
        submitted.is_valid(raise_exception=True)
        work = _work_named(submitted.validated_data, within=researcher)
        correction = corrections.work_remove(
            user=request.user,
            researcher=researcher,
            work=work,
            reason=submitted.validated_data["reason"],
        )
        return Response(CorrectionSerializer(correction).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["corrections"])
class WorkRestore(APIView):
    """Put back a work I removed."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=WorkRefSerializer, responses={204: None})
    def post(self, request, pk):
        researcher = corrections.researcher_get_for_owner(request.user, pk)
        submitted = WorkRefSerializer(data=request.data)
        submitted.is_valid(raise_exception=True)
        work = _work_named(submitted.validated_data)
        corrections.work_restore(user=request.user, researcher=researcher, work=work)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["corrections"])
class WorkAdd(APIView):
    """Add a work BZPEER holds to my record, marked as asserted by me."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=WorkRefSerializer, responses={201: CorrectionSerializer})
    def post(self, request, pk):
        researcher = corrections.researcher_get_for_owner(request.user, pk)
        submitted = WorkRefSerializer(data=request.data)
        submitted.is_valid(raise_exception=True)
        work = _work_named(submitted.validated_data)
        correction = corrections.work_add(user=request.user, researcher=researcher, work=work)
        return Response(CorrectionSerializer(correction).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["corrections"])
class ResearcherMerge(APIView):
    """Merge this record of mine into another record of mine; this id then redirects there."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=MergeSerializer, responses=ResearcherDetailSerializer)
    def post(self, request, pk):
        source = corrections.researcher_get_for_owner(request.user, pk)
        submitted = MergeSerializer(data=request.data)
        submitted.is_valid(raise_exception=True)
        target = get_object_or_404(Researcher, pk=submitted.validated_data["into"])
        survivor = merges.researcher_merge(user=request.user, source=source, target=target)
        survivor = Researcher.objects.for_profile_page().get(pk=survivor.pk)
        return Response(ResearcherDetailSerializer(survivor).data)


@extend_schema(tags=["corrections"])
class SuggestionCreate(APIView):
    """Suggest a correction of any record; it goes to the owner, or to the moderators."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=SuggestionSubmitSerializer, responses={201: SuggestionSerializer})
    def post(self, request, pk):
        researcher = corrections.researcher_get_for_suggestion(request.user, pk)
        submitted = SuggestionSubmitSerializer(data=request.data)
        submitted.is_valid(raise_exception=True)
        data = submitted.validated_data
        work = None
        if data["kind"] != CorrectionSuggestion.Kind.OTHER:
            removing = data["kind"] == CorrectionSuggestion.Kind.REMOVE_WORK
            work = _work_named(data, within=researcher if removing else None)
        suggestion = corrections.suggestion_submit(
            user=request.user,
            researcher=researcher,
            kind=data["kind"],
            work=work,
            message=data["message"],
        )
        return Response(SuggestionSerializer(suggestion).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["corrections"], parameters=[PageSerializer])
class SuggestionInbox(generics.ListAPIView):
    """Suggestions waiting for my decision: on records I own, and (moderators) unclaimed ones."""

    serializer_class = SuggestionSerializer
    pagination_class = ApiPagination
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return corrections.suggestions_to_decide(self.request.user)


@extend_schema(tags=["corrections"])
class SuggestionDecide(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=DecisionSerializer, responses=SuggestionSerializer)
    def post(self, request, pk):
        suggestion = corrections.suggestion_get_for_decider(request.user, pk)
        submitted = DecisionSerializer(data=request.data)
        submitted.is_valid(raise_exception=True)
        suggestion = corrections.suggestion_decide(
            user=request.user, suggestion=suggestion, **submitted.validated_data
        )
        return Response(SuggestionSerializer(suggestion).data)
