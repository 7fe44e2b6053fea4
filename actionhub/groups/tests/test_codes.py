"""Group codes: typed from posters and read aloud, so case and look-alikes must not matter."""

import pytest

from actionhub.groups.codes import (
    UNAMBIGUOUS,
    CodeProblem,
    code_check,
    code_key,
    code_normalise,
    code_suggest,
)
from actionhub.groups.services import CodeTaken, group_code_choose
from actionhub.groups.tests.factories import GroupFactory


def test_a_typed_code_is_trimmed_lower_cased_and_spaced_with_hyphens():
    assert code_normalise("  Hampstead Shul ") == "hampstead-shul"
    assert code_normalise("HAMPSTEAD_shul") == "hampstead-shul"


@pytest.mark.parametrize(
    "look_alike",
    ["hampstead-shu1", "hampstead-shuI", "hampsteadshul", "HAMPSTEAD-SHUL", "harnpstead-shul"],
)
def test_look_alike_codes_have_the_same_key(look_alike):
    assert code_key(code_normalise(look_alike)) == code_key("hampstead-shul")


@pytest.mark.parametrize(("one", "other"), [("bar-new", "barn-ew"), ("r-n-shul", "m-shul"),
                                           ("v-v-shul", "w-shul")])  # fmt: skip
def test_hyphens_placed_anywhere_do_not_make_a_code_different(one, other):
    assert code_key(one) == code_key(other)


def test_different_codes_have_different_keys():
    assert code_key("hampstead-shul") != code_key("hendon-shul")


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("shul!", "letters a to z"),
        ("שלום", "letters a to z"),
        ("café", "letters a to z"),
        ("ab", "between 3 and 30"),
        ("a" * 31, "between 3 and 30"),
        ("admin", "site’s own use"),
        ("-shul", "letters a to z"),
        ("shul--youth", "letters a to z"),
    ],
)
def test_a_code_of_the_wrong_shape_is_refused_saying_why(typed, why):
    with pytest.raises(CodeProblem, match=why):
        code_check(typed)


def test_a_code_one_look_alike_from_another_groups_is_refused_with_a_free_suggestion(campaign):
    GroupFactory(code="hampstead-shul")
    with pytest.raises(CodeTaken) as taken:
        group_code_choose(typed="Hampstead-Shu1", name="Hampstead", area="London")
    suggestion = str(taken.value).split("Try ")[1].split(",")[0]
    assert code_key(suggestion) != code_key("hampstead-shul")
    assert code_check(suggestion) == suggestion


def test_a_blank_code_gets_a_suggestion_from_the_name_then_the_area(campaign):
    assert group_code_choose(typed="", name="Hendon Youth", area="Hendon") == "hendon-youth"
    GroupFactory(code="hendon-youth")
    assert group_code_choose(typed=" ", name="Hendon Youth", area="Hendon") == (
        "hendon-youth-hendon"
    )


def test_a_name_in_another_script_gets_a_code_without_look_alike_characters(campaign):
    code = group_code_choose(typed="", name="קהילת שלום", area="")
    assert code.startswith("group-")
    assert set(code.removeprefix("group-")) <= set(UNAMBIGUOUS)


def test_a_long_name_is_cut_at_a_word(campaign):
    code = code_suggest(
        name="The North London Progressive Jewish Community Youth Society", area="",
        taken=lambda key: False,
    )  # fmt: skip
    assert len(code) <= 24
    assert code == "the-north-london"
