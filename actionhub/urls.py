from django.contrib import admin
from django.urls import include, path

from actionhub.core.views import favicon, robots_txt

handler500 = "actionhub.core.views.server_error"

urlpatterns = [
    path("robots.txt", robots_txt, name="robots"),
    path("favicon.ico", favicon),
    path("admin/", admin.site.urls),
    path("organisers/", include("actionhub.staff.urls")),
    path("supporters/", include("actionhub.supporters.urls")),
    path("your-data/", include("actionhub.rights.urls")),
    path("", include("actionhub.pledges.urls")),
    path("", include("actionhub.letters.urls")),
    path("", include("actionhub.events.urls")),
    path("", include("actionhub.brands.urls")),
    path("", include("actionhub.groups.urls")),
    path("", include("actionhub.campaigns.urls")),
]
