"""The OpenAlex-compatible read API: thin views over `queries`, errors as OpenAlex gives them."""

from django.conf import settings
from django.http import JsonResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from bzpeer.schema import SOME_TEXT

from . import autocomplete, pages, queries
from .entities import ENTITIES
from .filters import QueryError
from .rendering import OpenAlexJSONRenderer
from .schema import OpenAlexSchema
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


class OpenAlexView(APIView):
    """Answers every error as OpenAlex does: JSON with `error` and `message`, status 4xx."""

    entity_name = "works"
    operation = ""
    schema = OpenAlexSchema()
    renderer_classes = [OpenAlexJSONRenderer]

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

    # Its parameters, with their limits, come from the collection (schema.list_parameters).
    @extend_schema(
        responses={200: OpenApiTypes.OBJECT},
        description="A page of entities in OpenAlex's shape: `meta`, `results`, `group_by`. "
        + FAITHFUL,
    )
    def get(self, request):
        params = queries.parse_list_params(
            self.entity, request.META.get("QUERY_STRING", ""), request.query_params
        )
        indent = request.accepted_renderer.get_indent(request.accepted_media_type, {})
        if pages.keepable(params) and indent is None:
            return pages.list_page(self.entity, params)
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
        ],
        responses={200: OpenApiTypes.OBJECT},
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


AUTOCOMPLETE_TEXT = OpenApiParameter(
    "q",
    {"type": "string", "pattern": SOME_TEXT},
    OpenApiParameter.QUERY,
    required=True,
    description="The start of a name, or an id (the first 200 characters are read).",
)


class Autocomplete(OpenAlexView):
    operation = "autocomplete"

    @extend_schema(
        parameters=[
            AUTOCOMPLETE_TEXT,
        ],
        responses={200: OpenApiTypes.OBJECT},
        description="Up to 10 entities whose names contain the words of `q`, or the entity "
        "an id in `q` names; narrowed by `filter` as the collection's list is.",
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
        parameters=[AUTOCOMPLETE_TEXT],
        responses={200: OpenApiTypes.OBJECT},
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
