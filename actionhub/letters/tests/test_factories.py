from actionhub.letters.tests.factories import LetterFactory


def test_the_letter_factory_builds_a_valid_letter(campaign):
    letter = LetterFactory()
    letter.full_clean()
    assert letter.mp.constituency == letter.constituency
