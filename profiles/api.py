"""The REST API for researchers: the searchable list and the detail with its trust breakdown."""

from django.http import HttpResponsePermanentRedirect
from django.urls import reverse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.response import Response

from bzpeer.api import ApiPagination, PageSerializer, QueryParamsMixin
from works.api import InstitutionSerializer
from works.models import Researcher

from . import queries, trust
from .search.filters import ResearcherFilter
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


class AffiliationSerializer(serializers.Serializer):
    institution = InstitutionSerializer()
    first_year = serializers.IntegerField(allow_null=True)
    last_year = serializers.IntegerField(allow_null=True)
    last_known = serializers.BooleanField()


class ResearcherSerializer(serializers.ModelSerializer):
    verification_label = serializers.CharField(source="get_verification_level_display")
    trust_tier = serializers.SerializerMethodField()
    # Where the person is now (the author record's last known institutions, else the latest
    # seen on their bylines); every affiliation with its years in ``affiliations``.
    last_known_institutions = InstitutionSerializer(many=True, source="current_institutions")
    affiliations = AffiliationSerializer(many=True)
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
            "affiliations",
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
        return queries.researcher_headline(researcher, researcher.current_institutions)

    @extend_schema_field(TrustBreakdownSerializer)
    def get_trust(self, researcher) -> dict:
        return TrustBreakdownSerializer(trust_breakdown(researcher)).data


@extend_schema(parameters=[PageSerializer], tags=["researchers"])
class ResearcherList(QueryParamsMixin, generics.ListAPIView):
    """Researchers, found by name (`q`) and narrowed by level, claim, institution or trust."""

    serializer_class = ResearcherSerializer
    pagination_class = ApiPagination
    filter_serializer_class = PageSerializer
    # The directory's own filter set: the same filters and sort orders, a 400 for a bad value.
    filter_backends = [DjangoFilterBackend]
    filterset_class = ResearcherFilter

    def get_queryset(self):
        self.query_params()
        return Researcher.objects.live().for_profile_page()


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
