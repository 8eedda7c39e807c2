from django.urls import path

from chibo.audit import views

app_name = "audit"
urlpatterns = [
    path("<str:kind>/<int:pk>/", views.object_history, name="history"),
]
