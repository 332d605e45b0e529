from django.urls import path

from silkbridge.portal import views

app_name = "portal"
urlpatterns = [
    path("countries/<str:code>/", views.country_detail, name="country"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation"),
    path("search/", views.search, name="search"),
    path("search/exposure/", views.exposure, name="exposure"),
]
