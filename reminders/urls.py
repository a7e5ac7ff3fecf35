"""reminders URLs."""

app_name = "reminders"
urlpatterns: list = []
