from django.urls import path

from . import views

urlpatterns = [
    path("akun/", views.account, name="account"),
    path("akun/sandi/", views.PasswordChangeView.as_view(), name="password-change"),
    path("akun/token/", views.token_new, name="token-new"),
    path("akun/token/<int:pk>/cabut/", views.token_delete, name="token-delete"),
    path("akun/dua-langkah/", views.totp_setup, name="totp-setup"),
    path("akun/dua-langkah/matikan/", views.totp_off, name="totp-off"),
    path("masuk/kode/", views.login_code, name="login-code"),
    path("pengguna/", views.users, name="users"),
    path("pengguna/baru/", views.user_new, name="user-new"),
    path("pengguna/<int:pk>/", views.user_edit, name="user-edit"),
    path("pengguna/<int:pk>/sandi/", views.user_reset_password, name="user-password"),
    path("pengguna/<int:pk>/dua-langkah/", views.user_totp_reset, name="user-totp-reset"),
    path("audit/", views.audit_list, name="audit"),
    path("audit/unduh.csv", views.audit_export, name="audit-export"),
]
