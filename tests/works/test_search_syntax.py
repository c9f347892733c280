"""OpenAlex's search syntax, parsed: operators, precedence, phrases, and text that is no query."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from works.openalex_api import search


def written(text):
    return search.describe(search.parse(text))


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("biodiversity AND finance", "(biodiversity AND finance)"),
        ("biodiversity finance", "(biodiversity AND finance)"),
        ("biodiversity OR finance", "(biodiversity OR finance)"),
        # NOT binds tightest, then AND, then OR; a NOT b is a AND NOT b.
        ("a OR b c", "(a OR (b AND c))"),
        ("a b OR c", "((a AND b) OR c)"),
        ("a NOT b", "(a AND NOT b)"),
        ("NOT a", "NOT a"),
        ("a NOT b OR c", "((a AND NOT b) OR c)"),
        # OpenAlex's own documented example.
        (
            '(elmo AND "sesame street") NOT (cookie OR monster)',
            '(elmo AND "sesame street" AND NOT (cookie OR monster))',
        ),
        ("((a OR b)) c", "((a OR b) AND c)"),
        ("a AND b AND c", "(a AND b AND c)"),
    ],
)
def test_operators_and_precedence(text, tree):
    assert written(text) == tree


def test_operators_are_upper_case_only():
    assert written("cats and dogs") == "(cats AND and AND dogs)"
    assert written("cats or dogs") == "(cats AND or AND dogs)"
    assert written("not this") == "(not AND this)"


def test_phrases_keep_their_words_in_order():
    tree = search.parse('"protected areas" finance')
    assert tree == search.And((search.Term("protected areas", phrase=True), search.Term("finance")))
    assert written('"  spaced   out "') == '"spaced out"'


def test_trailing_star_is_a_prefix_and_other_wildcards_are_dropped():
    assert search.parse("machin*") == search.Term("machin", prefix=True)
    assert written("wom?n") == "womn"
    assert written("color~1 quikc~") == "(color AND quikc)"
    assert written('"a b"~3') == '"a b"'


def test_a_leading_minus_negates_a_word():
    assert written("forest -fire") == "(forest AND NOT fire)"
    assert written("covid-19") == "covid-19"


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("", ""),
        ("   ", ""),
        ("AND OR NOT", ""),
        ("()", ""),
        ('""', ""),
        ("*", ""),
        ("a AND", "a"),
        ("OR a", "a"),
        ("a OR", "a"),
        ("NOT", ""),
        ("(a OR b", "(a OR b)"),
        ("a) b", "(a AND b)"),
        ('"unclosed phrase', '"unclosed phrase"'),
    ],
)
def test_malformed_text_is_read_leniently(text, tree):
    assert written(text) == tree


def test_text_with_no_words_is_none():
    assert search.parse("AND ( ) OR") is None


def test_too_many_words_is_refused():
    with pytest.raises(search.SearchTooLong):
        search.parse(" ".join(f"w{i}" for i in range(search.MAX_TERMS + 1)))


def test_terms_leave_out_what_is_negated_and_fold_rebuilds_the_tree():
    tree = search.parse('a OR (b NOT c) "d e"')
    assert [t.text for t in search.terms(tree)] == ["a", "b", "d e"]
    assert search.has_negation(tree)
    assert not search.has_negation(search.parse("a OR b"))
    rebuilt = search.fold(
        tree, lambda t: t, lambda p: search.And(tuple(p)), lambda p: search.Or(tuple(p)), search.Not
    )
    assert rebuilt == tree


@given(st.text(alphabet='ab ()"*?~-ANDORT', max_size=60))
def test_any_text_parses_without_error(text):
    tree = search.parse(text)
    if tree is not None:
        assert all(term.text for term in search.terms(tree))
        # Writing the tree out and reading it again gives the same tree.
        assert search.parse(search.describe(tree)) == tree
