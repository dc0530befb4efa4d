from django.urls import path

from plans.views import pages, province

urlpatterns = [
    path("", pages.home, name="home"),
    path("province/", province.province_page, name="province"),
    path("plans/<slug:slug>/", pages.plan_detail, name="plan_detail"),
    path("plans/<slug:slug>/tasks/<slug:task_slug>/", pages.task_detail, name="task_detail"),
]
