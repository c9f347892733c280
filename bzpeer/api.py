"""API plumbing every app's DRF views share: pagination, query-string validation, id bounds."""

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination

# The largest id PostgreSQL's bigint holds; a bigger one in a filter would be a 500, not a 404.
MAX_ID = 2**63 - 1


class PageSerializer(serializers.Serializer):
    page = serializers.IntegerField(required=False, min_value=1)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=100)


class ApiPagination(PageNumberPagination):
    """Pages of 25 (up to 100); a page past the last is a 404, as DRF answers it."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_queryset(self, queryset, request, view=None):
        # Read strictly: DRF falls back to the default for page_size=0 or "ten"; that is a 400.
        params = request.query_params
        given = {name: params[name] for name in PageSerializer().fields if name in params}
        PageSerializer(data=given).is_valid(raise_exception=True)
        return super().paginate_queryset(queryset, request, view)


def words(query: str) -> list[str]:
    return query.split()[:10]


class QueryParamsMixin:
    """Validate the query string with `filter_serializer_class` before any query runs."""

    filter_serializer_class = None

    def query_params(self) -> dict:
        # A plain dict: a QueryDict would read a missing boolean as False.
        serializer = self.filter_serializer_class(data=self.request.query_params.dict())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


@csrf_exempt  # it changes nothing; CSRF's HTML 403 would hide the JSON 404
def not_found(request, *args, **kwargs):
    """Unknown paths under /api/ (e.g. a non-numeric id) answer JSON like the rest of the API."""
    return JsonResponse({"detail": "Not found."}, status=404)
