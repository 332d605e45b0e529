from django.urls import path

from silkbridge.portal import views

app_name = "portal"
urlpatterns = [
    path("countries/<str:code>/", views.country_detail, name="country"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation"),
    path("organisations/<int:pk>/ask-editor-rights/", views.ask_editor_rights, name="ask_editor_rights"),
    path("account/", views.account, name="account"),
    path("account/editor-requests/<int:pk>/", views.decide_editor_request, name="decide_editor_request"),
    path("search/", views.search, name="search"),
    path("search/exposure/", views.exposure, name="exposure"),
]
