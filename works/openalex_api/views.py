"""The OpenAlex-compatible read API: thin views over `queries`, errors as OpenAlex gives them."""

from django.conf import settings
from django.http import JsonResponse
from django.urls import reverse
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from . import autocomplete, queries
from .entities import ENTITIES
from .filters import QueryError
from .serializers import DERIVED_FIELDS

# The API docs name every field BZPEER computes itself; the rest is the record as imported.
FAITHFUL = (
    "An entity imported from its own OpenAlex record is served as that record, every field "
    "as imported, with these fields of BZPEER's own put over it: "
    + "; ".join(f"`{name}`: {why}" for name, why in DERIVED_FIELDS.items())
    + ". Entities known only from short copies inside other records (a work's source, an "
    "authorship's author) are built from what BZPEER holds, and leave out what it does not."
)

ERROR_NAMES = {
    400: "Invalid query parameters error.",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    429: "Too many requests",
}

ErrorSerializer = inline_serializer(
    "OpenAlexError", {"error": serializers.CharField(), "message": serializers.CharField()}
)
ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="A parameter is malformed."),
    404: OpenApiResponse(ErrorSerializer, description="No such entity."),
    429: OpenApiResponse(ErrorSerializer, description="Too many requests."),
}


def _param(name, description, type_=OpenApiTypes.STR):
    return OpenApiParameter(name, type_, OpenApiParameter.QUERY, description=description)


LIST_PARAMETERS = [
    _param(
        "filter",
        "key:value pairs joined by `,` (AND); in a value `|` is OR, `+` is AND, `!` negates, "
        "`<`/`>` give ranges. For example `author.id:A5023888391,publication_year:>2019`. "
        "`*.search` keys (and `.search.no_stem`) take a search, as `search` does.",
    ),
    _param(
        "search",
        "Full-text search in OpenAlex's syntax (titles and abstracts for works, names "
        'elsewhere): stemmed words, AND, OR, NOT, parentheses, "phrases", a trailing *. '
        "Adds `relevance_score` to the results and sorts by it.",
    ),
    _param("search.exact", "The same search, unstemmed and with stop words kept."),
    _param("sort", "Fields with `:asc` or `:desc`, comma-separated."),
    _param("select", "Root-level fields to return, comma-separated."),
    _param("per-page", "Results per page, 1 to 200 (default 25).", OpenApiTypes.INT),
    _param("per_page", "Same as per-page.", OpenApiTypes.INT),
    _param("page", "Page number for basic paging (up to 10,000 results).", OpenApiTypes.INT),
    _param("cursor", "`*` to start cursor paging, then `meta.next_cursor`; null at the end."),
    _param("group-by", "Count results per value of a field (`:include_unknown` for blanks)."),
    _param("group_by", "Same as group-by."),
    _param("sample", "A random sample of this many results (at most 10,000).", OpenApiTypes.INT),
    _param("seed", "Makes a sample repeatable.", OpenApiTypes.INT),
]


class OpenAlexSchema(AutoSchema):
    """One view class serves every collection: name each operation after its collection."""

    def get_operation_id(self):
        return f"openalex_{self.view.entity_name}_{self.view.operation}"

    def get_tags(self):
        return ["openalex"]


class OpenAlexView(APIView):
    """Answers every error as OpenAlex does: JSON with `error` and `message`, status 4xx."""

    entity_name = "works"
    operation = ""
    schema = OpenAlexSchema()

    @property
    def entity(self):
        return ENTITIES[self.entity_name]

    def handle_exception(self, exc):
        if isinstance(exc, QueryError):
            return Response({"error": exc.error, "message": exc.message}, status=400)
        response = super().handle_exception(exc)
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        response.data = {
            "error": ERROR_NAMES.get(response.status_code, "Error"),
            "message": str(detail or response.data),
        }
        return response


class Index(OpenAlexView):
    """The API's root: its collections and where they are documented, as OpenAlex's root."""

    entity_name = "api"
    operation = "index"

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        url = request.build_absolute_uri
        # On the API's own host name (OPENALEX_API_HOST) the docs stay on the main site.
        on_main_site = getattr(request, "urlconf", None) is None
        docs = reverse("api-docs", urlconf=settings.ROOT_URLCONF)
        return Response(
            {
                "documentation_url": url(docs) if on_main_site else settings.SITE_URL + docs,
                "msg": "An OpenAlex-compatible read API of the records BZPEER holds.",
                "endpoints": {name: url(reverse(f"openalex:{name}-list")) for name in ENTITIES},
                "autocomplete": {
                    name: url(reverse(f"openalex:{name}-autocomplete")) for name in ENTITIES
                }
                | {"any": url(reverse("openalex:autocomplete"))},
            }
        )


class EntityList(OpenAlexView):
    operation = "list"

    @extend_schema(
        parameters=LIST_PARAMETERS,
        responses={200: OpenApiTypes.OBJECT, **ERRORS},
        description="A page of entities in OpenAlex's shape: `meta`, `results`, `group_by`. "
        + FAITHFUL,
    )
    def get(self, request):
        params = queries.parse_list_params(
            self.entity, request.META.get("QUERY_STRING", ""), request.query_params
        )
        return Response(queries.list_response(self.entity, params))


class EntityDetail(OpenAlexView):
    operation = "retrieve"

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "key",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description="An OpenAlex id (W123, https://openalex.org/W123), a BZPEER id "
                "(BZW42), `random`, or for works a DOI (percent-encoded), for authors an "
                "ORCID iD, for institutions a ROR id, for sources `issn:`.",
            ),
            _param("select", "Root-level fields to return, comma-separated."),
        ],
        responses={200: OpenApiTypes.OBJECT, **ERRORS},
        description=FAITHFUL,
    )
    def get(self, request, key):
        data = queries.entity_response(self.entity, key, request.query_params)
        if data is None:
            return Response(
                {"error": "Not found", "message": f"No {self.entity.entity_type} {key[:100]!r}"},
                status=404,
            )
        return Response(data)


class Autocomplete(OpenAlexView):
    operation = "autocomplete"

    @extend_schema(
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, OpenApiParameter.QUERY, required=True),
        ],
        responses={200: OpenApiTypes.OBJECT, **ERRORS},
        description="Up to 10 entities whose names contain the words of `q`.",
    )
    def get(self, request):
        return Response(
            autocomplete.entity_response(
                self.entity, request.query_params, request.META.get("QUERY_STRING", "")
            )
        )


class AnyAutocomplete(OpenAlexView):
    entity_name = "any"
    operation = "autocomplete"

    @extend_schema(
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, OpenApiParameter.QUERY, required=True),
        ],
        responses={200: OpenApiTypes.OBJECT, **ERRORS},
        description="Up to 10 entities of any collection whose names contain the words of `q`, "
        "or the entity an id in `q` names; the most cited first.",
    )
    def get(self, request):
        return Response(autocomplete.any_response(request.query_params))


# Root-level ids (`/W2741809807`), as OpenAlex answers them: the entity that letter names.
ROOT_ID_ENTITIES = {"W": "works", "A": "authors", "S": "sources", "V": "sources"}
ROOT_ID_ENTITIES |= {"I": "institutions", "T": "topics", "C": "concepts"}
ROOT_ID_ENTITIES |= {"P": "publishers", "F": "funders"}
_ROOT_VIEWS = {
    name: EntityDetail.as_view(entity_name=name) for name in set(ROOT_ID_ENTITIES.values())
}


def root_id(request, key):
    letter = key.upper().removeprefix("BZ")[:1]
    return _ROOT_VIEWS[ROOT_ID_ENTITIES[letter]](request, key=key)


def not_found(request, rest=""):
    """Unknown paths under the API answer JSON too."""
    return JsonResponse(
        {"error": "Not found", "message": f"No such endpoint: /{rest[:100]}"}, status=404
    )
