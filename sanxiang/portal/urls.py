"""The public site's pages (公示平台), mounted at /gongshi/."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.public_home, name="public-home"),
    path("sousuo/", views.public_search, name="public-search"),
    path("qingdan/<slug:section>/", views.public_list, name="public-list"),
    path("jiucuo/", views.public_error_report, name="public-error-report"),
    path("jiucuo/xiexie/<str:token>/", views.public_error_report_thanks, name="public-error-report-thanks"),
    path("zhuti/<int:pk>/", views.public_agency, name="public-agency"),
    path("zhuti/<int:pk>/xiazai.xlsx", views.public_download, {"fmt": "xlsx"}, name="public-download-xlsx"),
    path("zhuti/<int:pk>/xiazai.json", views.public_download, {"fmt": "json"}, name="public-download-json"),
    path("zhuti/<int:pk>/<slug:section>/", views.public_agency_list, name="public-agency-list"),
    path("zhuti/<int:pk>/<slug:section>/xiazai.xlsx", views.public_download, {"fmt": "xlsx"},
         name="public-kind-download-xlsx"),
    path("zhuti/<int:pk>/<slug:section>/xiazai.json", views.public_download, {"fmt": "json"},
         name="public-kind-download-json"),
    path("zhuti/<int:pk>/<slug:section>/<str:code>/", views.public_entry, name="public-entry"),
]
