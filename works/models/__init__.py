"""The public record's models: the entities (institutions, sources, topics, concepts,
publishers, funders, and the stored OpenAlex documents), works and their links (records), the
author entity (researchers) and owners' corrections of its authorships. All share the app label
``works``."""

from .corrections import AuthorshipCorrection
from .entities import Concept, Funder, Institution, OpenAlexRecord, Publisher, Source, Topic
from .records import (
    Authorship,
    AuthorshipInstitution,
    MergedAuthorId,
    Work,
    WorkConcept,
    WorkTopic,
)
from .researchers import (
    Researcher,
    ResearcherInstitution,
    ResearcherName,
    ResearcherQuerySet,
    ResearcherTopic,
)
from .runs import ImportPart, ImportRun, ImportRunResearcher, SyncResearcher, SyncState

__all__ = [
    "Authorship",
    "AuthorshipCorrection",
    "AuthorshipInstitution",
    "Concept",
    "Funder",
    "ImportPart",
    "ImportRun",
    "ImportRunResearcher",
    "SyncResearcher",
    "Institution",
    "MergedAuthorId",
    "OpenAlexRecord",
    "Publisher",
    "Researcher",
    "ResearcherInstitution",
    "ResearcherName",
    "ResearcherQuerySet",
    "ResearcherTopic",
    "Source",
    "SyncState",
    "Topic",
    "Work",
    "WorkConcept",
    "WorkTopic",
]
