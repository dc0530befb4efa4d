from django.urls import path

from plans.views import api, pages

urlpatterns = [
    path("", pages.home, name="home"),
    path("plans/<slug:slug>/", pages.plan_detail, name="plan_detail"),
    path("plans/<slug:slug>/tasks/<slug:task_slug>/", pages.task_detail, name="task_detail"),
    path("api/plan/", api.plan_api, name="api_plan"),
]
