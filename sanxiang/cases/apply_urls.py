from django.urls import path  # noqa: F401

app_name = "license_apply"
urlpatterns: list = []
