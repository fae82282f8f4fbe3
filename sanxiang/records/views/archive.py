"""Staff pages: archive."""

urlpatterns: list = []
