from django.urls import path

from chibo.reports import views, views_monthly

app_name = "reports"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("monthly/", views_monthly.page, name="monthly"),
    path("monthly.xlsx", views_monthly.as_xlsx, name="monthly_xlsx"),
    path("monthly.docx", views_monthly.as_docx, name="monthly_docx"),
]
