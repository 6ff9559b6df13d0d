"""District pages: a district admin's or officer's own district, with its history."""

from core.models import District
from core.roles import RoleCode
from core.selectors import district_blocks, object_history
from core.views.base import PortalDetailView


class DistrictDetailView(PortalDetailView):
    model = District
    allowed_roles = {RoleCode.STATE_ADMIN, RoleCode.DISTRICT_ADMIN, RoleCode.LABOUR_OFFICER,
                     RoleCode.SAFETY_INSPECTOR, RoleCode.CSC_OPERATOR}
    template_name = "core/district_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["blocks"] = list(district_blocks(district=self.object))
        context["history"] = list(object_history(obj=self.object)[:50])
        return context
