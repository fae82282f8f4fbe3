"""Public officer list and certificate verification, mounted at /gongshi/ (PUB-03, PUB-11).

The print pages (certificate back, post cards) sit beside them but require a signed-in user.
"""

from django.urls import path

from . import officers

urlpatterns = [
    path("renyuan/", officers.public_officers, name="public-officers"),
    path("zhengjian/", officers.public_certificate_check, name="public-certificate-check"),
    path("zhengjian/<str:number>/", officers.public_certificate, name="public-certificate"),
    path("zhengjian/<str:number>/qr.svg", officers.public_certificate_qr, name="public-certificate-qr"),
    path("zhengjian/<str:number>/print/", officers.certificate_print, name="public-certificate-print"),
    path("gangwei/<int:agency_id>/", officers.post_cards, name="public-post-cards"),
]
