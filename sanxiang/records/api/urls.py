"""/api/v1/records/: each module of this package contributes its own ``urlpatterns``."""

from . import access, archive, devices, log, retention, uploads

urlpatterns = [*log.urlpatterns, *uploads.urlpatterns, *access.urlpatterns, *devices.urlpatterns, *archive.urlpatterns,
               *retention.urlpatterns]
