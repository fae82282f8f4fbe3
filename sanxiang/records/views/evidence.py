"""Staff pages: evidence."""

urlpatterns: list = []
