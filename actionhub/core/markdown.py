"""Markdown for campaign content: rendered with Python-Markdown, then sanitised with nh3.

Content is written by organisers, but a staff account can be stolen: nothing in it may become
a script, a style or a request to another site.
"""

import re
from functools import lru_cache

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "dd", "dl", "dt", "em", "h2", "h3", "h4", "hr",
    "li", "ol", "p", "pre", "strong", "sub", "sup", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "ol": {"start"}}


HEADING_TAG = re.compile(r"<(/?)h([1-6])>")


@lru_cache(maxsize=512)
def render_markdown(text: str, heading_offset: int = 0) -> SafeString:
    """Render `text`; headings move down `heading_offset` levels to nest inside a section.
    Kept for the pages' own content; a draft being previewed uses render_markdown_uncached."""
    return render_markdown_uncached(text, heading_offset)


def render_markdown_uncached(text: str, heading_offset: int = 0) -> SafeString:
    html = markdown_lib.markdown(
        text or "", extensions=["sane_lists", "smarty"], output_format="html"
    )
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    if heading_offset:
        cleaned = HEADING_TAG.sub(
            lambda m: f"<{m[1]}h{min(6, int(m[2]) + heading_offset)}>", cleaned
        )
    return mark_safe(cleaned)  # noqa: S308  (sanitised by nh3 above)


# Python-Markdown's backslash escapes; "<" and "&" become entities, or they would be HTML.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!>|])")


def markdown_escape(text: str) -> str:
    """Text someone typed, to put into Markdown so that it shows exactly as typed."""
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)
