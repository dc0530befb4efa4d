from django.http import HttpRequest

from departments.models import role_of


def role(request: HttpRequest) -> dict:
    """The signed-in user's role (district staff, department head, city admin), for the header."""
    return {"role": role_of(request.user)}
