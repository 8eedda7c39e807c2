from django.urls import path

from chibo.briefings import views

app_name = "briefings"
urlpatterns = [
    path("", views.conference_list, name="list"),
    path("new/", views.conference_new, name="new"),
    path("followup/", views.followup, name="followup"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/report/<int:cell_id>/", views.report, name="report"),
    path("<int:pk>/recommendations/new/", views.recommendation_new, name="recommendation_new"),
    path("<int:pk>/conclusions/new/", views.conclusion_new, name="conclusion_new"),
    path("<int:pk>/draft/<str:kind>.docx", views.draft, name="draft"),
    path("<int:pk>/issue/<str:kind>/", views.issue, name="issue"),
    path("<int:pk>/annex.xlsx", views.annex, name="annex"),
    path("recommendations/<int:pk>/answer/", views.answer, name="answer"),
    path("tasks/<int:pk>/progress/", views.progress, name="progress"),
    path("tasks/<int:pk>/close/", views.close_task, name="close_task"),
    path("papers/<int:pk>.docx", views.paper, name="paper"),
]
