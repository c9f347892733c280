"""Reads of the public record that raw SQL serves better than the ORM: co-authorship.

Co-authors are counted as TRUST.md counts them: only works of at most CONSORTIUM_AUTHOR_LIMIT
authors make an edge, and close collaborators share at least MIN_SHARED_WORKS of them. The
stored counter (works.services), the set-based demo generator (bzpeer.demo) and the graph's
co-author read (graph.queries) all build on the one query here, so they cannot drift apart.
"""

from .models import Authorship, Work

MIN_SHARED_WORKS = 2


def coauthor_pairs_sql(researchers: str) -> str:
    """SELECT researcher_id, other_id, shared: each co-author pair and how many works they share.

    `researchers` is the SQL condition on the first researcher's id ("= %s", "IN (%s, %s)",
    ">= %s"); the query's parameters are the consortium limit, then the condition's.
    """
    authorships = Authorship._meta.db_table
    works = Work._meta.db_table
    return f"""
        SELECT mine.researcher_id, theirs.researcher_id AS other_id, COUNT(*) AS shared
        FROM {authorships} mine
        JOIN {works} w ON w.id = mine.work_id AND w.authors_count <= %s
        JOIN {authorships} theirs
          ON theirs.work_id = mine.work_id AND theirs.researcher_id <> mine.researcher_id
        WHERE mine.researcher_id {researchers}
        GROUP BY mine.researcher_id, theirs.researcher_id
    """


def close_collaborator_counts_sql(researchers: str) -> str:
    """SELECT researcher_id, close: each researcher's number of close collaborators."""
    return f"""
        SELECT pairs.researcher_id, COUNT(*) AS close
        FROM ({coauthor_pairs_sql(researchers)}) pairs
        WHERE pairs.shared >= {MIN_SHARED_WORKS}
        GROUP BY pairs.researcher_id
    """
