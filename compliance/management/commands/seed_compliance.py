"""Demo bonded and child labour cases at every stage (development only).

Runs after ``seed_welfare``. Cases go through the real services, so numbers,
stages, history and audit are real; dates are set back afterwards so that the demo
shows overdue assistance, visits due and time to each milestone.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from compliance import services
from compliance.models import BondedCase, ChildCase, Factory, RescueOperation
from core.models import District, State, User


class Command(BaseCommand):
    help = "Load demo rescue cases, factories, inspections and cess (development only)."

    @transaction.atomic
    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_compliance is for development only (DEBUG off).")
        today = timezone.localdate()
        raipur = District.objects.get(name_en="Raipur")
        if BondedCase.objects.exists():
            self.stdout.write("Demo rescue cases already present.")
        else:
            self._rescue_cases()
        if Factory.objects.exists():
            self.stdout.write("Demo factories already present.")
        else:
            self._safety_and_cess(raipur, today)

    def _rescue_cases(self):
        """Bonded labour cases at every stage, a release in another state, rescued children."""
        officer = User.objects.get(username="officer.raipur")
        admin = User.objects.get(username="stateadmin")
        raipur = District.objects.get(name_en="Raipur")
        bilaspur = District.objects.get(name_en="Bilaspur")
        home = raipur.state
        today = timezone.localdate()

        kiln = services.rescue_operation_create(actor=officer, data={
            "rescued_on": today - timedelta(days=50), "place": "Brick kiln, Dharsiwa",
            "state": home, "district": raipur, "agency": "District administration and police",
            "vigilance_committee": "Raipur district vigilance committee"})
        people = [
            ("Budhram Dhruw", "male", 38, "general", raipur),
            ("Sukhmati Bai", "female", 32, "special", raipur),
            # Keyed here first; his home turns out to be Bilaspur (handed over below).
            ("Ramlal Kanwar", "male", 45, "general", raipur),
        ]
        cases = []
        for name, gender, age, category, origin in people:
            cases.append(services.bonded_case_create(actor=officer, operation_id=kiln.pk, data={
                "name": name, "gender": gender, "age": age, "category": category,
                "origin_district": origin, "mobile": "", "employer_name": "Kiln owner R. Agrawal",
                "work": "Brick kiln", "advance_amount": Decimal("25000"),
                "certificate_number": f"RC/{len(cases) + 1}/{today.year}",
                "certificate_on": kiln.rescued_on, "certificate_magistrate": "SDM Dharsiwa"}))
        # One assisted in time and rehabilitating, with the employer's FIR and trial.
        first = cases[0]
        services.bonded_assistance_record(actor=officer, case_id=first.pk,
                                          amount=Decimal(settings.COMPLIANCE_ASSISTANCE_AMOUNT),
                                          paid_on=kiln.rescued_on + timedelta(days=6))
        services.rehab_component_save(actor=officer, case_id=first.pk, kind="cash",
                                      amount=Decimal("50000"), status="done",
                                      status_on=kiln.rescued_on + timedelta(days=30))
        services.rehab_component_save(actor=officer, case_id=first.pk, kind="skill",
                                      amount=None, status="in_progress",
                                      status_on=kiln.rescued_on + timedelta(days=35),
                                      details="Masonry course, ITI Raipur")
        services.bonded_legal_save(actor=officer, case_id=first.pk, data={
            "fir_police_station": "Dharsiwa", "fir_number": "112/2026",
            "fir_on": kiln.rescued_on + timedelta(days=1),
            "fir_sections": "BLSA 1976 s.16-18; BNS s.146",
            "chargesheet_on": kiln.rescued_on + timedelta(days=40),
            "court_name": "CJM Raipur", "court_case_number": "RCC 455/2026"})
        # The second still waits (overdue); the third is handed over to Bilaspur at home.
        services.bonded_case_hand_over(actor=officer, case_id=cases[2].pk, district=bilaspur)

        # A release in another state: created by the home district, awaiting assistance.
        other = State.objects.exclude(pk=home.pk).filter(code="UP").first() or \
            State.objects.exclude(pk=home.pk).first()
        if other is not None:
            away = services.rescue_operation_create(actor=admin, data={
                "rescued_on": today - timedelta(days=12), "place": "Brick kiln",
                "state": other, "place_district_name": "Prayagraj",
                "agency": "Anti-human trafficking unit, with an NGO"})
            services.bonded_case_create(actor=admin, operation_id=away.pk, data={
                "name": "Santosh Sahu", "gender": "male", "age": 27, "category": "general",
                "origin_district": raipur, "employer_name": "Kiln contractor",
                "work": "Brick kiln", "mobile": ""})

        survey = services.child_survey_save(actor=officer, data={
            "district": raipur, "area": "Station road and Pandri market",
            "starts_on": today - timedelta(days=20), "ends_on": today - timedelta(days=18),
            "team": "Labour inspector, AHTU, Childline", "cwc_members": "CWC Raipur",
            "establishments_visited": 42, "children_found": 2,
            "findings": "Two children washing dishes at roadside eateries."})
        child = services.child_case_create(actor=officer, data={
            "district": raipur, "survey": survey, "rescued_on": survey.starts_on,
            "name": "Sonu", "gender": "male", "age": 13, "age_proof": "school",
            "guardian_name": "Ramesh", "establishment_name": "Sharma Dhaba",
            "employer_name": "Vinod Sharma", "work": "Washing dishes"})
        services.child_case_update(actor=officer, case_id=child.pk, section="order", data={
            "cwc_order_number": "CWC/RPR/88", "cwc_order_on": survey.starts_on,
            "placement": "family", "placement_details": "Restored to parents"})
        services.child_case_create(actor=officer, data={
            "district": raipur, "survey": survey, "rescued_on": survey.starts_on,
            "name": "Pinki", "gender": "female", "age": 15, "age_proof": "none",
            "establishment_name": "Gupta Tea Stall", "employer_name": "Ravi Gupta",
            "work": "Serving tea", "is_hazardous": False})
        # Visits fall due: the first visit of the kiln's people is set to last week.
        BondedCase.objects.filter(operation=kiln).update(next_visit_on=today - timedelta(days=7))
        self.stdout.write(f"Rescue cases: {RescueOperation.objects.count()} operations, "
                          f"{BondedCase.objects.count()} bonded labour cases, "
                          f"{ChildCase.objects.count()} children.")

    def _safety_and_cess(self, raipur, today):
        """The demo employer's factories, a construction project with cess, an inspection
        plan, an accident, a workshop and a self-certification (all in Raipur)."""
        from employers.services import establishment_register

        employer = User.objects.get(username="employer")
        inspector = User.objects.get(username="inspector.raipur")
        officer = User.objects.get(username="officer.raipur")
        factories = {}
        for name, sector, workers, hazardous in [
            ("Raipur Steel Castings", "steel", 260, True),
            ("Chhattisgarh Chemicals", "chemicals", 140, True),
            ("Urla Food Products", "food", 45, False),
        ]:
            establishment = establishment_register(actor=employer, data={
                "name": name, "kind": "factory", "sector": sector, "district": raipur,
                "address": "Urla Industrial Area, Raipur", "pan": "AAACR1234F",
                "workers_count": workers})
            factories[name] = services.factory_register(
                actor=employer, establishment_id=establishment.pk, data={
                    "licence_number": f"FL/RPR/{len(factories) + 101}",
                    "licence_valid_until": today + timedelta(days=300),
                    "workers_employed": workers, "is_hazardous": hazardous})
        food = factories["Urla Food Products"]
        services.self_certify(actor=employer, establishment_id=food.establishment_id,
                              acts=["factories", "wages"], is_declared=True,
                              registers=ContentFile(b"%PDF-1.4\n% demo registers\n%%EOF\n",
                                                    name="registers.pdf"))
        services.accident_report(actor=employer, factory_id=factories[
            "Raipur Steel Castings"].pk, data={
            "occurred_at": timezone.now() - timedelta(days=40), "place": "Induction furnace",
            "severity": "serious", "persons_injured": 1, "persons_killed": 0,
            "cause": "Molten metal splash during tapping"})
        services.inspection_plan_month(actor=inspector, district=raipur, month=today, seed=1)
        workshop = services.workshop_save(actor=inspector, data={
            "district": raipur, "held_on": today - timedelta(days=10),
            "topic": "Safe handling of hazardous chemicals", "trainer": "Dr. A. Verma",
            "venue": "District labour office"})
        services.workshop_attendance_record(actor=inspector, workshop_id=workshop.pk,
                                            factory_id=factories["Chhattisgarh Chemicals"].pk,
                                            attendees=6)
        builder = establishment_register(actor=employer, data={
            "name": "Shree Builders", "kind": "construction", "sector": "construction",
            "district": raipur, "address": "Shankar Nagar, Raipur", "pan": "AAACS5678K",
            "workers_count": 80})
        project = services.project_register(actor=employer, establishment_id=builder.pk, data={
            "name": "Shree Heights (G+8 residential)", "site": "Kamal Vihar, Raipur",
            "estimated_cost": Decimal("80000000"), "starts_on": today - timedelta(days=200),
            "completes_on": today + timedelta(days=500),
            "approval_authority": "Raipur Development Authority"})
        assessment = services.cess_self_assess(actor=employer, project_id=project.pk,
                                               cost=Decimal("80000000"))
        # Assessed months ago and not paid: the project shows among the defaulters.
        type(assessment).objects.filter(pk=assessment.pk).update(
            due_on=today - timedelta(days=75))
        services.cess_order_issue(actor=officer, project_id=project.pk,
                                  cost=Decimal("92000000"), order_number="CESS/RPR/2026/14",
                                  reason="Cost revised by the approved estimate",
                                  due_on=today - timedelta(days=20))
        self.stdout.write("Factories, inspections and cess: 3 factories, 1 project, "
                          f"{factories['Raipur Steel Castings'].inspections.count()} inspection "
                          "of the steel works planned this month.")
