"""The profile headline: the owner's words, or a line built only from facts on the record."""

import pytest

from profiles.headline import (
    Affiliation,
    TopicCount,
    affiliations_clause,
    factual_headline,
    profile_headline,
    topics_clause,
)


def test_a_dominant_topic_is_said_to_be_mostly_what_they_work_on():
    topics = [TopicCount("Graph theory", 6), TopicCount("Optimisation", 3)]
    assert topics_clause(topics, works_count=10) == "Works mostly on Graph theory and Optimisation"


def test_without_a_majority_topic_the_line_says_most_often():
    # 4 and 3 of 10 works: together they may or may not be most of them, so no "mostly".
    topics = [TopicCount("Graph theory", 4), TopicCount("Optimisation", 3)]
    assert (
        topics_clause(topics, works_count=10) == "Works most often on Graph theory and Optimisation"
    )


def test_exactly_half_is_mostly():
    assert topics_clause([TopicCount("Ecology", 5)], works_count=10) == "Works mostly on Ecology"


def test_topics_are_named_most_frequent_first_at_most_two():
    topics = [TopicCount("C", 2), TopicCount("A", 9), TopicCount("B", 5), TopicCount("D", 4)]
    assert topics_clause(topics, works_count=18) == "Works mostly on A and B"


def test_ties_are_broken_by_name_so_the_line_is_stable():
    topics = [TopicCount("zeta", 3), TopicCount("Alpha", 3), TopicCount("beta", 3)]
    assert topics_clause(topics, works_count=30) == "Works most often on Alpha and beta"


def test_a_topic_on_a_single_work_is_not_named():
    assert topics_clause([TopicCount("Once", 1)], works_count=1) == ""
    assert (
        topics_clause([TopicCount("Twice", 2), TopicCount("Once", 1)], works_count=3)
        == "Works mostly on Twice"
    )


def test_blank_topic_names_and_no_works_give_nothing():
    assert topics_clause([TopicCount("  ", 9)], works_count=10) == ""
    assert topics_clause([TopicCount("Ecology", 3)], works_count=0) == ""


def test_affiliations_name_the_first_year_when_known():
    assert affiliations_clause([Affiliation("Uni A", 2019)]) == "at Uni A since 2019"
    assert affiliations_clause([Affiliation("Uni A")]) == "at Uni A"
    assert (
        affiliations_clause([Affiliation("Uni A", 2019), Affiliation("Lab B"), Affiliation("C")])
        == "at Uni A since 2019 and Lab B"
    )
    assert affiliations_clause([Affiliation(" ")]) == ""


def test_the_full_line_joins_topics_and_place():
    line = factual_headline(
        topics=[TopicCount("Graph theory", 6), TopicCount("Optimisation", 3)],
        works_count=10,
        affiliations=[Affiliation("Example University", 2019)],
    )
    assert (
        line == "Works mostly on Graph theory and Optimisation; at Example University since 2019."
    )


def test_a_place_alone_is_a_sentence_of_its_own():
    line = factual_headline(topics=[], works_count=0, affiliations=[Affiliation("Uni A", 2001)])
    assert line == "At Uni A since 2001."


def test_too_little_data_gives_no_headline():
    assert factual_headline(topics=[TopicCount("Once", 1)], works_count=1, affiliations=[]) == ""
    assert factual_headline(topics=[], works_count=0, affiliations=[]) == ""


@pytest.mark.parametrize("has_owner", [True, False])
def test_the_owners_words_win_only_when_there_is_an_owner(has_owner):
    facts = {"topics": [TopicCount("Ecology", 4)], "works_count": 4}
    shown = profile_headline(owner_headline="  I study\nbees. ", has_owner=has_owner, **facts)
    assert shown == ("I study bees." if has_owner else "Works mostly on Ecology.")


def test_an_owner_without_words_gets_the_factual_line():
    shown = profile_headline(
        owner_headline=" ", has_owner=True, topics=[TopicCount("Ecology", 4)], works_count=4
    )
    assert shown == "Works mostly on Ecology."
