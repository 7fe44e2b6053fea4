from django.urls import path

from actionhub.groups import views

urlpatterns = [
    path("groups/", views.groups, name="groups"),
    path("groups/register/", views.register, name="group-register"),
    path("groups/register/check-your-email/", views.check_email, name="group-check-email"),
    path("groups/confirm/<str:token>/", views.confirm, name="group-confirm"),
    path("groups/your-link/", views.link_request, name="group-link-request"),
    path("groups/your-link/sent/", views.link_sent, name="group-link-sent"),
    path("groups/page/<str:token>/", views.page, name="group-page"),
    path("groups/page/<str:token>/steps/", views.page_steps, name="group-page-steps"),
    path("groups/page/<str:token>/listing/", views.page_listing, name="group-page-listing"),
    path("groups/page/<str:token>/news/", views.page_news, name="group-page-news"),
    path("groups/page/<str:token>/invite/", views.page_invite, name="group-page-invite"),
    path("groups/page/<str:token>/event/", views.page_event, name="group-page-event"),
    path(
        "groups/page/<str:token>/leaders/<int:pk>/remove/",
        views.page_leader_remove,
        name="group-page-leader-remove",
    ),
    path("groups/page/<str:token>/<str:name>", views.page_material, name="group-material"),
    path("g/<str:code>/", views.short_link, name="group-short"),
    path("g/<str:code>/<slug:action>/", views.short_link, name="group-link"),
]
