"""Staff pages: devices."""

urlpatterns: list = []
