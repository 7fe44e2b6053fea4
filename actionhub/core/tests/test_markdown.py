"""Text someone typed, put into campaign Markdown, shows exactly as typed."""

import pytest

from actionhub.core.markdown import markdown_escape, render_markdown_uncached


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("[Donate](https://elsewhere.example)", "[Donate](https://elsewhere.example)"),
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("Fish & chips", "Fish &amp; chips"),
        ("*not bold* _nor this_", "*not bold* _nor this_"),
        ("# not a heading", "# not a heading"),
        ("1. not a list", "1. not a list"),
        ("Back\\slash", "Back\\slash"),
        ("קהילת שלום", "קהילת שלום"),
    ],
)
def test_typed_text_is_shown_as_typed(typed, shown):
    assert render_markdown_uncached(markdown_escape(typed)) == f"<p>{shown}</p>"
