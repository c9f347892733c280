"""Health checks for load balancers, docker-compose and the benchmarks' reference view."""

from django.http import HttpResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    """Answer "ok" without touching the database or the cache."""
    return HttpResponse("ok", content_type="text/plain")
