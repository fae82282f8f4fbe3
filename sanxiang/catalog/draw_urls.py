"""Staff pages of the double-random draw (双随机抽查), mounted at /catalog/draws/."""

from django.urls import path

from . import views_draws as views

urlpatterns = [
    path("", views.draw_list, name="catalog-draw-list"),
    path("new/", views.draw_announce, name="catalog-draw-announce"),
    path("<int:pk>/", views.draw_detail, name="catalog-draw-detail"),
    path("<int:pk>/perform/", views.draw_perform, name="catalog-draw-perform"),
    path("<int:pk>/cancel/", views.draw_cancel, name="catalog-draw-cancel"),
    path("subjects/", views.subject_list, name="catalog-draw-subjects"),
    path("subjects/add/", views.subject_add, name="catalog-draw-subject-add"),
    path("subjects/import/", views.subject_import, name="catalog-draw-subject-import"),
    path("conflicts/", views.conflict_list, name="catalog-draw-conflicts"),
    path("conflicts/add/", views.conflict_add, name="catalog-draw-conflict-add"),
]
