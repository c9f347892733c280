"""Read the bounded neighbourhoods the graph is built from.

Every query here starts from one researcher (or one node) and goes through an index: the
authorship (researcher, work) and (work, researcher) indexes, the work-topic and
institution link tables. None grows with the size of the database, only with the researcher's
own record, and the lists handed to the builder are capped.
"""

from django.conf import settings
from django.db import connection
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber

from works.models import (
    Authorship,
    AuthorshipInstitution,
    Researcher,
    ResearcherInstitution,
    Work,
    WorkTopic,
)
from works.queries import coauthor_pairs_sql

from .builder import CoauthorRow, Neighbour, Neighbourhood, WorkRow


def _consortium_limit() -> int:
    return settings.BZPEER["CONSORTIUM_AUTHOR_LIMIT"]


def read_works(researcher_id: int, per_order: int) -> list[WorkRow]:
    """The researcher's newest and most cited works: up to 2 × per_order, fewer on overlap."""
    ranked = (
        Work.objects.filter(
            pk__in=Authorship.objects.filter(researcher_id=researcher_id).values("work_id")
        )
        .annotate(
            recent_rank=Window(
                RowNumber(),
                order_by=[
                    F("publication_date").desc(nulls_last=True),
                    F("publication_year").desc(nulls_last=True),
                    F("id").desc(),
                ],
            ),
            cited_rank=Window(RowNumber(), order_by=[F("cited_by_count").desc(), F("id").desc()]),
        )
        .filter(Q(recent_rank__lte=per_order) | Q(cited_rank__lte=per_order))
        .order_by("id")
        .values_list("id", "title", "publication_year", "cited_by_count", "authors_count")
    )
    return [WorkRow(*row) for row in ranked]


def read_coauthors(researcher_id: int, limit: int) -> list[CoauthorRow]:
    """The co-authors sharing most works with the researcher.

    Shared works count as in the stored close-collaborator counter (TRUST.md,
    works.queries): distinct works of at most the consortium limit. Names are joined after
    the LIMIT, so that only those rows touch the researcher table.
    """
    sql = f"""
        WITH top AS (
            SELECT pairs.other_id AS researcher_id, pairs.shared AS n
            FROM ({coauthor_pairs_sql("= %s")}) pairs
            ORDER BY n DESC, pairs.other_id
            LIMIT %s
        )
        SELECT top.researcher_id, r.display_name, top.n
        FROM top
        JOIN {Researcher._meta.db_table} r ON r.id = top.researcher_id
        ORDER BY top.n DESC, top.researcher_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [_consortium_limit(), researcher_id, limit])
        return [CoauthorRow(id=pk, name=name, shared_works=n) for pk, name, n in cursor]


def read_neighbourhood(researcher: Researcher) -> Neighbourhood:
    """Everything one slice is built from, in a fixed number of bounded queries."""
    caps = settings.GRAPH
    rid = researcher.pk
    works = read_works(rid, caps["WORKS_READ"])
    coauthors = read_coauthors(rid, caps["COAUTHORS_READ"])

    work_ids = [w.id for w in works]
    people_work_ids = [w.id for w in works if w.authors_count <= _consortium_limit()]
    coauthor_ids = [c.id for c in coauthors]

    authorships = list(
        Authorship.objects.filter(work_id__in=people_work_ids, researcher_id__in=coauthor_ids)
        .order_by("work_id", "researcher_id")
        .values_list("work_id", "researcher_id")
        .distinct()
    )
    topics: dict[int, str] = {}
    work_topics = []
    for work_id, topic_id, name, score in (
        WorkTopic.objects.filter(work_id__in=work_ids)
        .order_by("work_id", "topic_id")
        .values_list("work_id", "topic_id", "topic__display_name", "score")
    ):
        topics[topic_id] = name
        work_topics.append((work_id, topic_id, score))

    institutions: dict[int, str] = {}
    affiliations = []
    # Where each person is now, as their record says (the last known institutions).
    for person_id, institution_id, name in (
        ResearcherInstitution.objects.filter(
            researcher_id__in=[rid, *coauthor_ids], last_known=True
        )
        .order_by("researcher_id", "institution_id")
        .values_list("researcher_id", "institution_id", "institution__display_name")
    ):
        institutions[institution_id] = name
        affiliations.append((person_id, institution_id, 1))
    # The researcher's own affiliations as printed on the works read, weighted by how often.
    for institution_id, name, n in (
        AuthorshipInstitution.objects.filter(
            authorship__researcher_id=rid, authorship__work_id__in=work_ids
        )
        .values_list("institution_id", "institution__display_name")
        .annotate(n=Count("authorship__work_id", distinct=True))
        .order_by("institution_id")
    ):
        institutions[institution_id] = name
        affiliations.append((rid, institution_id, n))

    return Neighbourhood(
        researcher_id=rid,
        researcher_name=researcher.display_name,
        works=works,
        coauthors=coauthors,
        authorships=authorships,
        topics=topics,
        work_topics=work_topics,
        institutions=institutions,
        affiliations=affiliations,
        # The profile's own stored counters (TRUST.md definitions, kept by profiles.services),
        # so that the page and its graph always show the same numbers.
        counts={
            "works": researcher.works_count,
            "close_collaborators": researcher.close_collaborators_count,
            "topics": researcher.topics_count,
        },
        consortium_limit=_consortium_limit(),
    )


def read_neighbours(node_type: str, pk: int, limit: int) -> tuple[list[Neighbour], bool]:
    """Up to `limit` nodes next to one node, and whether there were more.

    Each branch reads one node's links through an index with a LIMIT, so expanding a topic with
    a million works costs the same as expanding one with ten.
    """
    reader = {
        "researcher": _researcher_neighbours,
        "work": _work_neighbours,
        "topic": _topic_neighbours,
        "institution": _institution_neighbours,
    }[node_type]
    found = reader(pk, limit + 1)
    return found[:limit], len(found) > limit


def _researcher_neighbours(pk: int, limit: int) -> list[Neighbour]:
    share = max(limit // 2, 1)
    coauthors = read_coauthors(pk, share)
    found = [
        Neighbour("researcher", c.id, c.name, "coauthor", float(c.shared_works)) for c in coauthors
    ]
    works = Work.objects.for_researcher(pk).values_list("id", "title", "publication_year")[
        : limit - len(found)
    ]
    found += [
        Neighbour("work", wid, title or f"Work {wid}", "authored", year=year)
        for wid, title, year in works
    ]
    institutions = (
        ResearcherInstitution.objects.filter(researcher_id=pk)
        .order_by("-last_known", "-works_count", "institution_id")
        .values_list("institution_id", "institution__display_name")[:limit]
    )
    found += [Neighbour("institution", iid, name, "affiliated") for iid, name in institutions]
    return found


def _work_neighbours(pk: int, limit: int) -> list[Neighbour]:
    authors = (
        Authorship.objects.filter(work_id=pk, researcher__isnull=False)
        .order_by("order", "id")
        .values_list("researcher_id", "researcher__display_name")[:limit]
    )
    # A byline may list one person twice: one node each.
    found = [Neighbour("researcher", rid, name, "authored") for rid, name in dict.fromkeys(authors)]
    topics = (
        WorkTopic.objects.filter(work_id=pk)
        .order_by("-score", "topic_id")
        .values_list("topic_id", "topic__display_name", "score")[:limit]
    )
    found += [Neighbour("topic", tid, name, "about", score) for tid, name, score in topics]
    return found


def _topic_neighbours(pk: int, limit: int) -> list[Neighbour]:
    # Newest rows first along the (topic, work) index: no sort over the whole topic.
    works = (
        WorkTopic.objects.filter(topic_id=pk)
        .order_by("-work_id")
        .values_list("work_id", "work__title", "score", "work__publication_year")[:limit]
    )
    return [
        Neighbour("work", wid, title or f"Work {wid}", "about", score, year)
        for wid, title, score, year in works
    ]


def _institution_neighbours(pk: int, limit: int) -> list[Neighbour]:
    # No ORDER BY: the LIMIT then stops the index scan early, however big the institution.
    people = (
        ResearcherInstitution.objects.filter(institution_id=pk)
        .order_by()
        .values_list("researcher_id", "researcher__display_name")[:limit]
    )
    return [Neighbour("researcher", rid, name, "affiliated") for rid, name in people]
