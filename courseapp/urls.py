from django.urls import path

from .views import (
    accounts,
    calendar,
    courses,
    grading,
    links,
    members,
    presentations,
    quiz,
    readings,
    reviews,
    schedule,
    schedule_editor,
    settings,
)

app_name = "courseapp"

urlpatterns = [
    path("", courses.course_list, name="course_list"),
    path("signup/", accounts.signup, name="signup"),
    path("courses/<slug:slug>/", courses.course_home, name="course_home"),
    path("courses/<slug:slug>/join/", courses.course_join, name="course_join"),
    path("courses/<slug:slug>/settings/", settings.course_settings, name="course_settings"),
    path("courses/<slug:slug>/schedule/", schedule.schedule_page, name="schedule"),
    path("courses/<slug:slug>/slots/<int:slot_id>/seat/", schedule.slot_seat, name="slot_seat"),
    path("courses/<slug:slug>/slots/<int:slot_id>/invite/", schedule.slot_invite, name="slot_invite"),
    path("courses/<slug:slug>/slots/<int:slot_id>/swap/", schedule.swap_propose, name="swap_propose"),
    path(
        "courses/<slug:slug>/invitations/<int:invitation_id>/answer/",
        schedule.invitation_answer,
        name="invitation_answer",
    ),
    path("courses/<slug:slug>/swaps/<int:swap_id>/answer/", schedule.swap_answer, name="swap_answer"),
    path("courses/<slug:slug>/notices/dismiss/", schedule.notices_dismiss, name="notices_dismiss"),
    path("courses/<slug:slug>/calendar.ics", calendar.course_calendar, name="course_calendar"),
    path("courses/<slug:slug>/calendar/<str:token>.ics", calendar.member_calendar, name="member_calendar"),
    path("courses/<slug:slug>/calendar/reset/", calendar.calendar_token_reset, name="calendar_token_reset"),
    path("courses/<slug:slug>/schedule/edit/", schedule_editor.schedule_edit, name="schedule_edit"),
    path("courses/<slug:slug>/schedule/meetings/", schedule_editor.meeting_save, name="meeting_create"),
    path(
        "courses/<slug:slug>/schedule/meetings/<int:meeting_id>/", schedule_editor.meeting_save, name="meeting_update"
    ),
    path(
        "courses/<slug:slug>/schedule/meetings/<int:meeting_id>/remove/",
        schedule_editor.meeting_remove,
        name="meeting_remove",
    ),
    path("courses/<slug:slug>/schedule/meetings/<int:meeting_id>/slots/", schedule_editor.slot_add, name="slot_add"),
    path("courses/<slug:slug>/schedule/slots/<int:slot_id>/", schedule_editor.slot_update, name="slot_update"),
    path(
        "courses/<slug:slug>/schedule/slots/<int:slot_id>/reorder/", schedule_editor.slot_reorder, name="slot_reorder"
    ),
    path("courses/<slug:slug>/schedule/slots/<int:slot_id>/remove/", schedule_editor.slot_remove, name="slot_remove"),
    path("courses/<slug:slug>/schedule/slots/<int:slot_id>/assign/", schedule_editor.seat_assign, name="seat_assign"),
    path("courses/<slug:slug>/schedule/signups/<int:signup_id>/", schedule_editor.signup_change, name="signup_change"),
    path("courses/<slug:slug>/schedule/readings/", schedule_editor.reading_picker, name="reading_picker"),
    path("courses/<slug:slug>/readings/", readings.reading_list_page, name="reading_list"),
    path("courses/<slug:slug>/readings/import/", readings.reading_import, name="reading_import"),
    path(
        "courses/<slug:slug>/readings/import/<int:import_id>/",
        readings.reading_import_preview,
        name="reading_import_preview",
    ),
    path(
        "courses/<slug:slug>/readings/import/<int:import_id>/confirm/",
        readings.reading_import_confirm,
        name="reading_import_confirm",
    ),
    path("courses/<slug:slug>/readings/links/", links.links_page, name="links"),
    path("courses/<slug:slug>/readings/links/start/", links.links_start, name="links_start"),
    path("courses/<slug:slug>/readings/links/progress/", links.links_progress, name="links_progress"),
    path("courses/<slug:slug>/readings/<int:reading_id>/link/fix/", links.link_fix, name="link_fix"),
    path("courses/<slug:slug>/readings/<int:reading_id>/link/", links.link_history, name="link_history"),
    path("courses/<slug:slug>/readings/export.<str:format>", readings.reading_export, name="reading_export"),
    path("courses/<slug:slug>/readings/listings/<int:listing_id>/", readings.listing_row, name="listing_row"),
    path("courses/<slug:slug>/readings/listings/<int:listing_id>/edit/", readings.listing_edit, name="listing_edit"),
    path("courses/<slug:slug>/readings/listings/<int:listing_id>/move/", readings.listing_move, name="listing_move"),
    path("courses/<slug:slug>/readings/listings/<int:listing_id>/merge/", readings.reading_merge, name="reading_merge"),
    path(
        "courses/<slug:slug>/readings/listings/<int:listing_id>/delete/", readings.reading_delete, name="reading_delete"
    ),
    path("courses/<slug:slug>/readings/<int:reading_id>/review/", reviews.review_edit, name="review_edit"),
    path("courses/<slug:slug>/readings/<int:reading_id>/review/draft/", reviews.review_draft, name="review_draft"),
    path(
        "courses/<slug:slug>/readings/<int:reading_id>/review/submit/", reviews.review_submit_view, name="review_submit"
    ),
    path("courses/<slug:slug>/readings/<int:reading_id>/reviews/", reviews.reading_reviews, name="reading_reviews"),
    path("courses/<slug:slug>/reviews/", reviews.reviews_table, name="reviews_table"),
    path("courses/<slug:slug>/reviews/mine/", reviews.my_reviews, name="my_reviews"),
    path("courses/<slug:slug>/students/<int:user_id>/reviews/", reviews.student_reviews, name="student_reviews"),
    # Grading
    path("courses/<slug:slug>/grades/", grading.gradebook_page, name="gradebook"),
    path("courses/<slug:slug>/grades/export.csv", grading.gradebook_export, name="gradebook_export"),
    path("courses/<slug:slug>/grades/release/", grading.release_change, name="release_change"),
    path("courses/<slug:slug>/grades/mine/", grading.my_grades, name="my_grades"),
    path("courses/<slug:slug>/grades/students/<int:user_id>/", grading.student_grades, name="student_grades"),
    path("courses/<slug:slug>/grades/score/", grading.score_save, name="score_save"),
    path("courses/<slug:slug>/grades/slots/<int:slot_id>/", grading.grade_slot, name="grade_slot"),
    path("courses/<slug:slug>/grades/reviews/<int:review_id>/", grading.grade_review, name="grade_review"),
    path("courses/<slug:slug>/grades/rubrics/", grading.rubrics_page, name="rubrics"),
    path("courses/<slug:slug>/grades/rubrics/criteria/", grading.criterion_save, name="criterion_save"),
    path(
        "courses/<slug:slug>/grades/rubrics/criteria/<int:criterion_id>/remove/",
        grading.criterion_remove,
        name="criterion_remove",
    ),
    path("courses/<slug:slug>/slots/<int:slot_id>/timer/", grading.timer_page, name="timer"),
    path("courses/<slug:slug>/slots/<int:slot_id>/timer/record/", grading.timer_record, name="timer_record"),
    # The final exam
    path("courses/<slug:slug>/exam/", quiz.exam_page, name="exam"),
    path("courses/<slug:slug>/exam/slots/", quiz.exam_slots_make, name="exam_slots_make"),
    path("courses/<slug:slug>/exam/assign/", quiz.exam_assign_all, name="exam_assign_all"),
    path("courses/<slug:slug>/exam/draw/", quiz.quiz_draw_start, name="quiz_draw"),
    path("courses/<slug:slug>/exam/redraw/<int:user_id>/", quiz.quiz_redraw, name="quiz_redraw"),
    path("courses/<slug:slug>/exam/run-sheet/", quiz.run_sheet, name="run_sheet"),
    path("courses/<slug:slug>/exam/mine/", quiz.my_exam, name="my_exam"),
    path("courses/<slug:slug>/exam/slots/<int:slot_id>/book/", quiz.exam_slot_book, name="exam_slot_book"),
    # Presentations
    path("courses/<slug:slug>/slots/<int:slot_id>/presentation/", presentations.presentation_page, name="presentation"),
    path(
        "courses/<slug:slug>/slots/<int:slot_id>/presentation/book/",
        presentations.one_on_one_book,
        name="one_on_one_book",
    ),
    path(
        "courses/<slug:slug>/slots/<int:slot_id>/presentation/slides/",
        presentations.slides_upload,
        name="slides_upload",
    ),
    path("courses/<slug:slug>/slides/<int:upload_id>/", presentations.slides_download, name="slides_download"),
    path("courses/<slug:slug>/one-on-ones/", presentations.one_on_ones_page, name="one_on_ones"),
    path("courses/<slug:slug>/one-on-ones/add/", presentations.one_on_one_add, name="one_on_one_add"),
    path(
        "courses/<slug:slug>/one-on-ones/<int:time_id>/remove/",
        presentations.one_on_one_remove,
        name="one_on_one_remove",
    ),
    path("courses/<slug:slug>/members/", members.members_page, name="members"),
    path("courses/<slug:slug>/members/add/", members.members_add, name="members_add"),
    path(
        "courses/<slug:slug>/members/<int:membership_id>/decide/",
        members.membership_decide_view,
        name="membership_decide",
    ),
    path("courses/<slug:slug>/members/<int:membership_id>/role/", members.membership_role, name="membership_role"),
]
