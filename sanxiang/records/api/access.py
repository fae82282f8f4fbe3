"""API endpoints: access."""

urlpatterns: list = []
