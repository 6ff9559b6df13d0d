"""Factories of registration: workers at any stage, with valid Aadhaar numbers."""

import io
import itertools
from datetime import date

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from factory.django import DjangoModelFactory
from PIL import Image
from stdnum import verhoeff

from registration.identity import aadhaar_vault_store
from registration.models import Camp, Occupation, Worker
from tests.core.factories import BlockFactory, DistrictFactory, UserFactory

_serial = itertools.count(1)


def valid_aadhaar(seed: int | None = None) -> str:
    """Return a 12-digit number that passes the Aadhaar checks (Verhoeff, first digit 2-9)."""
    body = f"{4 if seed is None else 3}{(seed if seed is not None else next(_serial)):010d}"
    return body + verhoeff.calc_check_digit(body)


def jpeg_bytes(size=(60, 80), color=(180, 120, 90)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="JPEG")
    return out.getvalue()


class CampFactory(DjangoModelFactory):
    class Meta:
        model = Camp

    name = factory.Sequence(lambda n: f"Camp {n}")
    place = "Panchayat bhawan"
    district = factory.SubFactory(DistrictFactory)
    starts_on = date(2026, 11, 1)
    ends_on = date(2026, 11, 3)
    created_by = factory.SubFactory(UserFactory)


class WorkerFactory(DjangoModelFactory):
    """A complete registration, submitted unless ``status`` says otherwise."""

    class Meta:
        model = Worker
        skip_postgeneration_save = True

    class Params:
        aadhaar = factory.LazyFunction(valid_aadhaar)

    status = Worker.Status.SUBMITTED
    channel = Worker.Channel.OFFICER
    registered_by = factory.SubFactory(UserFactory)
    district = factory.SubFactory(DistrictFactory)
    block = factory.LazyAttribute(lambda o: BlockFactory(district=o.district))
    name = "रामू साहू"
    name_latin = "Ramu Sahu"
    relative_name = "श्याम साहू"
    relative_relation = Worker.Relation.FATHER
    date_of_birth = date(1990, 5, 17)
    gender = Worker.Gender.MALE
    mobile = factory.Sequence(lambda n: f"9{n:09d}")
    aadhaar_hash = factory.LazyAttribute(lambda o: aadhaar_vault_store(number=o.aadhaar))
    aadhaar_last4 = factory.LazyAttribute(lambda o: o.aadhaar[-4:])
    address_line = "Ward 4, Gandhi Chowk"
    pincode = "492001"
    category = Worker.Category.UNORGANISED
    occupation = factory.LazyFunction(lambda: Occupation.objects.get(code="9313"))
    bank_account_holder = "Ramu Sahu"
    bank_account_last4 = "4321"
    ifsc = "SBIN0001234"
    nominee_name = "सीता साहू"
    nominee_relation = "wife"
    submitted_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def certificate(self, create, extracted, **kwargs):
        """A construction worker's registration is complete with its 90-day certificate."""
        if not create or extracted is False or self.category != Worker.Category.BOC:
            return
        from registration.models import WorkerDocument

        document = WorkerDocument(worker=self, kind=WorkerDocument.Kind.WORK_CERTIFICATE,
                                  original_name="certificate.pdf",
                                  content_type="application/pdf", size=20, sha256="0" * 64,
                                  uploaded_by=self.registered_by)
        document.file.save("certificate.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
        document.save()

    @factory.post_generation
    def photo(self, create, extracted, **kwargs):
        if extracted is False:
            return
        self.photo.save(f"{self.uuid}.jpg", ContentFile(jpeg_bytes()), save=create)
