from django.urls import path

from .views import archive, home, orders, plans, registration, students

app_name = "portal"

urlpatterns = [
    path("", home.home, name="home"),
    path("orders/", orders.order_list, name="order_list"),
    path("orders/new/", orders.order_create, name="order_create"),
    path("orders/<int:pk>/", orders.order_detail, name="order_detail"),
    path("orders/<int:pk>/items/", orders.order_add_item, name="order_add_item"),
    path("orders/<int:pk>/items/<int:item_pk>/remove/", orders.order_remove_item,
         name="order_remove_item"),
    path("orders/<int:pk>/approve/", orders.order_approve, name="order_approve"),
    path("orders/<int:pk>/apply/", orders.order_apply, name="order_apply"),
    path("orders/<int:pk>/cancel/", orders.order_cancel, name="order_cancel"),
    path("orders/<int:pk>/pdf/<str:language>/", orders.order_print, name="order_print"),
    path("students/", students.student_list, name="student_list"),
    path("students/import/", students.student_import, name="student_import"),
    path("students/import/errors.xlsx", students.student_import_errors,
         name="student_import_errors"),
    path("students/<int:pk>/", students.student_detail, name="student_detail"),
    path("archive/", archive.archive, name="archive"),
    path("plans/term/<int:period_id>/", plans.my_plan, name="my_plan"),
    path("plans/approvals/", plans.approvals, name="plan_approvals"),
    path("plans/<int:pk>/", plans.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/pdf/<str:language>/", plans.plan_print, name="plan_print"),
    path("plans/<int:pk>/<str:action>/", plans.plan_action, name="plan_action"),
    path("registration/<int:period_id>/", registration.registration_page, name="registration"),
    path("registration/<int:period_id>/register/", registration.register_action,
         name="register"),
    path("registration/<int:period_id>/drop/<int:pk>/", registration.drop_action, name="drop"),
]
