import pytest

from works.names import display_form, fold, name_keys, query_keys


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("Haris, Muhammad", "Muhammad Haris"),
        ("Muhammad Haris", "Muhammad Haris"),
        ("  Monier ,  Frédéric ", "Frédéric Monier"),
        ("Smith, Jr.", "Smith, Jr."),
        ("A, B, C", "A, B, C"),
        ("", ""),
    ],
)
def test_display_form_puts_the_given_name_first(stored, shown):
    assert display_form(stored) == shown


def test_fold_strips_accents_case_and_punctuation():
    assert fold("Frédéric  MONIER") == "frederic monier"
    assert fold("Łukasz Øster-Müller") == "lukasz oster muller"
    assert fold("O'Brien") == "obrien"


@pytest.mark.parametrize(
    "query",
    ["Frederic Monier", "Monier Frederic", "Monier, Frédéric", "F. Monier", "F Monier", "monier f"],
)
def test_every_way_of_writing_a_name_meets_the_record(query):
    assert query_keys(query) & name_keys("Frédéric Monier")


def test_initials_of_a_different_person_do_not_meet():
    assert not query_keys("G. Monier") & name_keys("Frédéric Monier")
    assert not query_keys("Frederic Monet") & name_keys("Frédéric Monier")


def test_empty_names_have_no_keys():
    assert name_keys("") == set()
    assert query_keys(" , . ") == set()
