from django.conf import settings


def site(request):
    return {"site_name": settings.SANXIANG["SITE_NAME"]}
