"""Accounts URLs: two-factor sign-in."""

app_name = "accounts"
urlpatterns: list = []
