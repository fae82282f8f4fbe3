from django.urls import path  # noqa: F401

app_name = "document_verify"
urlpatterns: list = []
