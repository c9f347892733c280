"""OpenAlex's search syntax, parsed into a small tree. Pure Python: no Django here.

OpenAlex hands `search=` and every `*.search` filter to Elasticsearch's query string, so:

- `AND`, `OR` and `NOT` (upper case only) are operators; lower-case `and` is a word.
- Words side by side are AND-ed. `NOT` binds tightest, then `AND`, then `OR`:
  `a OR b c` is `a OR (b AND c)`, and `a NOT b` is `a AND NOT b`.
- Parentheses group, `"double quotes"` make a phrase (its words in that order).
- A trailing `*` matches words that start with the rest (`machin*`).
- `?` and `~N` (wildcard letters, fuzzy and proximity) are not supported: they are dropped,
  and the rest of the word is searched.

The parser never refuses: an unclosed quote or parenthesis ends at the end of the text, a stray
`)` or an operator with nothing to act on is ignored. A text with no words at all is `None`.
Stemming and stop words are the database's business (see `fulltext`).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar, Union

MAX_TERMS = 100
OPERATORS = {"AND", "OR", "NOT"}
_TOKEN = re.compile(r'\s*(?:(\()|(\))|"([^"]*)(?:"|$)|([^\s()"]+))')
_FUZZY = re.compile(r"~\d*(\.\d+)?$")


@dataclass(frozen=True)
class Term:
    """A word or a quoted phrase, as written (the database normalizes it)."""

    text: str
    phrase: bool = False
    prefix: bool = False


@dataclass(frozen=True)
class And:
    items: tuple["Node", ...]


@dataclass(frozen=True)
class Or:
    items: tuple["Node", ...]


@dataclass(frozen=True)
class Not:
    item: "Node"


Node = Union[Term, And, Or, Not]  # noqa: UP007 (a forward-referenced alias)
T = TypeVar("T")


class _Tokens:
    def __init__(self, text: str):
        self.items: list[tuple[str, str]] = []
        for match in _TOKEN.finditer(text):
            opening, closing, phrase, word = match.groups()
            if opening:
                self.items.append(("(", opening))
            elif closing:
                self.items.append((")", closing))
            elif phrase is not None:
                self.items.append(("phrase", phrase))
            elif word in OPERATORS:
                self.items.append((word, word))
            elif word is not None:
                self.items.append(("word", word))
        self.position = 0

    def peek(self) -> str | None:
        return self.items[self.position][0] if self.position < len(self.items) else None

    def take(self) -> tuple[str, str]:
        token = self.items[self.position]
        self.position += 1
        return token


def _term(kind: str, text: str) -> Term | None:
    if kind == "phrase":
        words = " ".join(text.replace("*", " ").replace("?", " ").replace("~", " ").split())
        return Term(words, phrase=True) if words else None
    text = _FUZZY.sub("", text.replace("?", "")).replace("~", "")
    prefix = text.endswith("*")
    text = text.replace("*", "")
    # A leading + or - is Elasticsearch's must / must-not (the parser negates a first `-`).
    text = text.lstrip("+-")
    if text in OPERATORS:  # "OR?" is the word "or", not an operator
        text = text.lower()
    return Term(text, prefix=prefix) if text else None


def _combine(kind, items):
    items = tuple(item for item in items if item is not None)
    if not items:
        return None
    if len(items) == 1:
        return items[0]
    flat = []
    for item in items:
        flat.extend(item.items if isinstance(item, kind) else [item])
    return kind(tuple(flat))


class _Parser:
    def __init__(self, text: str):
        self.tokens = _Tokens(text)
        self.terms = 0

    def parse(self) -> Node | None:
        node = self.or_expression()
        while self.tokens.peek() is not None:  # a stray ")": skip it and go on, AND-ed
            self.tokens.take()
            node = _combine(And, [node, self.or_expression()])
        return node

    def or_expression(self) -> Node | None:
        items = [self.and_expression()]
        while self.tokens.peek() == "OR":
            self.tokens.take()
            items.append(self.and_expression())
        return _combine(Or, items)

    def and_expression(self) -> Node | None:
        items = []
        while self.tokens.peek() not in (None, ")", "OR"):
            if self.tokens.peek() == "AND":
                self.tokens.take()
                continue
            if self.tokens.peek() == "NOT":
                self.tokens.take()
                negated = self.unary()
                items.append(Not(negated) if negated is not None else None)
                continue
            items.append(self.unary())
        return _combine(And, items)

    def unary(self) -> Node | None:
        kind = self.tokens.peek()
        if kind is None or kind in (")", "OR", "AND"):
            return None
        if kind == "NOT":
            self.tokens.take()
            negated = self.unary()
            return Not(negated) if negated is not None else None
        kind, text = self.tokens.take()
        if kind == "(":
            node = self.or_expression()
            if self.tokens.peek() == ")":
                self.tokens.take()
            return node
        self.terms += 1
        if self.terms > MAX_TERMS:
            raise SearchTooLong(f"a search may hold at most {MAX_TERMS} words and phrases")
        if kind == "word" and text.startswith("-") and len(text) > 1:
            term = _term(kind, text[1:])
            return Not(term) if term is not None else None
        return _term(kind, text)


class SearchTooLong(ValueError):
    pass


def parse(text: str) -> Node | None:
    """The tree of a search text; None when it holds no word to search for."""
    return _Parser(text).parse()


def fold(
    node: Node,
    term: Callable[[Term], T],
    all_of: Callable[[list[T]], T],
    any_of: Callable[[list[T]], T],
    negate: Callable[[T], T],
) -> T:
    """Build something (a tsquery, a Q) from the tree, bottom up."""
    if isinstance(node, Term):
        return term(node)
    if isinstance(node, Not):
        return negate(fold(node.item, term, all_of, any_of, negate))
    parts = [fold(item, term, all_of, any_of, negate) for item in node.items]
    return all_of(parts) if isinstance(node, And) else any_of(parts)


def has_negation(node: Node) -> bool:
    if isinstance(node, Term):
        return False
    if isinstance(node, Not):
        return True
    return any(has_negation(item) for item in node.items)


def terms(node: Node) -> list[Term]:
    """The words and phrases a match must or may contain (none under a NOT)."""
    if isinstance(node, Term):
        return [node]
    if isinstance(node, Not):
        return []
    return [term for item in node.items for term in terms(item)]


def describe(node: Node | None) -> str:
    """The tree written out in full, with every operator and parenthesis (for tests, logs)."""
    if node is None:
        return ""
    if isinstance(node, Term):
        text = f'"{node.text}"' if node.phrase else node.text
        return text + ("*" if node.prefix else "")
    if isinstance(node, Not):
        return f"NOT {describe(node.item)}"
    joiner = " AND " if isinstance(node, And) else " OR "
    return "(" + joiner.join(describe(item) for item in node.items) + ")"
