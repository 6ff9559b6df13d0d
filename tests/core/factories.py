import factory
from factory.django import DjangoModelFactory

from core.models import Block, District, State, User, Village
from core.services import user_district_grant, user_role_grant


class StateFactory(DjangoModelFactory):
    class Meta:
        model = State
        django_get_or_create = ("lgd_code",)

    lgd_code = 22
    code = "CG"
    name_en = "Chhattisgarh"
    name_hi = "छत्तीसगढ़"
    kind = State.Kind.STATE


class DistrictFactory(DjangoModelFactory):
    class Meta:
        model = District

    state = factory.SubFactory(StateFactory)
    lgd_code = factory.Sequence(lambda n: 80000 + n)
    # District codes are four characters at most (and not unique): wrap the sequence.
    code = factory.Sequence(lambda n: f"D{n % 1000:03d}")
    name_en = factory.Sequence(lambda n: f"District {n}")
    name_hi = factory.Sequence(lambda n: f"जिला {n}")


class BlockFactory(DjangoModelFactory):
    class Meta:
        model = Block

    district = factory.SubFactory(DistrictFactory)
    lgd_code = factory.Sequence(lambda n: 800000 + n)
    name_en = factory.Sequence(lambda n: f"Block {n}")
    name_hi = factory.Sequence(lambda n: f"विकासखंड {n}")


class VillageFactory(DjangoModelFactory):
    class Meta:
        model = Village

    block = factory.SubFactory(BlockFactory)
    lgd_code = factory.Sequence(lambda n: 8000000 + n)
    name_en = factory.Sequence(lambda n: f"Village {n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.test")
    password = factory.PostGenerationMethodCall("set_password", "Correct-Horse-9")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or []:
            user_role_grant(actor=None, user=self, role=role)

    @factory.post_generation
    def jurisdiction(self, create, extracted, **kwargs):
        for district in extracted or []:
            user_district_grant(actor=None, user=self, district=district)
        self.save()
