"""The OpenAlex-compatible API in the OpenAPI schema: each collection's parameters and limits.

One view class serves every collection, so the parameters are built per collection from its
`Entity`: the sort, select and group-by fields it takes, the filters it knows and the form
of each filter's values, and the paging limits of `filters`. What JSON Schema cannot say
(parameters that exclude each other, a cursor handed out by the previous page) is said in the
descriptions and in `EXCLUSIVE`, which the schema tests read.
"""

import re

from drf_spectacular.utils import OpenApiParameter

from bzpeer.schema import NO_NUL, OPENALEX_ERROR, ApiSchema

from . import filters as f
from . import fulltext, search
from .documents import ID_TAILS
from .entities import ENTITIES
from .ids import LETTERS
from .queries import DEFAULT_PER_PAGE, MAX_GROUPS

# Pairs of list parameters a request may not give together (each answers 400).
EXCLUSIVE = [
    ("cursor", "page"),
    ("cursor", "sample"),
    ("group-by", "sample"),
    ("group_by", "sample"),
    ("per-page", "per_page"),
    ("group-by", "group_by"),
]

WIKIDATA_URL = "https://www.wikidata.org/wiki/"

# The form of each filter's values (entities.base, entity_filters and work_filters make the
# filters), read from the function that made it and what it was made with (its closure): every
# value the form matches is one the filter takes, and the filters that check a form (ids,
# dates, numbers, true/false, the ids written as URLs of documents.ID_TAILS) refuse any other
# with a 400. (Asking a filter itself would run queries: the author name search looks names
# up as it is built.) Only the `*.search` keys take free text; a key matched as a text as it
# is stored (a name, a city, a page number, a country code) takes any words.
BOOLEAN = r"(true|false)"
BOOLEAN_OR_NULL = r"(true|false|null)"
DATE = r"[12][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])"
DATE_TIME = DATE + r"(T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9])?"
DOI = r"(https://doi\.org/)?10\.[0-9]{4,5}/[a-z0-9]{1,12}"
ORCID = r"(https://orcid\.org/)?0000-000[1-9]-[0-9]{4}-[0-9]{3}[0-9X]"
ISSN = r"[0-9]{4}-?[0-9]{3}[0-9X]"
# Words with one space between them: a `+` is AND in a filter, and a form-encoded space is a `+`,
# so two spaces in a row would make an empty value (refused), and so would a blank one.
TEXT = r"[^,\x00|+!\s]+( [^,\x00|+\s]+)*"
# A `*.search` key's value: one search, read by `search` (its `+` is a space).
FREE_VALUE = r"[^,\x00|+!\s][^,\x00|+!]*"
ID_FORM = r"(https://openalex\.org/)?[{letters}][1-9][0-9]{{0,9}}"

# By the function that made the filter.
FORMS = {
    "boolean": BOOLEAN,
    "flag": BOOLEAN,
    "present": BOOLEAN,
    "corresponding": BOOLEAN,
    "has_orcid": BOOLEAN,
    "open_copy": BOOLEAN,
    "typed_flag": BOOLEAN_OR_NULL,
    "date": DATE,
    "since": DATE_TIME,
    "updated": DATE_TIME,
    "updated_date": DATE_TIME,
    "doi": DOI,
    "orcid": ORCID,
    "AUTHOR_ORCID_OF_WORK": ORCID,
    "_scopus": r"[0-9]{1,20}",
    "_host": ID_FORM.format(letters="PI"),
    "cites": ID_FORM.format(letters="W"),
    "cited_by": ID_FORM.format(letters="W"),
    "related_to": ID_FORM.format(letters="W"),
    "best_open_version": r"(any|acceptedOrPublished|published)",
    # Matched as the text is stored: any words are a value.
    "text_exact": TEXT,
    "byline_country": TEXT,
    "byline_institution": TEXT,  # except `ror`, read through documents.prefixed
    "affiliated": TEXT,
    "_doi_starts_with": TEXT,
}
# Filters made with a lambda (no closure to read), by key: those that check a form.
LAMBDA_FORMS = {
    "issn": ISSN,
    "wikidata": f"({re.escape(WIKIDATA_URL)})?{ID_TAILS[WIKIDATA_URL]}",
    "wikidata_id": f"({re.escape(WIKIDATA_URL)})?{ID_TAILS[WIKIDATA_URL]}",
}
# The values a stored-record filter (`term`) reads through its normaliser, by the normaliser's
# name; `openalex_id`, `prefixed` and `camel` make normalisers told apart by what they were
# made with.
NORMALIZED_FORMS = {
    "as_is": TEXT,
    "lower": TEXT,
    "upper": TEXT,
    "<lambda>": TEXT,
    "issn": ISSN,
    "doi_url": DOI,
    "pmcid": r"(PMC)?[1-9][0-9]{0,8}",
    "number_or_text": r"(https://[a-z./]+/)?[0-9]{1,18}",
}
ID_KINDS = {"own_id", "related_id", "fk_id"}


def value_form(key: str, build) -> str:
    """The form of a filter's values (a regular expression, not anchored)."""
    kind = getattr(build, "__qualname__", "").split(".")[0]
    made_with = _closure(build)
    if kind in ID_KINDS:
        return ID_FORM.format(letters=LETTERS[made_with["entity"]][0])
    if kind == "<lambda>":
        return LAMBDA_FORMS.get(key.rsplit(".", 1)[-1], TEXT)
    if kind in {"number", "amount"}:
        return number_form(made_with)
    normalize = made_with.get("normalize")
    if kind == "byline_institution" and "prefix" in _closure(normalize):
        return normalized_form(normalize)
    if kind in FORMS:
        return FORMS[kind]
    if normalize is not None:  # term(), _typed_json_list()
        return normalized_form(normalize)
    raise LookupError(f"filter {key}: no form for the values of a {kind} filter")


def number_form(made_with: dict) -> str:
    """`5`, `<5`, `>5`, `2018-2020` or `null`, with as many digits as stay under the limit."""
    digits = min(len(str(made_with.get("high", 10**9 - 1) + 1)) - 1, 9)
    whole = f"[0-9]{{1,{digits}}}"
    number = whole + (r"(\.[0-9]{1,6})?" if made_with.get("decimal") else "")
    return f"(null|[<>]?{number}|{number}-{whole})"


def normalized_form(normalize) -> str:
    made_with = _closure(normalize)
    if "letters" in made_with:  # openalex_id(*letters)
        return ID_FORM.format(letters="".join(made_with["letters"]))
    if "prefix" in made_with:  # prefixed(prefix): the prefix may be given or not
        prefix = made_with["prefix"]
        return f"({re.escape(prefix)})?{ID_TAILS[prefix]}"
    if "by_lower" in made_with:  # camel(*known)
        return f"({_names(made_with['by_lower'].values())})"
    return NORMALIZED_FORMS[normalize.__name__]


def _closure(build) -> dict:
    """The variables a filter builder was made with (its closure), by name."""
    names = getattr(getattr(build, "__code__", None), "co_freevars", ())
    cells = getattr(build, "__closure__", None) or ()  # none for a builtin such as str.upper
    return dict(zip(names, [cell.cell_contents for cell in cells], strict=True))


def _names(names) -> str:
    return "|".join(re.escape(name) for name in sorted(names, key=lambda n: (-len(n), n)))


def filter_keys(entity) -> list[str]:
    """Every filter the collection answers: its own, and the full-text `*.search` ones."""
    own = [key for key in entity.filters if not f.is_search_key(key)]
    return sorted([*own, *fulltext.filter_keys(entity.name)])


def filter_pattern(entity) -> str:
    """`key:value` clauses joined by `,`, each value in its filter's form, OR-ed with `|`."""
    by_form: dict[str, list[str]] = {}
    for key in filter_keys(entity):
        form = FREE_VALUE if f.is_search_key(key) else value_form(key, entity.filters[key])
        by_form.setdefault(form, []).append(key)
    clause = "|".join(
        # `!` only at the head of an OR list: `key:!a|b` is NOT (a or b), as OpenAlex reads it.
        f"(?:{_names(keys)}):!?{form}(?:\\|{form}){{0,4}}"
        for form, keys in by_form.items()
    )
    return f"^$|^(?:{clause})(?:,(?:{clause})){{0,9}}$"


def list_of(names, suffix: str = "", most: int = 50, empty: bool = False) -> str:
    item = f"(?:{_names(names)}){suffix}"
    return ("^$|" if empty else "") + f"^{item}(?:,{item}){{0,{most - 1}}}$"


def _query(name: str, schema: dict, description: str, required: bool = False):
    return OpenApiParameter(
        name, schema, OpenApiParameter.QUERY, description=description, required=required
    )


def _integer(low: int, high: int) -> dict:
    return {"type": "integer", "minimum": low, "maximum": high}


def select_parameter(entity):
    return _query(
        "select",
        {"type": "string", "pattern": list_of(entity.fields, most=len(entity.fields))},
        "Root-level fields to return, comma-separated.",
    )


SEARCH = {"type": "string", "maxLength": fulltext.MAX_SEARCH_LENGTH, "pattern": NO_NUL}


def filter_parameter(entity):
    return _query(
        "filter",
        {"type": "string", "maxLength": f.MAX_FILTER_LENGTH, "pattern": filter_pattern(entity)},
        f"Up to {f.MAX_CLAUSES} `key:value` clauses joined by `,` (AND); in a value `|` is "
        f"OR (up to {f.MAX_VALUES} values), `+` is AND, `!` negates, `<`/`>` give ranges; a "
        "`*.search` key (and `.search.no_stem`, `.search.exact`) takes a search, as `search` "
        "does. Keys: " + ", ".join(f"`{key}`" for key in filter_keys(entity)) + ".",
    )


def list_parameters(entity) -> list:
    paging = f"at most {f.MAX_PAGED_RESULTS:,} results in all (page × per-page)"
    parameters = [
        filter_parameter(entity),
        _query(
            "search",
            SEARCH,
            "Full-text search in OpenAlex's syntax (titles and abstracts for works, names "
            'elsewhere): stemmed words, AND, OR, NOT, parentheses, "phrases", a trailing *; '
            f"at most {search.MAX_TERMS} words and phrases. Adds `relevance_score` to the "
            "results and sorts by it.",
        ),
        _query("search.exact", SEARCH, "The same search, unstemmed and with stop words kept."),
        _query(
            "sort",
            {
                "type": "string",
                "pattern": list_of(entity.sorts, "(?::(?:asc|desc))?", most=5, empty=True),
            },
            "Up to 5 fields, each with `:asc` (default) or `:desc`, comma-separated; "
            "`relevance_score` too when `search` is given.",
        ),
        select_parameter(entity),
        _query(
            "per-page",
            _integer(1, f.MAX_PER_PAGE),
            f"Results per page (default {DEFAULT_PER_PAGE}; groups: {MAX_GROUPS}). "
            "Not with `per_page`.",
        ),
        _query("per_page", _integer(1, f.MAX_PER_PAGE), "Same as `per-page`."),
        _query(
            "page",
            _integer(1, f.MAX_PAGED_RESULTS),
            f"Page number for basic paging: {paging}. Not with `cursor`.",
        ),
        _query(
            "cursor",
            {"type": "string", "enum": ["*"]},
            "`*` starts cursor paging; each page's `meta.next_cursor` (null at the end) is the "
            "cursor of the next. Not with `page` or `sample`.",
        ),
        _query(
            "sample",
            _integer(1, f.MAX_SAMPLE),
            "A random sample of this many results. Not with `cursor` or `group-by`.",
        ),
        _query("seed", _integer(0, f.MAX_SEED), "Makes a sample repeatable."),
    ]
    if entity.groups:
        groups = {
            "type": "string",
            "pattern": f"^$|^(?:{_names(entity.groups)})(?::include_unknown)?$",
        }
        parameters += [
            _query(
                "group-by",
                groups,
                "Count results per value of a field (`:include_unknown` adds the blanks). "
                "Not with `sample` or `group_by`.",
            ),
            _query("group_by", groups, "Same as `group-by`."),
        ]
    return parameters


class OpenAlexSchema(ApiSchema):
    """One view class serves every collection: name and document each operation after it."""

    error_body = ("OpenAlexError", OPENALEX_ERROR)
    validation_body = error_body

    def get_operation_id(self):
        return f"openalex_{self.view.entity_name}_{self.view.operation}"

    def get_tags(self):
        return ["openalex"]

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        operation = self.view.operation
        if operation == "list":
            parameters = [*parameters, *list_parameters(self.view.entity)]
        elif operation == "retrieve":
            parameters = [*parameters, select_parameter(self.view.entity)]
        elif operation == "autocomplete" and self.view.entity_name in ENTITIES:
            parameters = [*parameters, filter_parameter(self.view.entity)]
        return parameters
