"""Views of the scheme catalogue: public list and rules, eligibility, the admin's form."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView

from core.roles import STAFF_ROLES
from core.roles import RoleCode as R
from core.scoping import scoped
from core.views.base import RoleRequiredMixin, scoped_object_or_404
from registration import selectors as registration_selectors
from registration.models import Worker
from welfare import selectors, services
from welfare.forms.schemes import (
    SchemeForm,
    SchemeSlabFormSet,
    check_amount_or_slabs,
    slab_rows,
)
from welfare.models import DocumentKind, Scheme

# Those who may apply for a worker: the worker, an operator, an officer (see the apply view).
APPLY_ROLES = {R.WORKER, R.CSC_OPERATOR, R.LABOUR_OFFICER, R.STATE_ADMIN}


def _public_schemes():
    # The catalogue is public information: anonymous visitors read the active schemes
    # (core.scoping shows nothing to an anonymous user, so this read does not start there).
    return Scheme.objects.filter(is_active=True).prefetch_related("slabs")


def _catalogue(user):
    if not user.is_authenticated:
        return _public_schemes()
    return selectors.scheme_list(user=user, active_only=not user.has_role(R.STATE_ADMIN))


def _facts(scheme: Scheme) -> dict:
    """Return what the pages say about a scheme in words: categories, amounts, documents."""
    amounts = [slab.amount for slab in scheme.slabs.all()]
    return {
        "categories": [label for value, label in Worker.Category.choices
                       if value in scheme.categories],
        "documents": [label for value, label in DocumentKind.choices
                      if value in scheme.documents],
        "amount_from": min(amounts) if amounts and scheme.has_slabs else None,
        "amount_to": max(amounts) if amounts and scheme.has_slabs else None,
    }


def _checks(workers: list[Worker], schemes: list[Scheme]) -> dict[int, list[dict]]:
    """Return, per scheme id, each worker with every reason they cannot apply (or none)."""
    checks: dict[int, list[dict]] = {}
    for worker in workers:
        for scheme, result in selectors.scheme_eligibility(worker=worker, schemes=schemes):
            checks.setdefault(scheme.pk, []).append({"worker": worker,
                                                     "reasons": result.reasons})
    return checks


class EligibilityMixin:
    """Whose eligibility the page shows: the worker's own profiles, or one chosen worker.

    A worker sees each of their profiles; an operator or officer opening the catalogue
    from a worker's page (``?worker=<uuid>``) sees that worker, if in their scope.
    """

    def eligibility_workers(self) -> list[Worker]:
        user = self.request.user
        if not user.is_authenticated or not user.has_role(*APPLY_ROLES):
            return []
        chosen = self.request.GET.get("worker")
        if chosen:
            try:
                return [scoped_object_or_404(
                    self.request, registration_selectors.worker_list(user=user),
                    uuid=chosen)]
            except ValidationError:
                raise Http404 from None
        if user.has_role(R.WORKER):
            return [w for w in registration_selectors.worker_profiles(user=user)
                    if w.status != Worker.Status.DRAFT]
        return []


class SchemeListView(EligibilityMixin, TemplateView):
    """The catalogue: every active scheme, and for a worker whether they can apply."""

    template_name = "welfare/scheme_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        schemes = list(_catalogue(user))
        workers = self.eligibility_workers()
        checks = _checks(workers, [scheme for scheme in schemes if scheme.is_active])
        rows = [{"scheme": scheme, "facts": _facts(scheme), "checks": checks.get(scheme.pk, [])}
                for scheme in schemes]
        context["rows"] = rows
        context["workers"] = workers
        context["show_names"] = len(workers) > 1
        context["chosen_worker"] = (workers[0] if workers and self.request.GET.get("worker")
                                    else None)
        context["can_edit"] = user.is_authenticated and user.has_role(R.STATE_ADMIN)
        return context


class SchemeDetailView(EligibilityMixin, TemplateView):
    """A scheme's rules in plain words, and whether (and for whom) the worker can apply."""

    template_name = "welfare/scheme_detail.html"

    def get_scheme(self) -> Scheme:
        user = self.request.user
        schemes = (selectors.scheme_list(user=user) if user.is_authenticated
                   else _public_schemes())
        scheme = schemes.filter(code=self.kwargs["code"]).first()
        if scheme is None:
            raise Http404
        return scheme

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        scheme = self.get_scheme()
        context["scheme"] = scheme
        context["slabs"] = list(scheme.slabs.all())
        context["facts"] = _facts(scheme)
        context["is_staff"] = user.is_authenticated and bool(
            set(user.role_codes) & set(STAFF_ROLES))
        context["can_edit"] = user.is_authenticated and user.has_role(R.STATE_ADMIN)
        checks = _checks(self.eligibility_workers(), [scheme] if scheme.is_active else [])
        context["checks"] = checks.get(scheme.pk, [])
        context["show_names"] = len(context["checks"]) > 1
        context["chosen_worker"] = (context["checks"][0]["worker"]
                                    if context["checks"] and self.request.GET.get("worker")
                                    else None)
        return context


class SchemeFormView(RoleRequiredMixin, FormView):
    """Create or change a scheme with its slabs (state admin only)."""

    allowed_roles = {R.STATE_ADMIN}
    form_class = SchemeForm
    template_name = "welfare/scheme_form.html"
    scheme = None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.scheme or Scheme()
        return kwargs

    def get_formset(self):
        if self.request.method == "POST":
            return SchemeSlabFormSet(self.request.POST, prefix="slabs")
        initial = [{"id": slab.pk, "label_en": slab.label_en, "label_hi": slab.label_hi,
                    "amount": slab.amount} for slab in self.scheme.slabs.all()] \
            if self.scheme else []
        return SchemeSlabFormSet(prefix="slabs", initial=initial)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("formset", self.get_formset())
        context["scheme"] = self.scheme
        return context

    def form_valid(self, form):
        formset = self.get_formset()
        if not formset.is_valid():
            return self.render_to_response(self.get_context_data(form=form, formset=formset))
        slabs = slab_rows(formset)
        check_amount_or_slabs(form, slabs)
        if form.errors:
            return self.render_to_response(self.get_context_data(form=form, formset=formset))
        data = {name: form.cleaned_data[name] for name in form.fields}
        try:
            scheme = services.scheme_save(actor=self.request.user, scheme=self.scheme,
                                          data=data, slabs=slabs, request=self.request)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.render_to_response(self.get_context_data(form=form, formset=formset))
        messages.success(self.request, _("Scheme saved."))
        return redirect(scheme)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form,
                                                             formset=self.get_formset()))


class SchemeCreateView(SchemeFormView):
    pass


class SchemeUpdateView(SchemeFormView):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.has_role(*self.allowed_roles):
            self.scheme = scoped(request.user, Scheme).filter(code=kwargs["code"]).first()
            if self.scheme is None:
                raise Http404
        return super().dispatch(request, *args, **kwargs)


urls = [
    path("schemes/", SchemeListView.as_view(), name="scheme_list"),
    path("schemes/new/", SchemeCreateView.as_view(), name="scheme_create"),
    path("schemes/<slug:code>/", SchemeDetailView.as_view(), name="scheme_detail"),
    path("schemes/<slug:code>/edit/", SchemeUpdateView.as_view(), name="scheme_update"),
]
