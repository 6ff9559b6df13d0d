"""One mechanism turns (user, model) into what they may see; out of scope answers 404."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from core import scoping
from core.models import AuditEvent, District, Job, OTPChallenge, User
from core.roles import RoleCode as R
from core.scoping import scoped

pytestmark = pytest.mark.django_db


def test_a_model_without_rules_is_refused_loudly(personas):
    with pytest.raises(ImproperlyConfigured):
        scoped(personas["state_admin"], OTPChallenge)


def test_anonymous_and_inactive_users_see_nothing(personas, district_a):
    from django.contrib.auth.models import AnonymousUser

    assert not scoped(AnonymousUser(), District).exists()
    officer = personas["officer_a"]
    officer.is_active = False
    assert not scoped(officer, District).exists()


# Which of the two districts each role sees (A is Raipur, B is Bilaspur).
DISTRICT_VISIBILITY = {
    "state_admin": {"Raipur", "Bilaspur"},
    "district_admin_a": {"Raipur"},
    "district_admin_b": {"Bilaspur"},
    "officer_a": {"Raipur"},
    "officer_b": {"Bilaspur"},
    "inspector_a": {"Raipur"},
    "csc_a": {"Raipur"},
    "csc_b": {"Bilaspur"},
    "helpline": set(),
    "maker": set(),
    "checker": set(),
    "employer_a": set(),
    "worker_a": set(),
}


@pytest.mark.parametrize("persona,expected", DISTRICT_VISIBILITY.items())
def test_each_role_sees_only_the_districts_of_its_jurisdiction(personas, persona, expected):
    names = set(scoped(personas[persona], District).values_list("name_en", flat=True))
    assert names == expected


@pytest.mark.parametrize("persona,expected_status", [
    ("state_admin", 200), ("district_admin_a", 200), ("officer_a", 200), ("inspector_a", 200),
    ("csc_a", 200), ("district_admin_b", 404), ("officer_b", 404), ("csc_b", 404),
    ("helpline", 404), ("maker", 404), ("employer_a", 404), ("worker_a", 404),
])
def test_district_page_answers_404_outside_jurisdiction(personas, login, client, district_a,
                                                          persona, expected_status):
    login(personas[persona])
    response = client.get(reverse("core:district_detail", args=[district_a.pk]))
    assert response.status_code == expected_status


def test_a_missing_district_and_a_forbidden_one_look_the_same(personas, login, client,
                                                              district_b):
    login(personas["officer_a"])
    forbidden = client.get(reverse("core:district_detail", args=[district_b.pk]))
    missing = client.get(reverse("core:district_detail", args=[999999]))
    assert forbidden.status_code == missing.status_code == 404


def test_users_are_seen_by_state_admin_all_district_admin_theirs_and_others_themselves(
        personas):
    everyone = set(User.objects.values_list("username", flat=True))
    assert set(scoped(personas["state_admin"], User).values_list("username", flat=True)) \
        == everyone
    seen_by_a = set(scoped(personas["district_admin_a"], User)
                    .values_list("username", flat=True))
    assert {"distadmin.a", "officer.a", "inspector.a", "csc.a"} <= seen_by_a
    assert not seen_by_a & {"officer.b", "csc.b", "distadmin.b"}
    for persona in ("officer_a", "csc_a", "worker_a", "employer_a", "helpline"):
        user = personas[persona]
        assert list(scoped(user, User)) == [user]


def test_audit_events_are_scoped_by_district(personas, district_a, district_b):
    AuditEvent.objects.create(action="export", district=district_a, summary="a")
    AuditEvent.objects.create(action="export", district=district_b, summary="b")
    assert set(scoped(personas["district_admin_a"], AuditEvent)
               .values_list("summary", flat=True)) == {"a"}
    assert scoped(personas["state_admin"], AuditEvent).count() == 2
    for persona in ("officer_a", "csc_a", "worker_a", "employer_a", "maker"):
        assert not scoped(personas[persona], AuditEvent).exists()


def test_jobs_are_seen_by_their_creator_and_the_state_admin(personas):
    job = Job.objects.create(kind="audit_export", created_by=personas["officer_a"])
    assert list(scoped(personas["officer_a"], Job)) == [job]
    assert list(scoped(personas["state_admin"], Job)) == [job]
    assert not scoped(personas["officer_b"], Job).exists()


def test_roles_combine_into_the_union_of_what_each_allows(personas, district_b):
    from core.services import user_district_grant, user_role_grant

    officer = personas["officer_a"]
    user_role_grant(actor=None, user=officer, role=R.DISTRICT_ADMIN)
    user_district_grant(actor=None, user=officer, district=district_b)
    assert set(scoped(officer, District).values_list("name_en", flat=True)) == {
        "Raipur", "Bilaspur"}


def test_every_registered_model_denies_a_user_without_roles(db):
    from tests.core.factories import UserFactory

    nobody = UserFactory()
    for model in scoping.registered_models():
        if model is User:
            continue
        assert not scoped(nobody, model).exists(), model
