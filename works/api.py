"""The REST API for works, topics and institutions, a researcher's works, and their exports."""

from django.db import models
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.views import APIView

from bzpeer.api import MAX_ID, ApiPagination, PageSerializer, QueryParamsMixin, words
from bzpeer.safety import safe_url

from . import exports, identifiers
from .models import Authorship, Institution, Researcher, Topic, Work, WorkTopic

# A researcher's export reads at most this many works, newest first.
EXPORT_MAX_WORKS = 5000


# Serializers: read-only shapes, they never write.


class SourceRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    openalex_id = serializers.CharField(allow_null=True)
    display_name = serializers.CharField()
    type = serializers.CharField()


class AuthorRefSerializer(serializers.Serializer):
    """A byline entry: its author record (null for an unlinked byline) and its name."""

    id = serializers.IntegerField(source="researcher_id", allow_null=True)
    display_name = serializers.CharField(source="name")
    position = serializers.CharField()


class TopicSerializer(serializers.ModelSerializer):
    class Meta:
        model = Topic
        fields = ["id", "openalex_id", "display_name", "subfield", "field", "domain"]


class TopicRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()


class InstitutionSerializer(serializers.ModelSerializer):
    # Stored as imported; served only as an http(s) link, as the page shows it.
    homepage_url = serializers.SerializerMethodField()

    class Meta:
        model = Institution
        fields = [
            "id",
            "openalex_id",
            "ror",
            "display_name",
            "country_code",
            "type",
            "homepage_url",
        ]

    def get_homepage_url(self, institution) -> str:
        return safe_url(institution.homepage_url)


class WorkSerializer(serializers.ModelSerializer):
    source = SourceRefSerializer(allow_null=True)
    authors = AuthorRefSerializer(source="authorships", many=True)
    topics = TopicRefSerializer(many=True)

    class Meta:
        model = Work
        fields = [
            "id",
            "openalex_id",
            "doi",
            "title",
            "type",
            "publication_year",
            "publication_date",
            "source",
            "cited_by_count",
            "authors",
            "topics",
        ]


class WorkDetailSerializer(WorkSerializer):
    class Meta(WorkSerializer.Meta):
        fields = [
            *WorkSerializer.Meta.fields,
            "abstract",
            "language",
            "authors_count",
            "referenced_works",
        ]


# Query-string serializers.


class WorkFilterSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=200)
    year = serializers.IntegerField(required=False, min_value=0, max_value=9999)
    year_from = serializers.IntegerField(required=False, min_value=0, max_value=9999)
    year_to = serializers.IntegerField(required=False, min_value=0, max_value=9999)
    type = serializers.CharField(required=False, max_length=40)
    doi = serializers.CharField(required=False, max_length=255)
    researcher = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    topic = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    institution = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    ordering = serializers.ChoiceField(["recent", "cited"], default="recent")
    page = serializers.IntegerField(required=False, min_value=1)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=100)


class NameFilterSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=200)
    page = serializers.IntegerField(required=False, min_value=1)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=100)


class InstitutionFilterSerializer(NameFilterSerializer):
    country_code = serializers.RegexField(r"^[A-Za-z]{2}$", required=False)


def works_for_list(queryset):
    """The joins a list of works needs, fetched in a fixed number of queries."""
    return queryset.select_related("source").prefetch_related(
        models.Prefetch(
            "authorships",
            queryset=Authorship.objects.select_related("researcher").order_by("order", "id"),
        ),
        "topics",
    )


# Views.


@extend_schema(parameters=[WorkFilterSerializer], tags=["works"])
class WorkList(QueryParamsMixin, generics.ListAPIView):
    """Works, filtered by words of the title, year, type, DOI, researcher, topic or institution."""

    serializer_class = WorkSerializer
    pagination_class = ApiPagination
    filter_serializer_class = WorkFilterSerializer

    def get_queryset(self):
        params = self.query_params()
        works = Work.objects.all()
        for word in words(params.get("q", "")):
            works = works.filter(title__icontains=word)
        if "year" in params:
            works = works.filter(publication_year=params["year"])
        if "year_from" in params:
            works = works.filter(publication_year__gte=params["year_from"])
        if "year_to" in params:
            works = works.filter(publication_year__lte=params["year_to"])
        if "type" in params:
            works = works.filter(type=params["type"])
        if "doi" in params:
            doi = identifiers.normalize_doi(params["doi"])
            works = works.filter(doi=doi) if doi else works.none()
        # Relations are matched by subquery, so that a work is never listed twice.
        if "researcher" in params:
            works = works.filter(
                pk__in=Authorship.objects.filter(researcher_id=params["researcher"]).values(
                    "work_id"
                )
            )
        if "topic" in params:
            works = works.filter(
                pk__in=WorkTopic.objects.filter(topic_id=params["topic"]).values("work_id")
            )
        if "institution" in params:
            works = works.filter(
                pk__in=Authorship.objects.filter(institutions=params["institution"]).values(
                    "work_id"
                )
            )
        if params["ordering"] == "cited":
            works = works.order_by("-cited_by_count", "-id")
        else:
            works = works.order_by(
                models.F("publication_date").desc(nulls_last=True),
                models.F("publication_year").desc(nulls_last=True),
                "-id",
            )
        return works_for_list(works)


@extend_schema(tags=["works"])
class WorkDetail(generics.RetrieveAPIView):
    serializer_class = WorkDetailSerializer

    def get_queryset(self):
        return works_for_list(Work.objects.all())


@extend_schema(parameters=[PageSerializer], tags=["researchers"])
class ResearcherWorkList(QueryParamsMixin, generics.ListAPIView):
    """A researcher's works, newest first."""

    serializer_class = WorkSerializer
    pagination_class = ApiPagination
    filter_serializer_class = PageSerializer

    def get_queryset(self):
        self.query_params()
        researcher = get_object_or_404(Researcher, pk=self.kwargs["pk"])
        return works_for_list(Work.objects.for_researcher(researcher))


@extend_schema(parameters=[NameFilterSerializer], tags=["topics"])
class TopicList(QueryParamsMixin, generics.ListAPIView):
    serializer_class = TopicSerializer
    pagination_class = ApiPagination
    filter_serializer_class = NameFilterSerializer

    def get_queryset(self):
        topics = Topic.objects.all()
        for word in words(self.query_params().get("q", "")):
            topics = topics.filter(display_name__icontains=word)
        return topics.order_by("display_name", "id")


@extend_schema(tags=["topics"])
class TopicDetail(generics.RetrieveAPIView):
    serializer_class = TopicSerializer
    queryset = Topic.objects.all()


@extend_schema(parameters=[InstitutionFilterSerializer], tags=["institutions"])
class InstitutionList(QueryParamsMixin, generics.ListAPIView):
    serializer_class = InstitutionSerializer
    pagination_class = ApiPagination
    filter_serializer_class = InstitutionFilterSerializer

    def get_queryset(self):
        params = self.query_params()
        institutions = Institution.objects.all()
        for word in words(params.get("q", "")):
            institutions = institutions.filter(display_name__icontains=word)
        if "country_code" in params:
            institutions = institutions.filter(country_code__iexact=params["country_code"])
        return institutions.order_by("display_name", "id")


@extend_schema(tags=["institutions"])
class InstitutionDetail(generics.RetrieveAPIView):
    serializer_class = InstitutionSerializer
    queryset = Institution.objects.all()


EXPORT_FORMATS = {
    # suffix: (formatter, media type, file extension)
    "bib": (exports.to_bibtex, "application/x-bibtex", "bib"),
    "ris": (exports.to_ris, "application/x-research-info-systems", "ris"),
    "json": (exports.to_csl_json, "application/vnd.citationstyles.csl+json", "json"),
}


def export_record(work: Work) -> exports.ExportWork:
    return exports.ExportWork(
        key=work.openalex_id or f"bzpeer-work-{work.pk}",
        title=work.title,
        authors=tuple(a.name for a in work.authorships.all() if a.name),
        type=work.type,
        year=work.publication_year,
        date=work.publication_date,
        venue=work.source.display_name if work.source else "",
        publisher=work.source.host_organization_name if work.source else "",
        doi=work.doi,
        url=work.doi_url
        or (f"https://openalex.org/{work.openalex_id}" if work.openalex_id else ""),
        abstract=work.abstract,
        language=work.language,
    )


class ResearcherWorksExport(APIView):
    """A researcher's works as BibTeX (`.bib`), RIS (`.ris`) or CSL-JSON (`.json`)."""

    fmt = "bib"

    @extend_schema(
        tags=["researchers"],
        responses={
            (200, "application/x-bibtex"): OpenApiTypes.STR,
            (200, "application/x-research-info-systems"): OpenApiTypes.STR,
            (200, "application/vnd.citationstyles.csl+json"): OpenApiTypes.ANY,
            404: OpenApiResponse(description="No such researcher."),
        },
    )
    def get(self, request, pk):
        researcher = get_object_or_404(Researcher, pk=pk)
        formatter, media_type, extension = EXPORT_FORMATS[self.fmt]
        works = works_for_list(Work.objects.for_researcher(researcher))[:EXPORT_MAX_WORKS]
        body = formatter([export_record(work) for work in works])
        response = HttpResponse(body, content_type=f"{media_type}; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="bzpeer-researcher-{researcher.pk}-works.{extension}"'
        )
        return response


class WorkCitation(APIView):
    """One work as BibTeX (`.bib`) or RIS (`.ris`), for a list's "cite" menu."""

    fmt = "bib"

    @extend_schema(
        tags=["works"],
        responses={
            (200, "application/x-bibtex"): OpenApiTypes.STR,
            (200, "application/x-research-info-systems"): OpenApiTypes.STR,
            404: OpenApiResponse(description="No such work."),
        },
    )
    def get(self, request, pk):
        work = get_object_or_404(works_for_list(Work.objects.all()), pk=pk)
        formatter, media_type, extension = EXPORT_FORMATS[self.fmt]
        response = HttpResponse(
            formatter([export_record(work)]), content_type=f"{media_type}; charset=utf-8"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="bzpeer-work-{work.pk}.{extension}"'
        )
        return response
