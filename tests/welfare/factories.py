"""Factories of welfare: schemes, active construction workers with families, applications.

Applications are made through the real services (``application_at``), so that their
numbers, limits and transitions are the ones the portal makes.
"""

import io
from datetime import date, timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from core.crypto import encrypt_text
from registration.models import FamilyMember, Worker
from tests.registration.factories import WorkerFactory
from welfare import services
from welfare.models import Application, Scheme, SchemeSlab


class SchemeFactory(DjangoModelFactory):
    """A simple scheme: fixed amount, for the worker, once in a lifetime, no documents."""

    class Meta:
        model = Scheme
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"s{n}")
    name_en = factory.Sequence(lambda n: f"Scheme {n}")
    name_hi = factory.Sequence(lambda n: f"योजना {n}")
    categories = factory.LazyFunction(lambda: ["boc"])
    beneficiary = Scheme.Beneficiary.SELF
    limit_count = 1
    limit_scope = Scheme.LimitScope.WORKER
    limit_period = Scheme.LimitPeriod.EVER
    amount = Decimal("5000")
    documents = factory.LazyFunction(list)


def education_scheme(**overrides) -> Scheme:
    """Education assistance: by class, once per child per academic year, two documents."""
    scheme = SchemeFactory(**{
        "code": "edu", "name_en": "Education assistance", "name_hi": "शिक्षा सहायता",
        "beneficiary": Scheme.Beneficiary.CHILD, "limit_count": 1,
        "limit_scope": Scheme.LimitScope.BENEFICIARY,
        "limit_period": Scheme.LimitPeriod.ACADEMIC_YEAR, "amount": None,
        "documents": ["school_certificate", "marksheet"], "min_membership_days": 90,
        **overrides})
    if not scheme.slabs.exists():
        for order, (label, amount) in enumerate([("Class 1 to 5", "1000"),
                                                 ("Class 9 to 10", "3000")]):
            SchemeSlab.objects.create(scheme=scheme, label_en=label, label_hi=label,
                                      amount=Decimal(amount), order=order)
    return scheme


def maternity_scheme(**overrides) -> Scheme:
    """Maternity assistance: a female beneficiary (worker or wife), at most twice per worker."""
    return SchemeFactory(**{
        "code": "mat", "name_en": "Maternity assistance", "name_hi": "मातृत्व सहायता",
        "gender": Worker.Gender.FEMALE, "beneficiary": Scheme.Beneficiary.SELF_OR_SPOUSE,
        "limit_count": 2, "limit_scope": Scheme.LimitScope.WORKER,
        "limit_period": Scheme.LimitPeriod.EVER, "amount": Decimal("20000"), **overrides})


def marriage_scheme(**overrides) -> Scheme:
    """Marriage assistance: any family member, at most twice per family."""
    return SchemeFactory(**{
        "code": "mar", "name_en": "Marriage assistance", "name_hi": "विवाह सहायता",
        "beneficiary": Scheme.Beneficiary.FAMILY, "limit_count": 2,
        "limit_scope": Scheme.LimitScope.FAMILY, "limit_period": Scheme.LimitPeriod.EVER,
        "amount": Decimal("25000"), **overrides})


_account = iter(range(10**11, 10**12))


def active_worker(*, district, owner=None, gender=Worker.Gender.FEMALE, children=2,
                  spouse=True, registered_days_ago=400, account: str | None = None,
                  **overrides) -> Worker:
    """An approved construction worker with a bank account, a spouse and children."""
    number = account or str(next(_account))
    today = timezone.localdate()
    worker = WorkerFactory(
        status=Worker.Status.ACTIVE, category=Worker.Category.BOC, district=district,
        owner=owner, gender=gender,
        name="सुनीता बाई" if gender == Worker.Gender.FEMALE else "रमेश साहू",
        name_latin="Sunita Bai" if gender == Worker.Gender.FEMALE else "Ramesh Sahu",
        date_of_birth=date(1990, 5, 17), registration_number=f"CG-T-{number[-7:]}",
        registered_on=today - timedelta(days=registered_days_ago),
        valid_until=today + timedelta(days=200), bank_account_encrypted=encrypt_text(number),
        bank_account_last4=number[-4:], **overrides)
    if spouse:
        FamilyMember.objects.create(
            worker=worker, name="Ramesh Sahu" if gender == Worker.Gender.FEMALE else "Sunita Bai",
            relation=FamilyMember.Relation.SPOUSE, date_of_birth=date(1988, 3, 2))
    for index in range(children):
        FamilyMember.objects.create(
            worker=worker, name=["Radha", "Mohan", "Geeta"][index % 3],
            relation=[FamilyMember.Relation.DAUGHTER, FamilyMember.Relation.SON][index % 2],
            date_of_birth=date(2014 + index, 6, 1))
    return worker


def pdf_upload(name: str = "document.pdf"):
    upload = io.BytesIO(b"%PDF-1.4\n% test document\n%%EOF\n")
    upload.name = name
    return upload


def documents_for(scheme: Scheme) -> list:
    """The (kind, file, content type) triples the scheme asks for, as the services take them."""
    return [(kind, pdf_upload(f"{kind}.pdf"), "application/pdf") for kind in scheme.documents]


STAGES = ["submitted", "verified", "sanctioned"]


def application_at(stage: str, *, worker: Worker, scheme: Scheme, officer, actor=None,
                   family_member=None, slab=None, amount=None) -> Application:
    """Submit an application through the services and take it to ``stage``.

    ``stage`` is submitted, verified or sanctioned (payments come from batches).
    """
    if scheme.beneficiary == Scheme.Beneficiary.CHILD and family_member is None:
        family_member = worker.family.filter(relation__in=["son", "daughter"]).first()
    if scheme.has_slabs and slab is None:
        slab = scheme.slabs.first()
    application = services.application_submit(
        actor=actor or officer, worker_id=worker.pk, scheme_id=scheme.pk,
        channel=Application.Channel.OFFICER if actor is None else Application.Channel.SELF,
        family_member_id=family_member.pk if family_member else None,
        slab_id=slab.pk if slab else None, documents=documents_for(scheme))
    if STAGES.index(stage) >= 1:
        services.application_verify(actor=officer, application_id=application.pk)
    if STAGES.index(stage) >= 2:
        services.application_sanction(actor=officer, application_id=application.pk,
                                      amount=amount or application.amount_claimed)
    application.refresh_from_db()
    return application
