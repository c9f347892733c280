"""Versions of one work (same DOI, or same title a year apart) are one item of a works list."""

import random

import pytest

from profiles.versions import (
    VersionGroup,
    WorkVersion,
    group_versions,
    normalise_doi,
    normalise_title,
    version_rank,
)


def w(id, title="", **fields):
    return WorkVersion(id=id, title=title, **fields)


def shape(groups: list[VersionGroup]) -> list[list[int]]:
    """Each group as its ids, the shown version first."""
    return [[v.id for v in group.versions] for group in groups]


def test_a_preprint_and_its_article_a_year_later_are_one_item():
    works = [
        w(1, "Attention Is All You Need", year=2017, type="article", cited_by_count=900),
        w(2, "Attention is all you need.", year=2016, type="preprint", cited_by_count=80),
        w(3, "Another paper entirely here", year=2017, type="article"),
    ]
    groups = group_versions(works)
    assert shape(groups) == [[1, 2], [3]]
    assert groups[0].label == "2 versions" and groups[0].count == 2
    assert groups[1].label == "" and groups[1].count == 1


def test_the_same_doi_is_one_work_whatever_the_titles_say():
    works = [
        w(1, "Short title A", doi="10.1000/ABC", year=2010),
        w(2, "Completely different wording", doi="https://doi.org/10.1000/abc", year=2015),
    ]
    # Equal in kind and citations: the newer one is shown.
    assert shape(group_versions(works)) == [[2, 1]]


def test_titles_are_compared_without_case_accents_punctuation_or_spacing():
    works = [
        w(1, "Étude   des réseaux: une revue", year=2020),
        w(2, "etude des reseaux - une REVUE", year=2020),
    ]
    assert len(group_versions(works)) == 1
    assert normalise_title("  Deep  Learning: A Review! ") == "deep learning a review"


def test_the_same_title_two_years_apart_is_two_works():
    works = [w(1, "Annual report on ice sheets", year=2018), w(2, "Annual report on ice sheets",
             year=2020)]  # fmt: skip
    assert shape(group_versions(works)) == [[1], [2]]


def test_versions_chain_year_by_year():
    # 2018 preprint, 2019 conference paper, 2020 journal article: one work.
    works = [
        w(1, "A chain of versions over years", year=2018, type="preprint"),
        w(2, "A chain of versions over years", year=2019, type="proceedings-article"),
        w(3, "A chain of versions over years", year=2020, type="article"),
    ]
    assert shape(group_versions(works)) == [[3, 2, 1]]


def test_short_common_titles_group_only_by_doi():
    works = [
        w(1, "Editorial", year=2020, doi="10.1/a"),
        w(2, "Editorial", year=2020, doi="10.1/b"),
        w(3, "Reply to comments", year=2021),
        w(4, "Reply to comments", year=2021),
    ]
    assert shape(group_versions(works)) == [[1], [2], [3], [4]]


def test_works_without_a_year_or_title_group_only_by_doi():
    works = [
        w(1, "An undated work of science", year=None),
        w(2, "An undated work of science", year=None),
        w(3, "", year=2020),
        w(4, "", year=2020),
    ]
    assert shape(group_versions(works)) == [[1], [2], [3], [4]]


def test_the_journal_article_is_shown_before_a_more_cited_preprint():
    works = [
        w(1, "Results on the thing studied", year=2020, type="preprint", cited_by_count=500),
        w(2, "Results on the thing studied", year=2021, type="article", cited_by_count=3),
    ]
    assert group_versions(works)[0].best.id == 2


def test_an_article_in_a_repository_counts_as_a_repository_copy():
    works = [
        w(1, "Results on the thing studied", year=2020, type="article", source_type="repository",
          cited_by_count=50),
        w(2, "Results on the thing studied", year=2020, type="article", source_type="journal",
          cited_by_count=5),
    ]  # fmt: skip
    assert group_versions(works)[0].best.id == 2


def test_among_equals_the_most_cited_is_shown():
    works = [
        w(1, "Results on the thing studied", year=2020, type="article", cited_by_count=5),
        w(2, "Results on the thing studied", year=2020, type="article", cited_by_count=50),
    ]
    assert shape(group_versions(works)) == [[2, 1]]


def test_rank_orders_published_then_other_kinds_then_preprints():
    published = w(1, type="article")
    dataset = w(2, type="dataset")
    preprint = w(3, type="posted-content")
    ranked = sorted([preprint, dataset, published], key=version_rank)
    assert [v.id for v in ranked] == [1, 2, 3]


def test_groups_keep_the_input_order_of_their_first_member():
    # The caller's sort decides: here most cited first, so the pair sits where id 1 was.
    works = [
        w(5, "Most cited work of all here", year=2020, cited_by_count=100),
        w(1, "Second work title words", year=2019, type="preprint", cited_by_count=50),
        w(9, "Third work title words", year=2018, cited_by_count=10),
        w(2, "Second work title words", year=2020, type="article", cited_by_count=1),
    ]
    assert shape(group_versions(works)) == [[5], [2, 1], [9]]


def test_a_work_given_twice_is_kept_once():
    works = [w(1, "Duplicated row of a work", year=2020), w(1, "Duplicated row of a work",
             year=2020)]  # fmt: skip
    assert shape(group_versions(works)) == [[1]]


def test_the_result_does_not_depend_on_how_equal_versions_were_ordered():
    works = [
        w(i, "Same title for all of these", year=2020, type="article", cited_by_count=7)
        for i in range(1, 6)
    ]
    assert shape(group_versions(works)) == [[1, 2, 3, 4, 5]]
    assert shape(group_versions(list(reversed(works)))) == [[5, 4, 3, 2, 1]]


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("10.1000/ABC", "10.1000/abc"),
        ("https://doi.org/10.1000/abc", "10.1000/abc"),
        ("http://dx.doi.org/10.1000/abc".replace("http://", "https://"), "10.1000/abc"),
        ("doi:10.1000/abc ", "10.1000/abc"),
        ("", ""),
    ],
)
def test_dois_are_compared_without_case_or_resolver(raw, clean):
    assert normalise_doi(raw) == clean


def test_five_thousand_works_group_as_expected():
    rng = random.Random(15)
    works = []
    for n in range(2500):
        title = f"Finding number {n} about a subject"
        year = 1990 + n % 30
        works.append(w(2 * n, title, year=year, type="preprint", cited_by_count=rng.randint(0, 9)))
        works.append(w(2 * n + 1, title.upper(), year=year + 1, type="article"))
    rng.shuffle(works)
    groups = group_versions(works)
    assert len(groups) == 2500
    assert all(g.count == 2 and g.best.type == "article" for g in groups)
    assert {v.id for g in groups for v in g.versions} == set(range(5000))
