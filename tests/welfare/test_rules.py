"""The eligibility engine: one case per rule, the limits across a family, all reasons at once."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from registration.models import FamilyMember, Worker
from tests.welfare.factories import SchemeFactory, active_worker, application_at
from welfare import services
from welfare.models import Scheme
from welfare.rules import age_on, eligibility_check

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def reasons(scheme, worker, **kwargs):
    return eligibility_check(scheme=scheme, worker=worker, **kwargs).reasons


def member(worker, relation, name=None):
    members = worker.family.filter(relation=relation)
    return members.get(name=name) if name else members.first()


def academic_year_start(on: date) -> date:
    return date(on.year if on.month >= 4 else on.year - 1, 4, 1)


def parents_of_the_same_children(district):
    """A mother and a father who are both registered, each recording the other and the children.

    The children are recorded by both with the same names and dates of birth, as two
    registrations of one family would have them.
    """
    mother = active_worker(district=district)  # Sunita Bai, born 17/05/1990; spouse Ramesh
    father = active_worker(district=district, gender=Worker.Gender.MALE, spouse=False)
    Worker.objects.filter(pk=father.pk).update(date_of_birth=date(1988, 3, 2))
    father.refresh_from_db()
    FamilyMember.objects.create(worker=father, name="SUNITA  bai",
                                relation=FamilyMember.Relation.SPOUSE,
                                date_of_birth=date(1990, 5, 17))
    return mother, father


# --- The scheme is open -------------------------------------------------------------


def test_inactive_scheme_is_refused(district_a):
    scheme = SchemeFactory(is_active=False)
    worker = active_worker(district=district_a)
    assert reasons(scheme, worker) == ["This scheme is not accepting applications now."]


def test_scheme_not_yet_open_names_its_opening_date(district_a):
    opens = today() + timedelta(days=30)
    scheme = SchemeFactory(opens_on=opens)
    worker = active_worker(district=district_a)
    assert reasons(scheme, worker) == [f"Applications open on {opens:%d/%m/%Y}."]


def test_scheme_closed_names_its_closing_date(district_a):
    scheme = SchemeFactory(opens_on=date(2020, 1, 1), closes_on=date(2020, 3, 31))
    worker = active_worker(district=district_a)
    assert reasons(scheme, worker) == ["Applications closed on 31/03/2020."]


def test_scheme_accepts_claims_on_its_first_and_last_day(district_a):
    scheme = SchemeFactory(opens_on=today() - timedelta(days=10), closes_on=today())
    worker = active_worker(district=district_a)
    assert reasons(scheme, worker, on=today()) == []
    assert reasons(scheme, worker, on=today() - timedelta(days=10)) == []
    assert reasons(scheme, worker, on=today() - timedelta(days=11)) != []


# --- The worker ---------------------------------------------------------------------


def test_worker_not_yet_approved_is_refused(district_a):
    scheme = SchemeFactory()
    worker = active_worker(district=district_a)
    Worker.objects.filter(pk=worker.pk).update(status=Worker.Status.SUBMITTED)
    worker.refresh_from_db()
    assert reasons(scheme, worker) == ["Only a worker with an approved registration can apply."]


def test_expired_worker_is_told_to_renew(district_a):
    scheme = SchemeFactory()
    worker = active_worker(district=district_a)
    Worker.objects.filter(pk=worker.pk).update(status=Worker.Status.EXPIRED)
    worker.refresh_from_db()
    assert reasons(scheme, worker) == ["The registration has expired; renew it first."]


def test_active_worker_past_validity_counts_as_expired_on_that_day(district_a):
    scheme = SchemeFactory()
    worker = active_worker(district=district_a)
    assert reasons(scheme, worker, on=worker.valid_until) == []
    assert reasons(scheme, worker, on=worker.valid_until + timedelta(days=1)) == [
        "The registration has expired; renew it first."]


def test_worker_of_another_category_is_refused(district_a):
    scheme = SchemeFactory(categories=["boc"])
    worker = active_worker(district=district_a)
    Worker.objects.filter(pk=worker.pk).update(category=Worker.Category.MIGRANT)
    worker.refresh_from_db()
    assert reasons(scheme, worker) == [
        "This scheme is for: Building and other construction worker."]


def test_scheme_without_categories_takes_every_category(district_a):
    scheme = SchemeFactory(categories=[])
    worker = active_worker(district=district_a)
    Worker.objects.filter(pk=worker.pk).update(category=Worker.Category.GIG)
    worker.refresh_from_db()
    assert reasons(scheme, worker) == []


def test_membership_shorter_than_required_is_refused_with_the_days(district_a):
    scheme = SchemeFactory(min_membership_days=90)
    worker = active_worker(district=district_a, registered_days_ago=30)
    assert reasons(scheme, worker) == [
        "The worker must have been registered for at least 90 days (registered for 30 days)."]


def test_membership_of_exactly_the_required_days_is_enough(district_a):
    scheme = SchemeFactory(min_membership_days=90)
    worker = active_worker(district=district_a, registered_days_ago=90)
    assert reasons(scheme, worker) == []
    assert reasons(scheme, worker, on=today() - timedelta(days=1)) != []


def test_worker_younger_than_minimum_age_is_refused_until_the_birthday(district_a):
    scheme = SchemeFactory(min_age=60)
    worker = active_worker(district=district_a)  # born 17/05/1990
    Worker.objects.filter(pk=worker.pk).update(valid_until=date(2051, 1, 1))
    worker.refresh_from_db()
    assert reasons(scheme, worker, on=date(2050, 5, 16)) == [
        "The worker must be at least 60 years old (is 59)."]
    assert reasons(scheme, worker, on=date(2050, 5, 17)) == []


def test_worker_older_than_maximum_age_is_refused(district_a):
    scheme = SchemeFactory(max_age=35)
    worker = active_worker(district=district_a)  # 36 in November 2026
    assert reasons(scheme, worker, on=date(2026, 11, 23)) == [
        "The worker must be at most 35 years old (is 36)."]
    assert reasons(scheme, worker, on=date(2026, 5, 16)) == []


# --- Who the claim is for -----------------------------------------------------------


def test_child_scheme_requires_a_son_or_daughter(district_a, edu_scheme):
    worker = active_worker(district=district_a)
    slab = edu_scheme.slabs.first()
    expected = ["Choose the son or daughter the claim is for."]
    assert reasons(edu_scheme, worker, slab=slab) == expected
    assert reasons(edu_scheme, worker, slab=slab,
                   family_member=member(worker, FamilyMember.Relation.SPOUSE)) == expected
    assert reasons(edu_scheme, worker, slab=slab,
                   family_member=member(worker, FamilyMember.Relation.SON)) == []


def test_child_scheme_page_says_when_no_child_is_recorded(district_a, edu_scheme):
    worker = active_worker(district=district_a, children=0)
    assert reasons(edu_scheme, worker, is_complete=False) == [
        "No son or daughter is recorded in the worker's family details."]


def test_self_only_scheme_refuses_a_family_member(district_a):
    scheme = SchemeFactory(beneficiary=Scheme.Beneficiary.SELF)
    worker = active_worker(district=district_a)
    assert reasons(scheme, worker,
                   family_member=member(worker, FamilyMember.Relation.SPOUSE)) == [
        "This scheme is for the worker only."]


def test_self_or_spouse_scheme_refuses_a_child(district_a):
    scheme = SchemeFactory(beneficiary=Scheme.Beneficiary.SELF_OR_SPOUSE)
    worker = active_worker(district=district_a)
    assert reasons(scheme, worker,
                   family_member=member(worker, FamilyMember.Relation.DAUGHTER)) == [
        "This scheme is for the worker or the worker's wife / husband."]
    assert reasons(scheme, worker,
                   family_member=member(worker, FamilyMember.Relation.SPOUSE)) == []


def test_member_of_another_workers_family_is_refused(district_a):
    scheme = SchemeFactory(beneficiary=Scheme.Beneficiary.FAMILY)
    worker, other = active_worker(district=district_a), active_worker(district=district_a)
    assert reasons(scheme, worker, family_member=member(other, FamilyMember.Relation.SON)) == [
        "Choose a member of the worker's own family."]


# --- Gender -------------------------------------------------------------------------


def test_male_worker_claiming_maternity_for_himself_is_refused(district_a, mat_scheme):
    worker = active_worker(district=district_a, gender=Worker.Gender.MALE)
    assert reasons(mat_scheme, worker) == ["This scheme is for a female beneficiary."]


def test_male_worker_may_claim_maternity_for_his_wife(district_a, mat_scheme):
    worker = active_worker(district=district_a, gender=Worker.Gender.MALE)
    wife = member(worker, FamilyMember.Relation.SPOUSE)
    assert wife.gender == ""  # known from the relation and his own gender
    assert reasons(mat_scheme, worker, family_member=wife) == []
    assert reasons(mat_scheme, worker, is_complete=False) == []


def test_female_worker_may_claim_maternity_for_herself(district_a, mat_scheme):
    worker = active_worker(district=district_a)
    assert reasons(mat_scheme, worker) == []


def test_female_worker_claiming_maternity_for_her_husband_is_refused(district_a, mat_scheme):
    worker = active_worker(district=district_a)
    assert reasons(mat_scheme, worker,
                   family_member=member(worker, FamilyMember.Relation.SPOUSE)) == [
        "This scheme is for a female beneficiary."]


# --- Slab and amount ----------------------------------------------------------------


def test_slab_scheme_requires_a_slab_of_its_own(district_a, edu_scheme):
    worker = active_worker(district=district_a)
    child = member(worker, FamilyMember.Relation.DAUGHTER)
    other_scheme = SchemeFactory(amount=None)
    foreign = other_scheme.slabs.create(label_en="x", label_hi="x", amount=Decimal("10"))
    expected = ["Choose the slab (e.g. the class) the claim is for."]
    assert reasons(edu_scheme, worker, family_member=child) == expected
    assert reasons(edu_scheme, worker, family_member=child, slab=foreign) == expected


def test_claim_amount_is_the_slabs_or_the_schemes(district_a, edu_scheme, mat_scheme):
    worker = active_worker(district=district_a)
    slab = edu_scheme.slabs.get(label_en="Class 9 to 10")
    result = eligibility_check(scheme=edu_scheme, worker=worker, slab=slab,
                               family_member=member(worker, FamilyMember.Relation.SON))
    assert result.amount == Decimal("3000")
    assert eligibility_check(scheme=mat_scheme, worker=worker).amount == Decimal("20000")


# --- Limits -------------------------------------------------------------------------


def test_third_maternity_claim_is_refused(personas, district_a, mat_scheme):
    worker = active_worker(district=district_a)
    for _ in range(2):  # two deliveries of the same woman
        application_at("submitted", worker=worker, scheme=mat_scheme,
                       officer=personas["officer_a"])
    assert reasons(mat_scheme, worker) == [
        "This scheme allows at most 2 claims per worker in a lifetime; 2 already made."]
    with pytest.raises(ValidationError, match="at most 2 claims"):
        application_at("submitted", worker=worker, scheme=mat_scheme,
                       officer=personas["officer_a"])
    assert worker.applications.count() == 2


def test_limit_per_beneficiary_counts_the_claims_both_spouses_make_for_one_woman(
        personas, district_a):
    scheme = SchemeFactory(code="mat2", gender=Worker.Gender.FEMALE,
                           beneficiary=Scheme.Beneficiary.SELF_OR_SPOUSE, limit_count=2,
                           limit_scope=Scheme.LimitScope.BENEFICIARY)
    mother, father = parents_of_the_same_children(district_a)
    wife = member(father, FamilyMember.Relation.SPOUSE)
    application_at("submitted", worker=mother, scheme=scheme, officer=personas["officer_a"])
    application_at("submitted", worker=father, scheme=scheme, officer=personas["officer_a"],
                   family_member=wife)
    third = ["This scheme allows at most 2 claims per beneficiary (e.g. per child) in a "
             "lifetime; 2 already made."]
    assert reasons(scheme, mother) == third
    assert reasons(scheme, father, family_member=wife) == third


def test_same_child_twice_in_one_academic_year_is_refused(personas, district_a, edu_scheme):
    worker = active_worker(district=district_a)
    child = member(worker, FamilyMember.Relation.DAUGHTER)
    first = application_at("submitted", worker=worker, scheme=edu_scheme,
                           officer=personas["officer_a"], family_member=child)
    last_day = academic_year_start(today()).replace(year=academic_year_start(today()).year + 1) \
        - timedelta(days=1)
    Worker.objects.filter(pk=worker.pk).update(valid_until=last_day + timedelta(days=400))
    worker.refresh_from_db()
    assert reasons(edu_scheme, worker, family_member=child, slab=first.slab,
                   on=last_day) == [
        f"This claim has already been made (application {first.number})."]


def test_same_child_may_claim_again_in_the_next_academic_year(personas, district_a,
                                                              edu_scheme):
    worker = active_worker(district=district_a)
    child = member(worker, FamilyMember.Relation.DAUGHTER)
    first = application_at("submitted", worker=worker, scheme=edu_scheme,
                           officer=personas["officer_a"], family_member=child)
    start = academic_year_start(today())
    next_year = start.replace(year=start.year + 1)
    Worker.objects.filter(pk=worker.pk).update(valid_until=next_year + timedelta(days=400))
    worker.refresh_from_db()
    assert reasons(edu_scheme, worker, family_member=child, slab=first.slab,
                   on=next_year) == []
    assert eligibility_check(scheme=edu_scheme, worker=worker, family_member=child,
                             on=next_year).period_key == f"AY{next_year.year}"


def test_other_child_of_the_same_worker_may_claim_in_the_same_year(personas, district_a,
                                                                   edu_scheme):
    worker = active_worker(district=district_a)
    application_at("submitted", worker=worker, scheme=edu_scheme,
                   officer=personas["officer_a"],
                   family_member=member(worker, FamilyMember.Relation.DAUGHTER))
    assert reasons(edu_scheme, worker, family_member=member(worker, FamilyMember.Relation.SON),
                   slab=edu_scheme.slabs.first()) == []


def test_two_registered_parents_cannot_claim_education_for_the_same_child_in_a_year(
        personas, district_a, edu_scheme):
    mother, father = parents_of_the_same_children(district_a)
    application_at("submitted", worker=mother, scheme=edu_scheme,
                   officer=personas["officer_a"],
                   family_member=member(mother, FamilyMember.Relation.DAUGHTER))
    fathers_radha = member(father, FamilyMember.Relation.DAUGHTER)
    assert reasons(edu_scheme, father, family_member=fathers_radha,
                   slab=edu_scheme.slabs.first()) == [
        "This scheme allows at most 1 claims per beneficiary (e.g. per child) per academic "
        "year; 1 already made."]
    with pytest.raises(ValidationError, match="at most 1 claims"):
        application_at("submitted", worker=father, scheme=edu_scheme,
                       officer=personas["officer_a"], family_member=fathers_radha)
    assert father.applications.count() == 0


def test_child_identity_ignores_case_and_spacing_of_the_name(personas, district_a,
                                                             edu_scheme):
    mother, father = parents_of_the_same_children(district_a)
    father.family.filter(name="Radha").update(name="  RADHA ")
    application_at("submitted", worker=mother, scheme=edu_scheme,
                   officer=personas["officer_a"],
                   family_member=member(mother, FamilyMember.Relation.DAUGHTER))
    assert reasons(edu_scheme, father, family_member=member(father, "daughter"),
                   slab=edu_scheme.slabs.first()) != []


def test_marriage_is_allowed_at_most_twice_per_family_across_husband_and_wife(
        personas, district_a, mar_scheme):
    mother, father = parents_of_the_same_children(district_a)
    application_at("submitted", worker=mother, scheme=mar_scheme,
                   officer=personas["officer_a"],
                   family_member=member(mother, FamilyMember.Relation.DAUGHTER))
    assert reasons(mar_scheme, father,
                   family_member=member(father, FamilyMember.Relation.SON)) == []
    application_at("submitted", worker=father, scheme=mar_scheme,
                   officer=personas["officer_a"],
                   family_member=member(father, FamilyMember.Relation.SON))
    third = ["This scheme allows at most 2 claims per family in a lifetime; 2 already made."]
    extra = FamilyMember.objects.create(worker=mother, name="Geeta",
                                        relation=FamilyMember.Relation.DAUGHTER,
                                        date_of_birth=date(2008, 1, 1))
    assert reasons(mar_scheme, mother, family_member=extra) == third
    assert reasons(mar_scheme, father) == third
    assert reasons(mar_scheme, father, is_complete=False) == third


def test_same_daughters_marriage_cannot_be_claimed_by_both_parents(personas, district_a,
                                                                   mar_scheme):
    mother, father = parents_of_the_same_children(district_a)
    first = application_at("submitted", worker=mother, scheme=mar_scheme,
                           officer=personas["officer_a"],
                           family_member=member(mother, FamilyMember.Relation.DAUGHTER))
    assert reasons(mar_scheme, father,
                   family_member=member(father, FamilyMember.Relation.DAUGHTER)) == [
        f"This claim has already been made (application {first.number})."]


def test_rejected_application_frees_its_slot(personas, district_a, edu_scheme):
    worker = active_worker(district=district_a)
    child = member(worker, FamilyMember.Relation.DAUGHTER)
    first = application_at("submitted", worker=worker, scheme=edu_scheme,
                           officer=personas["officer_a"], family_member=child)
    services.application_reject(actor=personas["officer_a"], application_id=first.pk,
                                reason="Fee receipt is of another school")
    assert reasons(edu_scheme, worker, family_member=child, slab=first.slab) == []
    again = application_at("submitted", worker=worker, scheme=edu_scheme,
                           officer=personas["officer_a"], family_member=child)
    assert again.claim_slot == first.claim_slot == 1


def test_rejected_maternity_claim_does_not_count_towards_the_two(personas, district_a,
                                                                 mat_scheme):
    worker = active_worker(district=district_a)
    officer = personas["officer_a"]
    first = application_at("submitted", worker=worker, scheme=mat_scheme, officer=officer)
    application_at("submitted", worker=worker, scheme=mat_scheme, officer=officer)
    services.application_reject(actor=officer, application_id=first.pk, reason="Duplicate")
    assert reasons(mat_scheme, worker) == []
    application_at("submitted", worker=worker, scheme=mat_scheme, officer=officer)
    assert worker.applications.exclude(status="rejected").count() == 2


# --- All at once --------------------------------------------------------------------


def test_every_reason_is_returned_at_once(district_a, edu_scheme):
    Scheme.objects.filter(pk=edu_scheme.pk).update(is_active=False, min_age=60)
    edu_scheme.refresh_from_db()
    worker = active_worker(district=district_a, registered_days_ago=10)
    Worker.objects.filter(pk=worker.pk).update(category=Worker.Category.GIG)
    worker.refresh_from_db()
    age = age_on(worker.date_of_birth, today())
    assert reasons(edu_scheme, worker, family_member=member(worker, "spouse")) == [
        "This scheme is not accepting applications now.",
        "This scheme is for: Building and other construction worker.",
        "The worker must have been registered for at least 90 days (registered for 10 days).",
        f"The worker must be at least 60 years old (is {age}).",
        "Choose the son or daughter the claim is for.",
        "Choose the slab (e.g. the class) the claim is for.",
    ]


def test_man_without_a_recorded_wife_is_told_before_applying_for_maternity(district_a,
                                                                          mat_scheme):
    worker = active_worker(district=district_a, gender=Worker.Gender.MALE, spouse=False)
    assert "No wife / husband is recorded in the worker's family details." in reasons(
        mat_scheme, worker, is_complete=False)


def test_man_with_a_recorded_wife_may_look_at_maternity(district_a, mat_scheme):
    worker = active_worker(district=district_a, gender=Worker.Gender.MALE)
    assert reasons(mat_scheme, worker, is_complete=False) == []
