"""URL patterns (being written)."""

urlpatterns: list = []
