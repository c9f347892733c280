"""Reads that the profile page composes from several tables, each a fixed number of queries."""

from django.db.models import Min

from works.models import AuthorshipInstitution

from . import headline


def researcher_headline(researcher, institutions) -> str:
    """The headline to show on the record's page: the owner's words or a factual line.

    At most two queries, however many works the record has: its top topics (the stored
    researcher-topic counts) and, when it has current institutions, the first year a work of
    its lists each of them. `institutions` are the record's current institutions, loaded.
    Topic shares are taken over the record's works count; should that count ever exceed the
    works the topic counts cover, "mostly" is only said less often, never wrongly.
    """
    if researcher.owner_id and researcher.headline.strip():
        return headline.profile_headline(owner_headline=researcher.headline, has_owner=True)
    links = (
        researcher.topic_links.filter(works_count__gte=headline.MIN_TOPIC_WORKS)
        .select_related("topic")
        .order_by("-works_count", "topic__display_name", "topic_id")[: headline.TOPICS_NAMED]
    )
    topics = [headline.TopicCount(link.topic.display_name, link.works_count) for link in links]
    named = list(institutions)[: headline.INSTITUTIONS_NAMED]
    first_years = {}
    if named:
        first_years = dict(
            AuthorshipInstitution.objects.filter(
                authorship__researcher_id=researcher.pk,
                institution_id__in=[institution.pk for institution in named],
            )
            .values("institution_id")
            .annotate(first=Min("authorship__work__publication_year"))
            .values_list("institution_id", "first")
        )
    affiliations = [
        headline.Affiliation(institution.display_name, first_years.get(institution.pk))
        for institution in named
    ]
    return headline.profile_headline(
        owner_headline=researcher.headline,
        has_owner=bool(researcher.owner_id),
        topics=topics,
        works_count=researcher.works_count,
        affiliations=affiliations,
    )
