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

# The form of each kind of filter's values (entities.base makes the filters), by the name of
# the function that made it. A filter of another kind is documented as free text; the schema
# tests then tell whether that is honest. (Asking a filter itself would run queries: the
# author name search looks names up as it is built.)
BOOLEAN = r"(true|false)"
DATE = r"[12][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])"
NUMBER = r"[<>]?[0-9]{1,4}"
DOI = r"(https://doi\.org/)?10\.[0-9]{4,5}/[a-z0-9]{1,12}"
ORCID = r"(https://orcid\.org/)?0000-000[1-9]-[0-9]{4}-[0-9]{3}[0-9X]"
FORMS = {
    "boolean": BOOLEAN,
    "date": DATE,
    "number": NUMBER,
    "doi": DOI,
    "orcid": ORCID,
    "AUTHOR_ORCID_OF_WORK": ORCID,
    "_scopus": r"[0-9]{1,20}",
}
# Values a `term` filter reads through a normaliser of its own, by the normaliser's name.
NORMALIZED_FORMS = {"number_or_text": r"(https://[a-z./]+/)?[0-9]{1,18}"}
ID_KINDS = {"own_id", "related_id", "fk_id"}
ID_FORM = r"(https://openalex\.org/)?{letter}[1-9][0-9]{{0,9}}"
FREE_VALUE = r"[^,\x00|+!]+"


def value_form(build) -> str:
    kind = getattr(build, "__qualname__", "").split(".")[0]
    made_with = _closure(build)
    if kind in ID_KINDS:
        return ID_FORM.format(letter=LETTERS[made_with["entity"]][0])
    normalize = made_with.get("normalize")
    if getattr(normalize, "__name__", "") in NORMALIZED_FORMS:
        return NORMALIZED_FORMS[normalize.__name__]
    return FORMS.get(kind, FREE_VALUE)


def _closure(build) -> dict:
    """The variables a filter builder was made with (its closure), by name."""
    names = getattr(getattr(build, "__code__", None), "co_freevars", ())
    return dict(zip(names, [c.cell_contents for c in build.__closure__ or ()], strict=True))


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
        form = FREE_VALUE if f.is_search_key(key) else value_form(entity.filters[key])
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
