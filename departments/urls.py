from django.urls import path

from departments.views import pages

urlpatterns = [
    path("departments/", pages.department_list, name="department_list"),
    path("departments/<int:pk>/", pages.department_detail, name="department_detail"),
    path("districts/", pages.district_list, name="district_list"),
    path("districts/<slug:slug>/", pages.district_detail, name="district_detail"),
]
