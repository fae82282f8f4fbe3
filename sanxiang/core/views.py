"""Staff home page (one section per role the user holds). The public site's pages live in ``sanxiang.portal``.

Views stay thin: the reads live in ``sanxiang.org.selectors``, already scoped to the user.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext_noop

from sanxiang.org import selectors

from . import home_sections

# The default site name (settings.SANXIANG["SITE_NAME"]) is translated in templates with {% translate site_name %}.
DEFAULT_SITE_NAME = gettext_noop("行政执法综合管理监督信息系统")


@login_required
def home(request):
    context = selectors.home_sections(request.user)
    context["warning_days"] = settings.SANXIANG["CERTIFICATE_EXPIRY_WARNING_DAYS"]
    context["min_reviewer_percent"] = f"{settings.SANXIANG['MIN_REVIEWER_RATIO'] * 100:g}"
    context.update(home_sections.sections_for(request.user))
    return render(request, "core/home.html", context)

