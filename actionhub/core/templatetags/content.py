from django import template

from actionhub.core.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text, heading_offset=0):
    return render_markdown(text or "", int(heading_offset))


@register.filter
def paragraphs(text):
    """Split plain text into paragraphs at blank lines."""
    return [block.strip() for block in (text or "").split("\n\n") if block.strip()]
