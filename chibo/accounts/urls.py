from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from chibo.accounts import forms, views

app_name = "accounts"
urlpatterns = [
    path("login/", auth_views.LoginView.as_view(form_class=forms.LoginForm), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("tokens/new/", views.token_create, name="token_create"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path(
        "password_change/",
        auth_views.PasswordChangeView.as_view(
            form_class=forms.PasswordChangeForm,
            template_name="accounts/password_change.html",
            success_url=reverse_lazy("accounts:password_change_done"),
            extra_context={"nav": "account"},
        ),
        name="password_change",
    ),
    path(
        "password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/password_done.html",
            extra_context={"nav": "account", "title": "Đã đổi mật khẩu"},
        ),
        name="password_change_done",
    ),
    # The one-time link a board user makes for someone (no mail server is assumed).
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            form_class=forms.SetPasswordForm,
            template_name="accounts/password_reset.html",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_done.html",
            extra_context={"title": "Đã đặt mật khẩu mới", "login_link": True},
        ),
        name="password_reset_done",
    ),
    path("users/", views.users, name="users"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_detail, name="user"),
    path("users/<int:pk>/grants/new/", views.grant_create, name="grant_create"),
    path("users/<int:pk>/password-link/", views.password_link, name="password_link"),
    path("users/<int:pk>/2fa-reset/", views.two_factor_reset, name="two_factor_reset"),
    path("grants/<int:pk>/end/", views.grant_end, name="grant_end"),
    path("2fa/", views.two_factor, name="two_factor"),
    path("2fa/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("2fa/confirm/", views.two_factor_confirm, name="two_factor_confirm"),
    path("2fa/disable/", views.two_factor_disable, name="two_factor_disable"),
    path("2fa/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("lockouts/", views.lockouts, name="lockouts"),
    path("lockouts/unlock/", views.unlock, name="unlock"),
]
