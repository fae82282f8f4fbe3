"""/catalog/: staff pages of the catalogs (清单维护, PUB-10). The draws have their own pages under /catalog/draws/."""

from django.urls import path

from .views import decisions, editing, inbox, pages, transfer

urlpatterns = [
    path("", pages.home, name="catalog-home"),
    path("new/<str:kind>/", editing.entry_add, name="catalog-entry-add"),
    path("entries/<int:pk>/", pages.entry_detail, name="catalog-entry"),
    path("entries/<int:pk>/new-version/", editing.version_add, name="catalog-version-add"),
    path("entries/<int:pk>/repeal/", decisions.entry_repeal, name="catalog-entry-repeal"),
    path("versions/<int:pk>/", pages.version_detail, name="catalog-version"),
    path("versions/<int:pk>/edit/", editing.version_edit, name="catalog-version-edit"),
    path("versions/<int:pk>/submit/", decisions.version_submit, name="catalog-version-submit"),
    path("versions/<int:pk>/approve/", decisions.version_approve, name="catalog-version-approve"),
    path("versions/<int:pk>/return/", decisions.version_return, name="catalog-version-return"),
    path("import/", transfer.import_page, name="catalog-import"),
    path("import/example.xlsx", transfer.import_example, name="catalog-import-example"),
    path("export/", transfer.export, name="catalog-export"),
    path("errors/", inbox.error_list, name="catalog-error-list"),
    path("errors/<int:pk>/", inbox.error_detail, name="catalog-error"),
]
