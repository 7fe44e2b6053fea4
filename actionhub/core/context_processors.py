from django.conf import settings

from actionhub.core.page_cache import for_visitor


def site(request):
    return {
        "site_name": settings.SITE_NAME,
        "data_protection_email": settings.DATA_PROTECTION_EMAIL,
    }


def visitor_tokens(request):
    """In a page rendered for the cache, {% csrf_token %} writes a placeholder: Django's own
    context processor runs first, so this one's value is the one templates see."""
    if getattr(request, "renders_for_cache", False):
        return {"csrf_token": for_visitor(request, "csrf")}
    return {}
