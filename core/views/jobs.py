"""A background job's progress page, its JSON status and its result file."""

from django.http import FileResponse, Http404, JsonResponse
from django.views import View

from core.models import Job
from core.roles import RoleCode
from core.selectors import job_for_user
from core.views.base import PortalDetailView, RoleRequiredMixin

ANY_ROLE = set(RoleCode.values)


class JobDetailView(PortalDetailView):
    model = Job
    allowed_roles = ANY_ROLE
    template_name = "core/job_detail.html"


class JobStatusView(RoleRequiredMixin, View):
    allowed_roles = ANY_ROLE

    def get(self, request, pk):
        try:
            job = job_for_user(user=request.user, job_id=pk)
        except Job.DoesNotExist:
            raise Http404 from None
        return JsonResponse({"status": job.status, "status_label": job.get_status_display(),
                             "done": job.done, "total": job.total, "percent": job.percent,
                             "message": job.message,
                             "has_file": bool(job.result_file)})


class JobFileView(RoleRequiredMixin, View):
    """Serve a job's result file to the user who may see the job, never publicly."""

    allowed_roles = ANY_ROLE

    def get(self, request, pk):
        try:
            job = job_for_user(user=request.user, job_id=pk)
        except Job.DoesNotExist:
            raise Http404 from None
        if job.status != Job.Status.DONE or not job.result_file:
            raise Http404
        return FileResponse(job.result_file.open("rb"), as_attachment=True,
                            filename=job.result_file.name.rsplit("/", 1)[-1])
