from django.urls import path

from plans.views import departments, pages

urlpatterns = [
    path("", pages.home, name="home"),
    path("plans/<slug:slug>/", pages.plan_detail, name="plan_detail"),
    path("plans/<slug:slug>/tasks/<slug:task_slug>/", pages.task_detail, name="task_detail"),
    path("departments/", departments.department_list, name="department_list"),
    path("departments/<int:pk>/", departments.department_detail, name="department_detail"),
]
