from django.conf import settings
from django.shortcuts import get_object_or_404, render

from works.models import Researcher

from . import rules
from .queries import WorksList


def researcher_works(request, pk):
    """Every work of a record, to sort and filter; a plain GET form, no JavaScript needed.

    A merged record's address never reaches here: profiles.corrections redirects its sub-pages.
    """
    researcher = get_object_or_404(
        Researcher.objects.only("pk", "display_name", "works_count"), pk=pk
    )
    works = WorksList(
        researcher,
        request.GET,
        per_page=settings.BZPEER["PROFILE_WORKS_PER_PAGE"],
        page_number=request.GET.get("page"),
    )
    context = {"researcher": researcher, "works_list": works, "sorts": rules.SORTS.items()}
    return render(request, "profiles/works_list/page.html", context)
