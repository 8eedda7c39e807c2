from django.urls import path

from chibo.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.start, name="start"),
    path("sample.xlsx", views.sample, name="sample"),
    path("<int:pk>/", views.batch_page, name="batch"),
    path("<int:pk>/progress", views.progress, name="progress"),
    path("<int:pk>/mapping", views.mapping, name="mapping"),
    path("<int:pk>/confirm", views.confirm, name="confirm"),
    path("<int:pk>/errors.xlsx", views.error_report, name="errors"),
]
