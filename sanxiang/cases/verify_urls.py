"""/gongshi/wenshu/yanzheng/: the public verification of an issued document (文书核验), reached by its QR code."""

from django.urls import path

from .views_documents import verify_detail

app_name = "document_verify"
urlpatterns = [
    path("<str:token>/", verify_detail, name="detail"),
]
