"""/api/v1/cases/: the case API (办案接口) — see :mod:`sanxiang.cases.api.views` and :mod:`sanxiang.cases.api.errors`."""

from django.urls import path

from . import views

app_name = "cases_api"

urlpatterns = [
    path("", views.CaseListView.as_view(), name="list"),
    path("<int:pk>/", views.CaseDetailView.as_view(), name="detail"),
    path("<int:pk>/timeline/", views.CaseTimelineView.as_view(), name="timeline"),
    path("<int:pk>/steps/", views.CaseStepView.as_view(), name="steps"),
    path("<int:pk>/steps/<str:target>/form/", views.StepFormView.as_view(), name="step-form"),
    *[path(f"<int:pk>/actions/{name}/", view.as_view(), name=f"action-{name}") for name, view in views.ACTION_VIEWS.items()],
]
