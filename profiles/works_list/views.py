from django.conf import settings
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from works.models import Researcher

from . import rules
from .queries import WorksList

PAGE_FIELDS = ("pk", "display_name", "merged_into_id", "works_count")


def researcher_works(request, pk):
    """Every work of a record, to sort and filter; a plain GET form, no JavaScript needed."""
    researcher = get_object_or_404(Researcher.objects.only(*PAGE_FIELDS), pk=pk)
    if researcher.merged_into_id:
        url = reverse("profiles:works", args=[researcher.merged_into_id])
        query = request.GET.urlencode()
        return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)
    works = WorksList(
        researcher,
        request.GET,
        per_page=settings.BZPEER["PROFILE_WORKS_PER_PAGE"],
        page_number=request.GET.get("page"),
    )
    context = {"researcher": researcher, "works_list": works, "sorts": rules.SORTS.items()}
    return render(request, "profiles/works_list/page.html", context)
