"""/cases/: the staff pages of case handling (办案), and the documents pages of ``views_documents``."""

from django.urls import path, re_path

from . import views, views_documents

app_name = "cases"
SIDE_ACTIONS = "|".join(views.SIDE_ACTIONS)
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.register, name="register"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/step/<slug:target>/", views.step, name="step"),
    path("<int:pk>/correct/<int:record_pk>/", views.correct, name="correct"),
    re_path(rf"^(?P<pk>[0-9]+)/(?P<action>{SIDE_ACTIONS})/$", views.side_action, name="side-action"),
]

# The documents pages (cases:document-list, document-issue, document-download, template-*) live under the same
# prefix; they come first so that "<pk>/documents/" is theirs, not a side action.
urlpatterns = [*views_documents.urlpatterns, *urlpatterns]
