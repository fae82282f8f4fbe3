from . import request_context


class RequestContextMiddleware:
    """Gives each request an id (echoed in ``X-Request-ID``) that audit events carry."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        acceptable = incoming.isascii() and incoming.isalnum() and len(incoming) <= 64
        request_id = incoming if acceptable else request_context.new_request_id()
        context = request_context.RequestContext(
            request_id=request_id, client_address=request.META.get("REMOTE_ADDR", "")
        )
        request.request_id = request_id
        token = request_context.bind(context)
        try:
            response = self.get_response(request)
        finally:
            request_context.reset(token)
        response["X-Request-ID"] = request_id
        return response


class ChineseFirstMiddleware:
    """Chinese first for users: the browser's Accept-Language is ignored, so the UI is zh-hans unless
    the user chose English with the language switch (kept in Django's language cookie).

    Sits before LocaleMiddleware. ``SANXIANG_HONOUR_ACCEPT_LANGUAGE=1`` turns it off.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
