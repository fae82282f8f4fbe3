"""Staff pages: access."""

urlpatterns: list = []
