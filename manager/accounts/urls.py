from django.contrib.auth import views as auth
from django.urls import path

from manager.accounts.forms import ThrottledAuthenticationForm

urlpatterns = [
    path(
        "login/",
        auth.LoginView.as_view(
            authentication_form=ThrottledAuthenticationForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("password/", auth.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth.PasswordChangeDoneView.as_view(), name="password_change_done"),
]
