"""`search=` and the `*.search` filters: which stored text answers each, and how it is matched.

On PostgreSQL a search is full-text search: `search.parse` turns OpenAlex's syntax into a tree,
each word or phrase becomes `plainto_tsquery` / `phraseto_tsquery` in the English text-search
configuration (stemming, stop words) or, for the `.no_stem` forms, the `simple` one, and the tree
combines them with `&&`, `||` and `!!`. They match `tsvector` columns that PostgreSQL generates
from the text columns (migrations works 0009 and, for works' unstemmed text, 0013), each with a
GIN index; `relevance_score` is `ts_rank` of the same query, title words weighing more than
abstract words.

The embedded SQLite default is simpler, and says so in the README: the same operators,
parentheses and phrases, but each word and phrase is matched as a case-insensitive substring,
without stemming or stop words, and the score counts the words found.
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import (
    SearchQuery,
    SearchQueryCombinable,
    SearchQueryField,
    SearchRank,
    SearchVector,
    SearchVectorExact,
    SearchVectorField,
)
from django.db import connection, models
from django.db.models import Q
from django.db.models.expressions import Col
from django.db.models.functions import Cast

from works.models import Authorship, Researcher

from . import search
from .filters import SEARCH_SUFFIXES, QueryError

ENGLISH = "english"
SIMPLE = "simple"
MAX_SEARCH_LENGTH = 4000


class _StoredVector(models.Expression):
    """A generated tsvector column of the queried table, which the model does not declare.

    Declared, Django would read it with every row; it is only ever searched and ranked.
    """

    output_field = SearchVectorField()

    def __init__(self, column: str):
        super().__init__()
        self.column = column

    def resolve_expression(self, query=None, *args, **kwargs):
        target = SearchVectorField()
        target.column = self.column
        target.model = query.model
        return Col(query.get_initial_alias(), target, SearchVectorField())


class _OnlyWeights(models.Func):
    """`ts_filter`: the lexemes of one part of a weighted vector (B: a work's abstract)."""

    function = "ts_filter"
    output_field = SearchVectorField()


class _Negated(SearchQueryCombinable, models.Func):
    template = "!!(%(expressions)s)"
    output_field = SearchQueryField()

    def __init__(self, query):
        super().__init__(query)
        self.config = None


def _tsquery(node: search.Node, config: str):
    def term(item: search.Term):
        pieces = re.findall(r"\w+", item.text) if item.prefix else []
        if pieces:  # word characters only: nothing in them is tsquery syntax
            raw = " & ".join(f"'{piece}':*" for piece in pieces)
            return SearchQuery(raw, search_type="raw", config=config)
        kind = "phrase" if item.phrase else "plain"
        # Split at slashes, as the stored vectors are (migration works 0009).
        return SearchQuery(item.text.replace("/", " "), search_type=kind, config=config)

    return search.fold(node, term, _all_of, _any_of, _Negated)


def _all_of(parts):
    combined = parts[0]
    for part in parts[1:]:
        combined = combined & part
    return combined


def _any_of(parts):
    combined = parts[0]
    for part in parts[1:]:
        combined = combined | part
    return combined


def _substrings(node: search.Node, columns: tuple[str, ...]) -> Q:
    """The SQLite reading: every word or phrase is a case-insensitive substring of a column."""

    def term(item: search.Term) -> Q:
        found = Q()
        for column in columns:
            found |= Q(**{f"{column}__icontains": item.text})
        return found

    return search.fold(node, term, _all_of, _any_of, lambda part: ~part)


def _word_count(node: search.Node, columns: tuple[str, ...]):
    """The SQLite score: 2 points per word found in the first column, 1 in each other."""
    score = models.Value(0.0)
    for item in search.terms(node)[:20]:
        for weight, column in zip([2.0] + [1.0] * len(columns), columns, strict=False):
            score = score + models.Case(
                models.When(**{f"{column}__icontains": item.text}, then=models.Value(weight)),
                default=models.Value(0.0),
            )
    return models.ExpressionWrapper(score, output_field=models.FloatField())


def _postgres() -> bool:
    return connection.vendor == "postgresql"


class _NoLexemes(models.Func):
    """True when a tsquery holds nothing to look for (only stop words)."""

    template = "numnode(%(expressions)s) = 0"
    output_field = models.BooleanField()


def _unstemmed_vector(columns: tuple[str, ...]):
    """The `simple` vector of text columns, computed (the first weighs A, the others B)."""
    vector = None
    for index, column in enumerate(columns):
        text = models.Func(
            models.F(column),
            models.Value("/"),
            models.Value(" "),
            function="translate",
            output_field=models.TextField(),
        )
        part = SearchVector(text, config=SIMPLE, weight="A" if index == 0 else "B")
        vector = part if vector is None else vector + part
    return vector


class _Weighted(models.Func):
    """`setweight`: every lexeme of a vector at one weight."""

    function = "setweight"
    output_field = SearchVectorField()


@dataclass(frozen=True)
class Stored:
    """Text of the collection's own table, searched through generated tsvector columns.

    `column` is the stored vector of `.search` (stemmed, unless `stems` is False), `unstemmed`
    the stored `simple` vector of `.search.no_stem` and `.search.exact` (works 0013), each
    GIN-indexed; `weights` and `unstemmed_weights` pick this text's parts of a weighted vector
    ("b": a work's abstract). Without an unstemmed column, an unstemmed search computes the
    `simple` vector of the rows its stemmed twin finds (every word that matches as written
    matches stemmed too).
    """

    column: str  # the stored vector
    text_columns: tuple[str, ...]  # the text it is made of (this part's, with `weights`)
    weights: str = ""  # only these parts of a weighted vector ("b": the abstract)
    stems: bool = True  # False: the stored vector is unstemmed and serves both forms
    unstemmed: str = ""  # the stored unstemmed vector, when there is one
    unstemmed_weights: str = ""  # only these parts of it

    def _stored(self, stemmed: bool = True):
        if stemmed or not self.unstemmed:
            column, weights = self.column, self.weights
        else:
            column, weights = self.unstemmed, self.unstemmed_weights
        vector = _StoredVector(column)
        if weights:
            return vector, _OnlyWeights(vector, models.Value("{" + weights + "}"))
        return vector, vector

    def _vector(self, stemmed: bool, stored_part):
        if stemmed or not self.stems or self.unstemmed:
            return stored_part
        return _unstemmed_vector(self.text_columns)

    def _query(self, node: search.Node, stemmed: bool):
        return _tsquery(node, ENGLISH if stemmed and self.stems else SIMPLE)

    def condition(self, node: search.Node, stemmed: bool) -> Q:
        if not _postgres():
            return _substrings(node, self.text_columns)
        query = self._query(node, stemmed)
        whole, part = self._stored(stemmed)
        vector = self._vector(stemmed, part)
        condition = Q(SearchVectorExact(vector, query))
        if vector is not whole and not search.has_negation(node):
            if not stemmed and self.unstemmed:
                # A part matches only where the whole does: the whole's GIN index narrows.
                return condition & Q(SearchVectorExact(whole, query))
            # What matches a part, or matches unstemmed, matches the whole stemmed: the whole's
            # GIN index narrows the rows. (A query of stop words only stems to nothing.)
            stemmed_query = self._query(node, True)
            condition &= Q(SearchVectorExact(whole, stemmed_query)) | Q(_NoLexemes(stemmed_query))
        return condition

    def rank(self, node: search.Node, stemmed: bool):
        if not _postgres():
            return _word_count(node, self.text_columns)
        vector = self._vector(stemmed, self._stored(stemmed)[1])
        if not stemmed and self.unstemmed_weights:
            # Ranked as the computed vector was, its first text weighing A (scores unchanged).
            vector = _Weighted(vector, models.Value("A"))
        # Unnormalized ts_rank comes closest to OpenAlex's order on the recorded search.
        return SearchRank(vector, self._query(node, stemmed))


@dataclass(frozen=True)
class Related:
    """Text of related rows (a work's bylines): the rows of `model` whose text matches."""

    model: type[models.Model]
    link: str  # the column of `model` that points at the collection's rows
    text: Stored

    def condition(self, node: search.Node, stemmed: bool) -> Q:
        matching = self.model.objects.filter(self.text.condition(node, stemmed))
        return Q(pk__in=matching.values(self.link))

    def rank(self, node: search.Node, stemmed: bool):
        return None


@dataclass(frozen=True)
class Names:
    """Researchers' names: each word or phrase through the directory's own name search."""

    def condition(self, node: search.Node, stemmed: bool) -> Q:
        def term(item: search.Term) -> Q:
            return Q(pk__in=Researcher.objects.search(item.text).values("pk"))

        return search.fold(node, term, _all_of, _any_of, lambda part: ~part)

    def rank(self, node: search.Node, stemmed: bool):
        return _word_count(node, ("display_name",))


# A work's unstemmed text is one weighted vector (works 0013): the title A, the abstract B.
UNSTEMMED_TEXT = "fts_text_simple"
TITLE = Stored("fts_title", ("title",), unstemmed=UNSTEMMED_TEXT, unstemmed_weights="a")
TEXT = Stored("fts_text", ("title", "abstract"), unstemmed=UNSTEMMED_TEXT)
ABSTRACT = Stored(
    "fts_text", ("abstract",), weights="b", unstemmed=UNSTEMMED_TEXT, unstemmed_weights="b"
)
NAME = Stored("fts_name", ("display_name",))

# What `search=` (key "search") and each search filter reads, per collection. Works' `search=`
# and `default.search` read title and abstract: BZPEER holds no full texts.
TARGETS: dict[str, dict[str, object]] = {
    "works": {
        "search": TEXT,
        "default": TEXT,
        "title_and_abstract": TEXT,
        "title": TITLE,
        "display_name": TITLE,
        "abstract": ABSTRACT,
        "raw_author_name": Related(
            Authorship, "work_id", Stored("fts_raw_author_name", ("raw_author_name",), stems=False)
        ),
        "raw_affiliation_strings": Related(
            Authorship,
            "work_id",
            Stored("fts_raw_affiliation_strings", ("raw_affiliation_strings",), stems=False),
        ),
    },
    "authors": dict.fromkeys(("search", "default", "display_name"), Names()),
    **{
        name: dict.fromkeys(("search", "default", "display_name"), NAME)
        for name in ("institutions", "sources", "topics", "concepts", "publishers", "funders")
    },
}


def search_key(key: str) -> tuple[str, bool] | None:
    """`title.search.no_stem` -> ("title", False); None when the key is no search filter."""
    # `.search` stems and drops stop words; `.search.no_stem` and `.search.exact` do neither.
    for suffix in sorted(SEARCH_SUFFIXES, key=len, reverse=True):
        if key.endswith(suffix):
            return key.removesuffix(suffix), suffix == ".search"
    return None


def filter_keys(entity_name: str) -> list[str]:
    """Every search filter a collection answers, for the error that lists them."""
    fields = [field for field in TARGETS.get(entity_name, {}) if field != "search"]
    return [field + suffix for field in fields for suffix in SEARCH_SUFFIXES]


def _parsed(text: str) -> search.Node | None:
    if len(text) > MAX_SEARCH_LENGTH:
        raise QueryError(f"a search is at most {MAX_SEARCH_LENGTH} characters")
    try:
        return search.parse(text)
    except search.SearchTooLong as error:
        raise QueryError(str(error)) from None


def _target(entity_name: str, key: str):
    found = search_key(key) if key != "search" else ("search", True)
    field, stemmed = found if found else (None, True)
    target = TARGETS.get(entity_name, {}).get(field)
    if target is None:
        raise QueryError(
            f"{key} is not a valid field. Valid fields are underscore or hyphenated versions "
            f"of: {', '.join(filter_keys(entity_name))}"
        )
    return target, stemmed


def condition(entity_name: str, key: str, text: str) -> Q:
    """Rows matching the search `text` of filter `key` (or `search` for `search=`)."""
    target, stemmed = _target(entity_name, key)
    node = _parsed(text)
    if node is None:
        return Q(pk__in=[])  # nothing to search for matches nothing
    return target.condition(node, stemmed)


def rank(entity_name: str, searches: list[tuple[str, str]]):
    """The relevance of a row to all the (key, text) searches asked; None when none ranks."""
    total = None
    for key, text in searches:
        target, stemmed = _target(entity_name, key)
        node = _parsed(text)
        score = target.rank(node, stemmed) if node is not None else None
        if score is not None:
            total = score if total is None else total + score
    if total is None:
        return None
    # ts_rank is a `real`: as double precision it round-trips exactly through a cursor.
    return Cast(total, models.FloatField())
