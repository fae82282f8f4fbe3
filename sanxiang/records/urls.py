"""/records/: staff pages of the record store; each module of ``views`` contributes its own ``urlpatterns``."""

from .views import access, archive, devices, evidence, retention

app_name = "records"
urlpatterns = [*evidence.urlpatterns, *access.urlpatterns, *devices.urlpatterns, *archive.urlpatterns, *retention.urlpatterns]
