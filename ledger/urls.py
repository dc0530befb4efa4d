from django.urls import path

from ledger.views import ledger, notices

urlpatterns = [
    path("ledger/", ledger.ledger_overview, name="ledger"),
    path("ledger/inbox/", ledger.inbox, name="ledger_inbox"),
    path("ledger/rounds/", ledger.round_list, name="ledger_rounds"),
    path("ledger/rounds/<int:pk>/open/", ledger.round_open, name="ledger_round_open"),
    path("ledger/tasks/<int:task_pk>/", ledger.task_ledger, name="ledger_task"),
    path(
        "ledger/rounds/<int:round_pk>/tasks/<int:task_pk>/contribution/",
        ledger.contribution_edit,
        name="ledger_contribution",
    ),
    path(
        "ledger/rounds/<int:round_pk>/tasks/<int:task_pk>/report/",
        ledger.report_edit,
        name="ledger_report",
    ),
    path(
        "ledger/rounds/<int:round_pk>/tasks/<int:task_pk>/review/",
        ledger.report_review,
        name="ledger_report_review",
    ),
    path("ledger/attachments/<int:pk>/", ledger.attachment_download, name="ledger_attachment"),
    path(
        "ledger/attachments/<int:pk>/delete/",
        ledger.attachment_delete,
        name="ledger_attachment_delete",
    ),
    path("notices/", notices.notice_list, name="notice_list"),
    path("notices/new/", notices.notice_new, name="notice_new"),
    path("notices/<int:pk>/", notices.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/review/", notices.notice_review, name="notice_review"),
    path("notices/<int:pk>/pdf/", notices.notice_pdf, name="notice_pdf"),
]
