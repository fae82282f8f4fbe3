"""Public pages of the double-random draw (双随机抽查公示), mounted at /gongshi/choucha/."""

from django.urls import path

from . import views_draws as views

urlpatterns = [
    path("", views.public_draw_list, name="public-draw-index"),
    path("<int:pk>/", views.public_draw_detail, name="public-draw-detail"),
    path("<int:pk>/inputs.json", views.public_draw_inputs, name="public-draw-inputs"),
    path("<int:pk>/result.json", views.public_draw_result, name="public-draw-result"),
]
