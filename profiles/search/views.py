"""The researcher directory and the search box's autocomplete."""

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render

from works.models import Researcher

from . import directory as directory_rules


def directory(request):
    filters = directory_rules.parse_filters(request.GET)
    researchers = directory_rules.researchers_for(filters)
    paginator = Paginator(researchers, settings.BZPEER["DIRECTORY_PER_PAGE"])
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "page": page,
        "query": filters.query,
        "filters": filters,
        "facets": directory_rules.facet_counts(filters, researchers),
        "sorts": directory_rules.SORTS,
    }
    return render(request, "profiles/directory.html", context)


def autocomplete(request):
    """Names for the search box's suggestions, as an HTML fragment for htmx."""
    query = request.GET.get("q", "")
    suggestions = Researcher.objects.autocomplete(query) if len(query) <= 200 else []
    return render(request, "profiles/_autocomplete.html", {"suggestions": suggestions})
