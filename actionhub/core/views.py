from django.views.decorators.cache import cache_control
from django.views.generic import TemplateView

robots_txt = cache_control(max_age=86400, public=True)(
    TemplateView.as_view(template_name="robots.txt", content_type="text/plain")
)
