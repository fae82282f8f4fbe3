"""Public online licence applications (网上申请行政许可, SYS-06), mounted at /gongshi/shenqing/."""

from django.urls import path

from . import views_apply

app_name = "license_apply"
urlpatterns = [
    path("", views_apply.apply, name="apply"),
    path("chaxun/", views_apply.track, name="track"),
]
