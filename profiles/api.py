"""The REST API for researchers: the searchable list and the detail with its trust breakdown."""

from django.http import HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from works.api import (
    MAX_ID,
    ApiPagination,
    InstitutionSerializer,
    PageSerializer,
    QueryParamsMixin,
)
from works.models import Work

from . import claims, corrections, queries, trust
from .models import AuthorshipCorrection, Claim, CorrectionSuggestion, Researcher


class TrustPartSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    points = serializers.IntegerField()
    maximum = serializers.IntegerField()
    reason = serializers.CharField()


class TrustBreakdownSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    tier = serializers.CharField()
    capped = serializers.BooleanField()
    rubric_version = serializers.IntegerField()
    parts = TrustPartSerializer(many=True)


class ResearcherSerializer(serializers.ModelSerializer):
    verification_label = serializers.CharField(source="get_verification_level_display")
    trust_tier = serializers.SerializerMethodField()
    last_known_institutions = InstitutionSerializer(many=True)
    html_url = serializers.CharField(source="get_absolute_url")

    class Meta:
        model = Researcher
        fields = [
            "id",
            "openalex_id",
            "orcid",
            "display_name",
            "verification_level",
            "verification_label",
            "claim_status",
            "trust_score",
            "trust_tier",
            "works_count",
            "cited_by_count",
            "followers_count",
            "topics_count",
            "close_collaborators_count",
            "open_to_collaborate",
            "last_known_institutions",
            "html_url",
        ]

    def get_trust_tier(self, researcher) -> str:
        return trust.tier_for(researcher.trust_score)


class ResearcherDetailSerializer(ResearcherSerializer):
    headline = serializers.SerializerMethodField()
    trust = serializers.SerializerMethodField()

    class Meta(ResearcherSerializer.Meta):
        fields = [
            *ResearcherSerializer.Meta.fields,
            "display_name_alternatives",
            "headline",
            "trust",
        ]

    def get_headline(self, researcher) -> str:
        # As the page shows it: the owner's words or a factual line; empty when neither.
        return queries.researcher_headline(researcher, researcher.last_known_institutions.all())

    @extend_schema_field(TrustBreakdownSerializer)
    def get_trust(self, researcher) -> dict:
        return TrustBreakdownSerializer(researcher.trust_breakdown()).data


class ResearcherFilterSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=200)
    verification_level = serializers.IntegerField(required=False, min_value=0, max_value=3)
    claim_status = serializers.ChoiceField(Researcher.ClaimStatus.choices, required=False)
    institution = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    open_to_collaborate = serializers.BooleanField(required=False)
    min_trust = serializers.IntegerField(required=False, min_value=0, max_value=100)
    # Without it: the search's own ranking when `q` is given, else trust.
    ordering = serializers.ChoiceField(["trust", "works", "cited", "name"], required=False)
    page = serializers.IntegerField(required=False, min_value=1)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=100)


ORDERINGS = {
    "trust": ("-trust_score", "-works_count", "id"),
    "works": ("-works_count", "id"),
    "cited": ("-cited_by_count", "id"),
    "name": ("display_name", "id"),
}


@extend_schema(parameters=[ResearcherFilterSerializer], tags=["researchers"])
class ResearcherList(QueryParamsMixin, generics.ListAPIView):
    """Researchers, found by name (`q`) and narrowed by level, claim, institution or trust."""

    serializer_class = ResearcherSerializer
    pagination_class = ApiPagination
    filter_serializer_class = ResearcherFilterSerializer

    def get_queryset(self):
        params = self.query_params()
        researchers = Researcher.objects.filter(merged_into__isnull=True)
        query = params.get("q", "").strip()
        if query:
            researchers = Researcher.objects.search(query)
        if "verification_level" in params:
            researchers = researchers.filter(verification_level=params["verification_level"])
        if "claim_status" in params:
            researchers = researchers.filter(claim_status=params["claim_status"])
        if "institution" in params:
            researchers = researchers.filter(last_known_institutions=params["institution"])
        if "open_to_collaborate" in params:
            researchers = researchers.filter(open_to_collaborate=params["open_to_collaborate"])
        if "min_trust" in params:
            researchers = researchers.filter(trust_score__gte=params["min_trust"])
        ordering = params.get("ordering") or ("" if query else "trust")
        if ordering:
            researchers = researchers.order_by(*ORDERINGS[ordering])
        return researchers.for_profile_page()


@extend_schema(tags=["researchers"])
class ResearcherDetail(generics.RetrieveAPIView):
    """One researcher: counters, institutions and the trust score explained part by part."""

    serializer_class = ResearcherDetailSerializer

    def get_queryset(self):
        return Researcher.objects.for_profile_page()

    def retrieve(self, request, *args, **kwargs):
        researcher = self.get_object()
        if researcher.merged_into_id:
            # A merged record's id answers with its survivor, permanently.
            url = reverse("profiles-api:researcher-detail", args=[researcher.merged_into_id])
            query = request.GET.urlencode()
            return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)
        return Response(self.get_serializer(researcher).data)


# Claims: the same service functions as the claim pages (profiles.claims), for scripts.


class ClaimSerializer(serializers.ModelSerializer):
    researcher_name = serializers.CharField(source="researcher.display_name")
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = Claim
        fields = [
            "id",
            "researcher",
            "researcher_name",
            "status",
            "status_label",
            "email",
            "orcid",
            "url",
            "note",
            "created_at",
            "email_confirmed_at",
            "decided_at",
            "decision_reason",
        ]


class ClaimSubmitSerializer(serializers.Serializer):
    researcher = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    email = serializers.CharField(max_length=254)
    orcid = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    url = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    note = serializers.CharField(
        max_length=claims.NOTE_MAX, required=False, allow_blank=True, default=""
    )


def _claim_error(error: claims.ClaimError) -> ValidationError:
    return ValidationError({"detail": str(error)})


@extend_schema(tags=["claims"], parameters=[PageSerializer])
class ClaimListCreate(generics.ListAPIView):
    """My claims; POST submits a claim and mails its confirmation link."""

    serializer_class = ClaimSerializer
    pagination_class = ApiPagination
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return Claim.objects.filter(user=self.request.user).select_related("researcher")

    @extend_schema(request=ClaimSubmitSerializer, responses={201: ClaimSerializer})
    def post(self, request):
        submitted = ClaimSubmitSerializer(data=request.data)
        submitted.is_valid(raise_exception=True)
        data = submitted.validated_data
        researcher = get_object_or_404(Researcher, pk=data.pop("researcher"))
        try:
            claim = claims.claim_submit(user=request.user, researcher=researcher, **data)
        except claims.ClaimError as error:
            raise _claim_error(error) from None
        return Response(ClaimSerializer(claim).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["claims"])
class ClaimDetail(APIView):
    """One of my claims and its status; another person's claim does not exist for me (404)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ClaimSerializer)
    def get(self, request, pk):
        return Response(ClaimSerializer(claims.claim_get_for_user(request.user, pk)).data)


@extend_schema(tags=["claims"])
class ClaimWithdraw(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=ClaimSerializer)
    def post(self, request, pk):
        claim = claims.claim_get_for_user(request.user, pk)
        try:
            claim = claims.claim_withdraw(claim=claim, user=request.user)
        except claims.ClaimError as error:
            raise _claim_error(error) from None
        return Response(ClaimSerializer(claim).data)


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


class WorkRefSerializer(serializers.Serializer):
    """A work named by its BZPEER id, its DOI or its title: exactly one of them."""

    work = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    doi = serializers.CharField(required=False, max_length=500)
    title = serializers.CharField(required=False, max_length=500)

    def validate(self, data):
        named = [key for key in ("work", "doi", "title") if data.get(key)]
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


class SuggestionSubmitSerializer(serializers.Serializer):
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
            raise corrections.CorrectionError("No such work.")
        return work
    return corrections.work_find_one(data.get("doi") or data.get("title") or "", within=within)


def _correction_error(error: corrections.CorrectionError) -> ValidationError:
    return ValidationError({"detail": str(error)})


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
        try:
            work = _work_named(submitted.validated_data, within=researcher)
            correction = corrections.work_remove(
                user=request.user,
                researcher=researcher,
                work=work,
                reason=submitted.validated_data["reason"],
            )
        except corrections.CorrectionError as error:
            raise _correction_error(error) from None
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
        try:
            work = _work_named(submitted.validated_data)
            corrections.work_restore(user=request.user, researcher=researcher, work=work)
        except corrections.CorrectionError as error:
            raise _correction_error(error) from None
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
        try:
            work = _work_named(submitted.validated_data)
            correction = corrections.work_add(user=request.user, researcher=researcher, work=work)
        except corrections.CorrectionError as error:
            raise _correction_error(error) from None
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
        try:
            survivor = corrections.researcher_merge(user=request.user, source=source, target=target)
        except corrections.CorrectionError as error:
            raise _correction_error(error) from None
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
        try:
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
        except corrections.CorrectionError as error:
            raise _correction_error(error) from None
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
        try:
            suggestion = corrections.suggestion_decide(
                user=request.user, suggestion=suggestion, **submitted.validated_data
            )
        except corrections.CorrectionError as error:
            raise _correction_error(error) from None
        return Response(SuggestionSerializer(suggestion).data)
