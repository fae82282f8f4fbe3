"""API endpoints: devices."""

urlpatterns: list = []
