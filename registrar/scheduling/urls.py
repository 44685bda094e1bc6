"""URLs of scheduling; included under i18n_patterns at the root:

    path("", include("registrar.scheduling.urls")),
"""

from django.urls import path

from . import views

app_name = "scheduling"

urlpatterns = [
    path("scheduling/", views.index, name="index"),
    path("scheduling/grid/", views.create_grid, name="create_grid"),
    path("scheduling/mine/", views.mine, name="mine"),
    path("scheduling/mine/timetable.<str:fmt>", views.mine, name="mine_export"),
    path("scheduling/terms/<int:period_id>/", views.term, name="term"),
    path("scheduling/terms/<int:period_id>/generate/", views.generate, name="generate"),
    path("scheduling/terms/<int:period_id>/publish/", views.publish, name="publish"),
    path("scheduling/terms/<int:period_id>/withdraw/", views.withdraw, name="withdraw"),
    path("scheduling/terms/<int:period_id>/groups/<int:group_id>/", views.group_grid,
         name="group"),
    path("scheduling/terms/<int:period_id>/groups/<int:group_id>/timetable.<str:fmt>",
         views.group_grid, name="group_export"),
    path("scheduling/terms/<int:period_id>/teachers/<int:staff_id>/", views.teacher_grid,
         name="teacher"),
    path("scheduling/terms/<int:period_id>/teachers/<int:staff_id>/timetable.<str:fmt>",
         views.teacher_grid, name="teacher_export"),
    path("scheduling/terms/<int:period_id>/rooms/<int:room_id>/", views.room_grid, name="room"),
    path("scheduling/terms/<int:period_id>/rooms/<int:room_id>/timetable.<str:fmt>",
         views.room_grid, name="room_export"),
    path("scheduling/meetings/<int:pk>/", views.meeting_edit, name="meeting_edit"),
    path("scheduling/meetings/<int:pk>/conflicts/", views.meeting_conflicts,
         name="meeting_conflicts"),
    path("scheduling/rooms/", views.room_list, name="rooms"),
    path("scheduling/bookings/", views.booking_list, name="bookings"),
    path("scheduling/bookings/<int:pk>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("scheduling/exams/", views.session_list, name="sessions"),
    path("scheduling/exams/<int:pk>/", views.session_detail, name="session"),
    path("scheduling/exams/<int:pk>/exams.<str:fmt>", views.session_detail,
         name="session_export"),
    path("scheduling/exams/<int:pk>/schedule/", views.session_schedule, name="session_schedule"),
    path("scheduling/exams/<int:pk>/publish/", views.session_publish, name="session_publish"),
    path("scheduling/exams/<int:pk>/withdraw/", views.session_withdraw, name="session_withdraw"),
]
