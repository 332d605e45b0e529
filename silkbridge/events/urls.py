from django.urls import path

from silkbridge.events import views

app_name = "events"
urlpatterns = [
    path("events/", views.event_list, name="list"),
    path("events/new/", views.event_edit, name="create"),
    path("events/<slug:slug>/", views.event_detail, name="detail"),
    path("events/<slug:slug>/edit/", views.event_edit, name="edit"),
    path("events/<slug:slug>/programme/", views.programme, name="programme"),
    path("events/<slug:slug>/programme.ics", views.programme_ics, name="programme_ics"),
    path("events/<slug:slug>/programme/new/", views.session_edit, name="session_create"),
    path("events/<slug:slug>/programme/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("events/<slug:slug>/programme/<int:pk>/delete/", views.session_delete, name="session_delete"),
    path("events/<slug:slug>/register/", views.register, name="register"),
    path("events/<slug:slug>/register/cancel/", views.cancel_registration, name="cancel_registration"),
    path("events/<slug:slug>/directory/", views.directory, name="directory"),
    path("events/<slug:slug>/directory/<int:registration_id>/request/", views.request_meeting, name="request"),
    path("events/<slug:slug>/requests/", views.my_requests, name="requests"),
    path("events/<slug:slug>/requests/<int:pk>/answer/", views.answer_request, name="answer"),
    path("events/<slug:slug>/requests/<int:pk>/book/", views.book_meeting, name="book"),
    path("events/<slug:slug>/agenda/", views.agenda_page, name="agenda"),
    path("events/<slug:slug>/agenda.ics", views.agenda_ics, name="agenda_ics"),
    path("events/<slug:slug>/agenda/<int:pk>/feedback/", views.meeting_feedback, name="feedback"),
    path("events/<slug:slug>/report/", views.event_report, name="report"),
    path("events/<slug:slug>/report.csv", views.event_report_csv, name="report_csv"),
    path("events/<slug:slug>/registrations/", views.registrations, name="registrations"),
    path("events/<slug:slug>/delegations/", views.delegations, name="delegations"),
    path("events/<slug:slug>/delegations/join/<str:token>/", views.join_delegation, name="join_delegation"),
    path("events/<slug:slug>/delegations/<int:pk>/", views.delegation_detail, name="delegation"),
    path(
        "events/<slug:slug>/delegations/<int:pk>/members/<int:registration_id>/remove/",
        views.remove_delegation_member,
        name="remove_member",
    ),
    path("events/<slug:slug>/schedule/", views.schedule, name="schedule"),
    path("events/<slug:slug>/schedule/run/", views.run_schedule, name="run_schedule"),
    path("events/<slug:slug>/schedule/publish/", views.publish, name="publish"),
    path("events/<slug:slug>/schedule/requests/<int:pk>/place/", views.place_request, name="place"),
    path("events/<slug:slug>/schedule/meetings/<int:pk>/", views.meeting_edit, name="meeting"),
    path("events/<slug:slug>/schedule/meetings/<int:pk>/<slug:action>/", views.meeting_action, name="meeting_action"),
]
