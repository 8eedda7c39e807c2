from django.urls import path

from chibo.rules import views

app_name = "rules"
urlpatterns = [
    path("", views.alerts, name="alerts"),
    path("dismiss/", views.dismiss, name="dismiss"),
    path("calendar/", views.calendar, name="calendar"),
    path("basis/", views.basis_page, name="basis"),
]
