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


CURRENCY_SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}


@register.filter
def money(amount, currency):
    """A whole amount with its currency: £1,250 (or "CHF 1,250" for one without a symbol)."""
    if amount is None:
        return ""
    figure = f"{int(amount):,}"
    symbol = CURRENCY_SYMBOLS.get(currency)
    return f"{symbol}{figure}" if symbol else f"{currency} {figure}"
