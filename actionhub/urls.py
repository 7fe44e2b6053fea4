from django.contrib import admin
from django.urls import include, path

from actionhub.core.views import robots_txt

urlpatterns = [
    path("robots.txt", robots_txt, name="robots"),
    path("admin/", admin.site.urls),
    path("organisers/", include("actionhub.staff.urls")),
    path("", include("actionhub.campaigns.urls")),
]
