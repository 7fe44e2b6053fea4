from django.urls import path

from actionhub.supporters import views

urlpatterns = [
    path("unsubscribe/<str:token>/", views.unsubscribe, name="supporter-unsubscribe"),
    path("erase-my-details/", views.erase_request, name="supporter-erase-request"),
    path("erase-my-details/sent/", views.erase_requested, name="supporter-erase-requested"),
    path("erase-my-details/<str:token>/", views.erase, name="supporter-erase"),
]
