"""Views of help desks: the public page of open desks, and the state admin's editor."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView

from core.roles import RoleCode as R
from core.views.base import RoleRequiredMixin, scoped_object_or_404
from migrants import selectors
from migrants.forms_tickets import HelpDeskForm
from migrants.models import HelpDesk
from migrants.services_desks import help_desk_save


class DeskListView(TemplateView):
    """Open help desks by state, with the toll-free helpline (public: no login)."""

    template_name = "migrants/desk_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["desks"] = list(selectors.desk_list().order_by("state__name_en", "city",
                                                               "name_en"))
        context["is_state_admin"] = user.is_authenticated and user.has_role(R.STATE_ADMIN)
        if context["is_state_admin"]:
            # Only the state admin sees closed desks, to open them again.
            context["closed_desks"] = list(HelpDesk.objects.filter(is_active=False)
                                           .select_related("state")
                                           .order_by("state__name_en", "city"))
        return context


class DeskFormView(RoleRequiredMixin, FormView):
    """Create or edit a help desk: names, place, contacts, staff, open or closed."""

    allowed_roles = {R.STATE_ADMIN}
    template_name = "migrants/desk_form.html"
    form_class = HelpDeskForm

    def dispatch(self, request, *args, **kwargs):
        self.desk = None
        if "pk" in kwargs and request.user.is_authenticated \
                and request.user.has_role(*self.allowed_roles):
            self.desk = scoped_object_or_404(
                request, HelpDesk.objects.prefetch_related("staff"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.desk
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["desk"] = self.desk
        return context

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        staff = data.pop("staff")
        try:
            desk = help_desk_save(actor=self.request.user, desk=self.desk, data=data,
                                  staff=staff, request=self.request)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Help desk %(name)s saved.") % {"name": desk.name})
        return redirect("migrants:desk_list")


urls = [
    path("help-desks/", DeskListView.as_view(), name="desk_list"),
    path("help-desks/new/", DeskFormView.as_view(), name="desk_create"),
    path("help-desks/<int:pk>/edit/", DeskFormView.as_view(), name="desk_update"),
]
