from django.urls import path, register_converter

from . import export, feeds, organiser_views, views
from .converters import AgendaDayConverter, AgendaMonthConverter, AgendaYearConverter

app_name = "agenda"

register_converter(AgendaYearConverter, "agenda_yyyy")
register_converter(AgendaMonthConverter, "agenda_mm")
register_converter(AgendaDayConverter, "agenda_dd")

urlpatterns = [
    path("", views.upcoming, name="index"),
    # Finding events (views.upcoming, month, week, day; filters in the query string)
    path("mois/", views.month_current, name="month_current"),
    path("mois/<agenda_yyyy:year>-<agenda_mm:month>/", views.month, name="month"),
    path("semaine/", views.week_current, name="week_current"),
    path("semaine/<agenda_yyyy:year>-<agenda_mm:month>-<agenda_dd:day>/", views.week, name="week"),
    path("jour/", views.day_current, name="day_current"),
    path("jour/<agenda_yyyy:year>-<agenda_mm:month>-<agenda_dd:day>/", views.day, name="day"),
    # The workflow: propose, edit, submit, cancel, my events
    path("proposer/", organiser_views.event_propose, name="propose"),
    path("mes-evenements/", organiser_views.my_events, name="my_events"),
    path("<int:pk>-<slug:slug>/modifier/", organiser_views.event_edit, name="edit"),
    path("<int:pk>-<slug:slug>/soumettre/", organiser_views.event_submit, name="submit"),
    path("<int:pk>-<slug:slug>/annuler/", organiser_views.event_cancel, name="cancel"),
    path("<int:pk>-<slug:slug>/", views.event_detail, name="event"),
    path("<int:pk>-<slug:slug>/participer/", views.event_rsvp, name="event_rsvp"),
    path(
        "<int:pk>-<slug:slug>/participants/",
        views.event_participants,
        name="event_participants",
    ),
    # Subscriptions and open data (feeds.py, export.py)
    path("flux.ics", feeds.agenda_feed, name="feed"),
    path("organisations/<slug:slug>.ics", feeds.organisation_feed, name="organisation_feed"),
    path("communes/<str:insee>.ics", feeds.commune_feed, name="commune_feed"),
    path("<int:pk>-<slug:slug>.ics", feeds.event_feed, name="event_ics"),
    path("export.csv", export.export_csv, name="export_csv"),
    path("export.json", export.export_json, name="export_json"),
]
