"""The answer at /api/: where the endpoints and their documentation are, as OpenAlex's root does."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

# The collections a script starts from, by the URL names that serve them.
ENDPOINTS = {
    "researchers": "profiles-api:researcher-list",
    "works": "works-api:work-list",
    "topics": "works-api:topic-list",
    "institutions": "works-api:institution-list",
    "claims": "profiles-api:claim-list",
    "suggestions": "profiles-api:suggestion-list",
    "invites": "collaboration-api:invite-list",
    "openalex": "openalex:index",
}


class ApiIndex(APIView):
    """List the API's collections, its OpenAPI schema and its documentation."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT}, tags=["api"])
    def get(self, request):
        url = request.build_absolute_uri
        return Response(
            {
                "name": "BZPEER API",
                "documentation_url": url(reverse("api-docs")),
                "schema_url": url(reverse("api-schema")),
                "tokens_url": url(reverse("account-tokens")),
                "authentication": "Authorization: Token <token>, or the signed-in session",
                "endpoints": {name: url(reverse(route)) for name, route in ENDPOINTS.items()},
            }
        )
