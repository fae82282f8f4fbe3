"""API endpoints: archive."""

urlpatterns: list = []
