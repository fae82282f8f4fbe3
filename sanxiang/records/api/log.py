"""API endpoints: log."""

urlpatterns: list = []
