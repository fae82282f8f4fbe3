from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("agencies/", views.agency_list, name="agency-list"),
    path("agencies/<int:pk>/", views.agency_detail, name="agency-detail"),
    path("people/", views.person_list, name="person-list"),
    path("people/add/", views.person_add, name="person-add"),
    path("people/<int:pk>/", views.person_detail, name="person-detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person-edit"),
    path("people/<int:pk>/certificates/add/", views.certificate_issue, name="certificate-issue"),
    path("people/<int:pk>/trainings/add/", views.training_add, name="training-add"),
    path("people/<int:pk>/qualifications/add/", views.qualification_add, name="qualification-add"),
    path("certificates/<int:pk>/", views.certificate_detail, name="certificate-detail"),
    path("certificates/<int:pk>/status/", views.certificate_status, name="certificate-status"),
    path("certificates/<int:pk>/renew/", views.certificate_renew, name="certificate-renew"),
]
