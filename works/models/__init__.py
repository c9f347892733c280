"""The public record's models: works and what they hang on (records), and the author entity
(researchers). Both modules share the app label ``works``."""

from .records import Authorship, Institution, MergedAuthorId, Source, Topic, Work, WorkTopic
from .researchers import (
    AuthorshipCorrection,
    Researcher,
    ResearcherName,
    ResearcherQuerySet,
    ResearcherTopic,
)

__all__ = [
    "Authorship",
    "AuthorshipCorrection",
    "Institution",
    "MergedAuthorId",
    "Researcher",
    "ResearcherName",
    "ResearcherQuerySet",
    "ResearcherTopic",
    "Source",
    "Topic",
    "Work",
    "WorkTopic",
]
