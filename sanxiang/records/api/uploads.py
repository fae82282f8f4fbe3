"""API endpoints: uploads."""

urlpatterns: list = []
