from django.contrib.auth.backends import BaseBackend

from departments.models import role_of


class CityAdminBackend(BaseBackend):
    """The city admin role (市局管理员) carries every model permission in the admin.

    It authenticates nobody; ModelBackend still checks passwords. It only answers permission
    questions, so granting the role in the database is all it takes to administer the plan.
    """

    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        role = role_of(user_obj)
        return user_obj.is_active and role is not None and role.is_city_admin

    def has_module_perms(self, user_obj, app_label: str) -> bool:
        return self.has_perm(user_obj, app_label)
