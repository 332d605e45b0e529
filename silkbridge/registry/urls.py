from django.urls import path

from silkbridge.registry import views

app_name = "registry"
urlpatterns = [
    path("countries/", views.country_list, name="countries"),
    path("fields/", views.field_list, name="fields"),
    path("organisations/", views.organisation_list, name="organisations"),
    path("organisations/duplicates/", views.organisation_duplicates, name="organisation_duplicates"),
    path("organisations/<int:pk>/merge/<int:other>/", views.organisation_merge, name="organisation_merge"),
    path("organisations/merges/<int:entry>/undo/", views.organisation_unmerge, name="organisation_unmerge"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<int:pk>/delete/", views.organisation_delete, name="organisation_delete"),
    path("organisations/<int:pk>/history/", views.organisation_history, name="organisation_history"),
    path("experts/", views.expert_list, name="experts"),
    path("experts/new/", views.expert_create, name="expert_create"),
    path("experts/<int:pk>/", views.expert_detail, name="expert"),
    path("experts/<int:pk>/edit/", views.expert_edit, name="expert_edit"),
    path("experts/<int:pk>/delete/", views.expert_delete, name="expert_delete"),
    path("experts/<int:pk>/contact/", views.expert_contact, name="expert_contact"),
]
