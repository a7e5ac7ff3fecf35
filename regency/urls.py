"""regency URLs."""

app_name = "regency"
urlpatterns: list = []
