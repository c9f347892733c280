"""What each OpenAlex collection is made of here: its rows, filters, sorts and groups.

Every filter becomes a `Q` on the collection's own table; relations are matched by subquery
(`pk IN (...)`), so a row is never counted or listed twice and `meta.count` stays exact. The
parts are in ``base``; each collection is a module of its own.
"""

from .authors import AUTHORS
from .base import Entity
from .concepts import CONCEPTS
from .funders import FUNDERS
from .institutions import INSTITUTIONS
from .publishers import PUBLISHERS
from .sources import SOURCES
from .topics import TOPICS
from .works import WORKS

ENTITIES = {
    entity.name: entity
    for entity in (WORKS, AUTHORS, INSTITUTIONS, SOURCES, TOPICS, CONCEPTS, PUBLISHERS, FUNDERS)
}

__all__ = ["ENTITIES", "Entity"]
