"""jobs URLs."""

app_name = "jobs"
urlpatterns: list = []
