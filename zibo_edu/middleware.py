from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header

from zibo_edu.lib.params import BadParameter, is_checked_by_its_app

API = "/api/"


class ChineseFirstLocaleMiddleware:
    """Activate the language the user chose (cookie), else simplified Chinese; on the JSON API
    the one its client's Accept-Language asks for.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so a bureau PC with an
    English browser would get English pages. Here English is only ever an explicit choice, made
    through the language switch in the page header (django.views.i18n.set_language).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API):
            language = self.asked(request)
        else:
            chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
            language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response

    def asked(self, request: HttpRequest) -> str:
        """The JSON API answers in the language its client asks for (Accept-Language: a program
        has no header switch), every message of one answer in it; English, the schema's
        language, when it asks for neither of ours."""
        header = request.headers.get("Accept-Language", "")
        for code, _quality in parse_accept_lang_header(header):
            code = code.lower()
            if code.startswith("zh") and not code.startswith(("zh-hant", "zh-tw", "zh-hk")):
                return "zh-hans"
            if code.split("-")[0] == "en":
                return "en"
        return "en"


class PermissionsPolicyMiddleware:
    """Permissions-Policy on every response: the app uses no camera, microphone, location,
    payment or sensors, so no page (nor anything injected into one) may ask for them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.value = ", ".join(f"{feature}=()" for feature in settings.ZIBO_PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.value)
        return response


class RefuseNulMiddleware:
    """A NUL character in a query string or a form field is refused with a 400 naming the
    parameter, on every page at once: PostgreSQL stores no NUL in text, so a filter or a field
    holding one could only end in a 500 further on. The JSON API refuses NUL itself, naming the
    field in its own JSON answer. A form's fields are read here, as the view would read them
    (an uploaded file is not a field: its content is the upload page's to check). A query
    parameter an app checks whole with its own rule (`params.checked_by_its_app`, e.g. the plans
    app's `?plan=`) is left to that rule."""

    FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            sources = [request.GET]
            if request.method == "POST" and request.content_type in self.FORMS:
                sources.append(request.POST)
            for source in sources:
                for name, values in source.lists():
                    if source is request.GET and is_checked_by_its_app(name):
                        continue
                    if "\x00" in name or any("\x00" in value for value in values):
                        raise BadParameter(
                            _("%(name)s must not contain a NUL character.")
                            % {"name": name.replace("\x00", "\\0")[:40]}
                        )
        return self.get_response(request)


OWN_405 = (API, "/public/")  # the API answers JSON; the public pages render without the request


class MethodNotAllowedPageMiddleware:
    """A page visited with the wrong method (an address that only takes a form's POST, opened from
    the history or a bookmark) gets a page that says so, with a way back, instead of an empty 405
    the browser shows as its own error. The status and the Allow header stay; the API's and the
    public pages' answers and any 405 that already says something are left alone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 405 or response.content or request.path.startswith(OWN_405):
            return response
        from django.template.loader import render_to_string

        page = HttpResponse(render_to_string("405.html", request=request), status=405)
        if "Allow" in response.headers:
            page["Allow"] = response["Allow"]
        return page
