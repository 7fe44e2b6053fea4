from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.generic import TemplateView

robots_txt = cache_control(max_age=86400, public=True)(
    TemplateView.as_view(template_name="robots.txt", content_type="text/plain")
)


def favicon(request):
    """Browsers ask for /favicon.ico on pages that name no icon (the admin's, for one)."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))
