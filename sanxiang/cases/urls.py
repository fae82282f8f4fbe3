"""/cases/: the staff pages of case handling (办案). Document pages are added by ``views_documents`` when present."""

from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.register, name="register"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/step/<slug:target>/", views.step, name="step"),
    path("<int:pk>/correct/<int:record_pk>/", views.correct, name="correct"),
    path("<int:pk>/<slug:action>/", views.side_action, name="side-action"),
]

try:  # the documents pages (helper D's module) live under the same prefix
    from .views_documents import urlpatterns as _document_urls
except ImportError:
    _document_urls = []
urlpatterns = [*_document_urls, *urlpatterns]
