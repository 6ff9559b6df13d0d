from django.urls import path

from core.views import accounts, audit, geography, jobs, pages

app_name = "core"

urlpatterns = [
    path("", pages.HomeView.as_view(), name="home"),
    path("language/", pages.LanguageSetView.as_view(), name="language_set"),
    path("worker/login/", accounts.WorkerLoginView.as_view(), name="worker_login"),
    path("worker/verify/", accounts.WorkerVerifyView.as_view(), name="worker_verify"),
    path("audit/events/", audit.AuditEventListView.as_view(), name="auditevent_list"),
    path("audit/events/export/", audit.AuditExportStartView.as_view(),
         name="auditevent_export"),
    path("audit/changes/", audit.RowChangeListView.as_view(), name="rowchange_list"),
    path("audit/records/<str:label>/<str:pk>/", audit.RecordAuditView.as_view(),
         name="record_audit"),
    path("my/record-history/", audit.MyRecordHistoryView.as_view(), name="my_record_history"),
    path("districts/<int:pk>/", geography.DistrictDetailView.as_view(),
         name="district_detail"),
    path("jobs/<uuid:pk>/", jobs.JobDetailView.as_view(), name="job_detail"),
    path("jobs/<uuid:pk>/status/", jobs.JobStatusView.as_view(), name="job_status"),
    path("jobs/<uuid:pk>/file/", jobs.JobFileView.as_view(), name="job_file"),
]
