"""One rule for names and one-line text on every form: any script, nothing unseen."""

import pytest
from django import forms

from actionhub.core.text import person_name, single_line, subject_line

RIGHT_TO_LEFT_OVERRIDE = "\u202e"


@pytest.mark.parametrize(
    "name",
    ["Miriam", "张伟", "ئۇيغۇر", "Zoë", "नमस्ते", "می\u200cخواهم", "O'Brien-Smith", "Dilnur A."],
)
def test_names_in_any_script_are_kept(name):
    assert person_name(f"  {name}  ", "Your name") == name


@pytest.mark.parametrize(
    "typed",
    [f"{RIGHT_TO_LEFT_OVERRIDE}gpj.exe", "Mir\u200biam", "Miriam\r\nBcc: x@example.org",
     "Miriam\x00", "Miri\u2066am\u2069", "\ue000"],
)  # fmt: skip
def test_unseen_and_line_breaking_characters_are_refused(typed):
    with pytest.raises(forms.ValidationError, match="must be on one line"):
        person_name(typed, "Your name")
    with pytest.raises(forms.ValidationError, match="must be on one line"):
        single_line(typed, "The subject")


@pytest.mark.parametrize("typed", ["🙂🙂", "1234", "!!!", "—"])
def test_a_name_needs_a_letter(typed):
    with pytest.raises(forms.ValidationError, match="Enter your name using letters"):
        person_name(typed, "Your name")
    assert single_line(typed, "One line") == typed  # one line may be anything visible


@pytest.mark.parametrize("typed", ["🙂🙂", "!!!", "—", "🇺🇳 ✊"])
def test_a_subject_needs_a_word_or_a_number(typed):
    with pytest.raises(forms.ValidationError, match="Write the subject in words, not only emoji"):
        subject_line(typed, "The subject")


@pytest.mark.parametrize("typed", ["Uyghurs 🙂", "2026", "请行动", "Act now!"])
def test_a_subject_with_words_is_kept_emoji_and_all(typed):
    assert subject_line(f" {typed} ", "The subject") == typed


def test_a_blank_optional_name_stays_blank():
    assert person_name("   ", "Your last name") == ""
