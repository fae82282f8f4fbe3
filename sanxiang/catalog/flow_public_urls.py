"""Public pages of the flowcharts and document samples, mounted at /gongshi/ (PUB-07, PUB-08)."""

from django.urls import path

from sanxiang.catalog import views_flows

urlpatterns = [
    path("liucheng/", views_flows.flow_index, name="public-flow-index"),
    path("liucheng/<slug:key>/", views_flows.flow_detail, name="public-flow-detail"),
    path("liucheng/<slug:key>.svg", views_flows.flow_svg, name="public-flow-svg"),
    path("liucheng/<slug:key>.png", views_flows.flow_png, name="public-flow-png"),
    path("wenshu/", views_flows.document_index, name="public-document-index"),
    path("wenshu/<slug:code>/", views_flows.document_detail, name="public-document-detail"),
    path("wenshu/<slug:code>.docx", views_flows.document_docx, name="public-document-docx"),
]
