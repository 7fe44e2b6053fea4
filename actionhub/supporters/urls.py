from django.urls import path

from actionhub.supporters import views
from actionhub.supporters.models import Consent

urlpatterns = [
    path("unsubscribe/<str:token>/", views.unsubscribe, name="supporter-unsubscribe"),
    path(
        "unsubscribe/group-leaders/<str:token>/",
        views.unsubscribe,
        {"purpose": Consent.Purpose.GROUP_NEWS},
        name="supporter-unsubscribe-group-news",
    ),
    path("erase-my-details/", views.erase_request, name="supporter-erase-request"),
    path("erase-my-details/sent/", views.erase_requested, name="supporter-erase-requested"),
    path("erase-my-details/<str:token>/", views.erase, name="supporter-erase"),
]
