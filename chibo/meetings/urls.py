from django.urls import path

from chibo.meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.board, name="board"),
    path("board.xlsx", views.board_export, name="board_export"),
    path("plan/", views.plan, name="plan"),
    path("assign/<int:cell_id>/", views.assign, name="assign"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/hold/", views.hold, name="hold"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/minutes.docx", views.minutes_docx, name="minutes"),
    path("<int:pk>/score/self/", views.score_self, name="score_self"),
    path("<int:pk>/score/superior/", views.score_superior, name="score_superior"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
]
