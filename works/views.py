from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from .models import AuthorshipInstitution, Institution, Researcher, Topic, Work


@never_cache
def healthz(request):
    """Answer "ok" without touching the database or the cache."""
    # For load balancers, docker-compose health checks and the benchmarks' reference view.
    return HttpResponse("ok", content_type="text/plain")


def work_detail(request, pk):
    work = get_object_or_404(Work.objects.for_work_page(), pk=pk)
    return render(request, "works/work_detail.html", {"work": work})


def topic_detail(request, pk):
    topic = get_object_or_404(Topic, pk=pk)
    # The stored researcher-topic links: no join through every authorship of the topic's works.
    researchers = Researcher.objects.filter(topic_links__topic=topic, merged_into__isnull=True)
    works = Work.objects.filter(work_topics__topic=topic).select_related("source")
    return render(
        request,
        "works/topic_detail.html",
        {
            "topic": topic,
            "researchers": researchers.order_by("-trust_score", "-works_count", "id")[:50],
            "works_page": _page(request, works.order_by("-publication_year", "-id")),
        },
    )


def institution_detail(request, pk):
    institution = get_object_or_404(Institution, pk=pk)
    # Everyone known there, from author records and bylines alike.
    researchers = Researcher.objects.filter(
        affiliations__institution=institution, merged_into__isnull=True
    )
    works = Work.objects.filter(
        pk__in=AuthorshipInstitution.objects.filter(institution=institution).values(
            "authorship__work_id"
        )
    )
    return render(
        request,
        "works/institution_detail.html",
        {
            "institution": institution,
            "researchers": researchers.order_by("-trust_score", "-works_count", "id")[:50],
            "works_page": _page(
                request, works.select_related("source").order_by("-publication_year", "-id")
            ),
        },
    )


def _page(request, queryset):
    paginator = Paginator(queryset, settings.BZPEER["PROFILE_WORKS_PER_PAGE"])
    return paginator.get_page(request.GET.get("page"))
