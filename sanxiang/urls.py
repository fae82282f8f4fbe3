from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from sanxiang.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(
        redirect_authenticated_user=True,
        extra_context={"site_name": settings.SANXIANG["SITE_NAME"]},  # not the Sites framework's domain name
    ), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("org/", include("sanxiang.org.urls")),
    path("catalog/draws/", include("sanxiang.catalog.draw_urls")),
    path("catalog/", include("sanxiang.catalog.urls")),
    path("cases/", include("sanxiang.cases.urls")),
    path("api/v1/cases/", include("sanxiang.cases.api.urls")),
    path("gongshi/wenshu/yanzheng/", include("sanxiang.cases.verify_urls")),
    path("gongshi/shenqing/", include("sanxiang.cases.apply_urls")),
    path("gongshi/choucha/", include("sanxiang.catalog.draw_public_urls")),
    path("gongshi/", include("sanxiang.catalog.flow_public_urls")),
    path("gongshi/", include("sanxiang.portal.officer_urls")),
    path("gongshi/", include("sanxiang.portal.urls")),
    path("records/", include("sanxiang.records.urls")),
    path("api/v1/records/", include("sanxiang.records.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("admin/", admin.site.urls),
]

admin.site.site_header = settings.SANXIANG["SITE_NAME"]
admin.site.site_title = settings.SANXIANG["SITE_NAME"]
