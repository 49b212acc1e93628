from django.contrib import admin
from django.urls import include, path

from courseapp.views import accounts

urlpatterns = [
    # Setting a password from a mailed link also confirms the address: ours, before Django's of the same name.
    path("accounts/reset/<uidb64>/<token>/", accounts.PasswordSetView.as_view(), name="password_reset_confirm"),
    path("accounts/confirm/<uidb64>/<token>/", accounts.email_confirm_view, name="email_confirm"),
    path("accounts/confirm/send/", accounts.email_confirmation_send_view, name="email_confirmation_send"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("", include("courseapp.urls")),
]

handler400 = "courseapp.views.errors.bad_request"
