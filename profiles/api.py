"""The REST API for researchers: the searchable list and the detail with its trust breakdown."""

from django.http import HttpResponsePermanentRedirect
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.response import Response

from works.api import (
    MAX_ID,
    ApiPagination,
    InstitutionSerializer,
    QueryParamsMixin,
)
from works.models import Researcher

from . import queries, trust
from .services import trust_breakdown


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
        return TrustBreakdownSerializer(trust_breakdown(researcher)).data


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
