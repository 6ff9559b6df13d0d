"""The URL access policy of Shram Portal, written from the product rules.

One entry per named route: which roles may open it and, for a URL naming an object,
whose objects. It is derived from DESIGN.md ("who uses it"), DECISIONS.md, SECURITY.md
and the scoping rules, not from the views, so that a view that lets in a role or an
object the product keeps out shows up as a difference (see test_url_policy.py).

* ``roles``: a set of role codes, or one of the markers PUBLIC (anyone, also anonymous),
  LOGGED_IN (any authenticated user) and NOBODY.
* ``scope``: the kind of object named in the URL (a key of SCOPES). A role in ``roles``
  may open the URL only for objects its scope rule reaches; any other object answers
  404, exactly like a missing one.
* ``post_roles``: who may POST, when that differs from who may open the page.
* ``get_status``: what an allowed GET answers: 200, 302 for pages that redirect on GET
  (nothing pending), 405 for action URLs that only take POST.
* ``is_action``: the URL changes state on POST (the matrix POSTs it as every persona
  that may not, and checks that nothing changed).
* ``export``: the list exports what it shows (``?export=csv``).

Refusals: an authenticated user who may not open a URL gets 404 (RoleRequiredMixin, or
an object outside scope); an anonymous visitor is redirected to a login page.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.roles import RoleCode as R

PUBLIC = "PUBLIC"
LOGGED_IN = "LOGGED_IN"
NOBODY = "NOBODY"

SA, DA, LO, SI = R.STATE_ADMIN, R.DISTRICT_ADMIN, R.LABOUR_OFFICER, R.SAFETY_INSPECTOR
HL, MK, CK, CSC = R.HELPLINE_AGENT, R.ACCOUNTS_MAKER, R.ACCOUNTS_CHECKER, R.CSC_OPERATOR
EMP, W = R.EMPLOYER, R.WORKER

ACCOUNTS = frozenset({MK, CK})


@dataclass(frozen=True)
class Rule:
    roles: frozenset | str
    scope: str | None = None
    post_roles: frozenset | str | None = None
    get_status: int = 200
    is_action: bool = False
    export: bool = False
    group: str = ""  # "allauth" or "admin": third-party screens, checked more loosely
    note: str = ""

    def allows_role(self, role_codes, *, method: str = "GET") -> bool:
        """Return whether a user holding ``role_codes`` passes the role part of the rule."""
        roles = self.post_roles if method == "POST" and self.post_roles is not None \
            else self.roles
        if roles == PUBLIC:
            return True
        if roles == NOBODY:
            return False
        if roles == LOGGED_IN:
            return role_codes is not None
        return bool(set(role_codes or ()) & set(roles))


def roles(*codes) -> frozenset:
    return frozenset(codes)


def page(allowed, scope=None, **kwargs) -> Rule:
    """A page opened by GET (a form page may also be POSTed: ``is_action=True``)."""
    return Rule(roles=allowed if isinstance(allowed, str) else frozenset(allowed),
                scope=scope, **kwargs)


def listing(allowed, **kwargs) -> Rule:
    """A scoped, filtered list that exports what it shows."""
    return page(allowed, export=True, **kwargs)


def action(allowed, scope=None, **kwargs) -> Rule:
    """A POST-only URL that changes state (a GET answers 405 to those allowed)."""
    return page(allowed, scope=scope, get_status=405, is_action=True, **kwargs)


# --- Scopes: which objects a role reaches ----------------------------------------------------
#
# Relations: "all" (every object), "district" (the object's district is in the user's
# jurisdiction), "home_district" (a CSC operator's home district), "registered_by" (the
# user keyed the worker's registration), "owner" (the worker's login), "applied_by" (the
# user made the application), "created_by" (the user started the job).

SCOPES: dict[str, dict[str, tuple[str, ...]]] = {
    # DESIGN: a worker sees their own records, an operator the records they created, an
    # officer and a district admin their districts, the state admin everything.
    "worker": {SA: ("all",), DA: ("district",), LO: ("district",),
               CSC: ("registered_by",), W: ("owner",)},
    # An operator sees the applications they made and those of workers they registered;
    # accounts staff pay applications of every district (the board is state-wide).
    "application": {SA: ("all",), DA: ("district",), LO: ("district",),
                    CSC: ("applied_by", "registered_by"), W: ("owner",),
                    MK: ("all",), CK: ("all",)},
    # An application's documents (family certificates) are not the accounts staff's: they
    # pay what was sanctioned, they do not read the worker's papers (welfare scoping rules
    # give ApplicationDocument no rule for the accounts roles).
    "application_document": {SA: ("all",), DA: ("district",), LO: ("district",),
                             CSC: ("applied_by", "registered_by"), W: ("owner",)},
    "card": {SA: ("all",), DA: ("district",), LO: ("district",),
             CSC: ("registered_by",), W: ("owner",)},
    "district": {SA: ("all",), DA: ("district",), LO: ("district",), SI: ("district",),
                 CSC: ("home_district",)},
    "camp": {SA: ("all",), DA: ("district",), LO: ("district",), CSC: ("home_district",)},
    # A background job and its file belong to whoever started it (and the state admin).
    "job": {SA: ("all",), **{role: ("created_by",) for role in R.values if role != SA}},
    # Batches carry bank details of every district: state-level accounts staff and the
    # state admin only.
    "batch": {SA: ("all",), MK: ("all",), CK: ("all",)},
    # Migrants: a journey and a ticket belong to the home district's officers; the
    # helpline (state-wide, no desk) reaches every one; surveys are the district's.
    "migrant": {SA: ("all",), DA: ("district",), LO: ("district",), HL: ("all",)},
    "survey": {SA: ("all",), DA: ("district",), LO: ("district",)},
    "ticket": {SA: ("all",), DA: ("district",), LO: ("district",), HL: ("all",)},
    # Bonded labour: the officials of the home district and of the district of release.
    # Children: the district's labour officers and district admin and the state admin only.
    **{kind: {SA: ("all",), DA: ("district",), LO: ("district",)}
       for kind in ("operation", "bonded_case", "child_case", "child_survey")},
    # Establishments and their safety records: the district's officials and inspectors,
    # and the employer who owns them (never another employer).
    **{kind: {SA: ("all",), DA: ("district",), LO: ("district",), SI: ("district",),
              EMP: ("employer",)}
       for kind in ("establishment", "factory", "inspection", "accident", "certification")},
    # Cess is the labour officers' and the district admin's (not the inspectors').
    "project": {SA: ("all",), DA: ("district",), LO: ("district",), EMP: ("employer",)},
    # Training workshops are open to every employer.
    "workshop": {SA: ("all",), DA: ("district",), LO: ("district",), SI: ("district",),
                 EMP: ("all",)},
}

REGISTRARS = roles(W, CSC, LO, SA)          # who may register a worker
WORKER_VIEWERS = roles(W, CSC, LO, DA, SA)  # who may open a worker's record (in scope)
VERIFIERS = roles(LO, SA)                   # who decides on registrations, issues cards
APPLICANTS = roles(W, CSC, LO, SA)          # who may apply for a worker
OFFICERS = roles(LO, DA, SA)                # who decides on applications (DA: above the
#                                             officer's delegated sanction limit)
APPLICATION_VIEWERS = OFFICERS | roles(W, CSC) | ACCOUNTS
CASE_READERS = roles(LO, DA, SA)            # bonded and child labour cases (DA: read-all)
CASE_KEEPERS = roles(LO, SA)                # who records and updates them
SAFETY_READERS = roles(SA, DA, LO, SI, EMP)  # establishments, factories and their records
INSPECTORS = roles(SI, SA)                  # who plans, inspects and investigates
CESS_READERS = roles(SA, DA, LO, EMP)

POLICY: dict[str, Rule] = {
    # --- core ----------------------------------------------------------------------------
    "health": page(PUBLIC, note="state of the services only, no personal data"),
    "core:home": page(PUBLIC, note="landing page, or the user's home made for their roles"),
    "core:language_set": action(PUBLIC, note="anyone may switch the interface language"),
    "core:worker_login": page(PUBLIC),
    "core:worker_verify": page(PUBLIC, get_status=302,
                               note="without a code pending, back to the worker login"),
    # Audit: the state admin; a district admin sees the events of their districts.
    "core:auditevent_list": listing({SA, DA}),
    "core:auditevent_export": action({SA, DA}),
    "core:rowchange_list": listing({SA}, note="row history spans every district"),
    "core:record_audit": page({SA}),
    "core:my_record_history": page(LOGGED_IN, note="what the person a record is about sees"),
    "core:district_detail": page({SA, DA, LO, SI, CSC}, scope="district"),
    "core:job_detail": page(LOGGED_IN, scope="job"),
    "core:job_status": page(LOGGED_IN, scope="job"),
    "core:job_file": page(LOGGED_IN, scope="job"),
    # --- registration ----------------------------------------------------------------------
    "registration:worker_start": page(REGISTRARS, is_action=True),
    "registration:worker_consent": page({CSC}, get_status=302, is_action=True,
                                        note="the operator enters the worker's consent code; "
                                             "with none pending, back to the start"),
    "registration:worker_list": listing({CSC, LO, DA, SA}),
    "registration:worker_queue": listing(VERIFIERS),
    "registration:blocks": page(REGISTRARS | {DA}, note="master data for the forms"),
    "registration:villages": page(REGISTRARS | {DA}, note="master data for the forms"),
    "registration:worker_detail": page(WORKER_VIEWERS, scope="worker"),
    "registration:worker_review": page(VERIFIERS, scope="worker"),
    "registration:worker_photo": page(WORKER_VIEWERS, scope="worker"),
    "registration:document_file": page(WORKER_VIEWERS, scope="worker"),
    "registration:worker_documents": page(REGISTRARS, scope="worker", is_action=True),
    "registration:worker_submit": page(REGISTRARS, scope="worker", is_action=True),
    "registration:worker_step": page(REGISTRARS, scope="worker", is_action=True),
    "registration:worker_decision": page(VERIFIERS, scope="worker", is_action=True),
    "registration:camp_list": listing({CSC, LO, DA, SA}),
    "registration:camp_create": page(VERIFIERS, is_action=True),
    "registration:camp_detail": page({CSC, LO, DA, SA}, scope="camp"),
    # Targets: read by the district roles, set by the state admin only.
    "registration:target_list": page({SA, DA, LO}, post_roles=roles(SA), is_action=True),
    "registration:card_download": page(WORKER_VIEWERS, scope="worker"),
    "registration:card_reissue": page(VERIFIERS, scope="worker", is_action=True),
    "registration:card_list": listing({LO, DA, SA}),
    "registration:card_retry": action(VERIFIERS, scope="card",
                                      note="district admins are read-only"),
    "registration:card_print": page({LO, DA, SA}, is_action=True),
    "registration:import_start": page(VERIFIERS, is_action=True),
    "registration:import_template": page(VERIFIERS),
    "registration:import_template_xlsx": page(VERIFIERS),
    "registration:import_result": page(VERIFIERS, scope="job"),
    "registration:import_confirm": action(VERIFIERS, scope="job"),
    # The QR page of a labour card: public, behind a signed token.
    "registration_public:card_verify": page(PUBLIC),
    "registration_public:card_verify_photo": page(PUBLIC),
    # --- welfare -----------------------------------------------------------------------------
    "welfare:scheme_list": page(PUBLIC, note="the catalogue is public information"),
    "welfare:scheme_detail": page(PUBLIC),
    "welfare:scheme_create": page({SA}, is_action=True),
    "welfare:scheme_update": page({SA}, is_action=True),
    "welfare:application_create": page(APPLICANTS, scope="worker", is_action=True),
    "welfare:application_list": listing(APPLICATION_VIEWERS),
    "welfare:application_queue": listing(OFFICERS),
    "welfare:application_detail": page(APPLICATION_VIEWERS, scope="application"),
    "welfare:application_verify": action(OFFICERS, scope="application"),
    "welfare:application_sanction": action(OFFICERS, scope="application"),
    "welfare:application_send_back": action(OFFICERS, scope="application"),
    "welfare:application_reject": action(OFFICERS, scope="application"),
    "welfare:application_payment_retry": action(OFFICERS, scope="application"),
    "welfare:application_resubmit": action({W, CSC}, scope="application"),
    "welfare:application_document": page(APPLICATION_VIEWERS - ACCOUNTS,
                                         scope="application_document"),
    "welfare:batch_list": listing(ACCOUNTS | {SA}),
    "welfare:batch_create": page({MK}, is_action=True),
    "welfare:batch_detail": listing(ACCOUNTS | {SA}, scope="batch"),
    # Approval is the checker's; the endpoint lets the accounts roles in and the service
    # refuses a maker with the reason (maker-checker).
    "welfare:batch_approve": action(ACCOUNTS, scope="batch"),
    "welfare:batch_cancel": action({MK}, scope="batch"),
    # The payment file holds full account numbers: accounts staff only (the state admin
    # oversees batches but takes no copy of the bank details).
    "welfare:batch_file": page(ACCOUNTS, scope="batch", is_action=True),
    "welfare:batch_response_upload": action(ACCOUNTS, scope="batch"),
    "welfare:batch_simulate": action(ACCOUNTS, scope="batch"),
    "welfare:reconciliation": listing(ACCOUNTS | {SA, DA},
                                      note="a district admin: their districts' money only"),
    # --- migrants ------------------------------------------------------------------------
    "migrants:migrant_list": page({SA, DA, LO, HL}),
    "migrants:migrant_create": page({SA, DA, LO}, is_action=True),
    "migrants:migrant_detail": page({SA, DA, LO, HL}, scope="migrant"),
    "migrants:migrant_return": action({SA, DA, LO}, scope="migrant"),
    "migrants:survey_list": page({SA, DA, LO}),
    "migrants:survey_create": page({SA, DA, LO}, is_action=True),
    "migrants:survey_sw": page({SA, DA, LO}, note="the offline page's service worker"),
    "migrants:survey_detail": page({SA, DA, LO}, scope="survey"),
    "migrants:survey_capture": page({SA, DA, LO}, scope="survey"),
    "migrants:survey_sync": action({SA, DA, LO}, scope="survey"),
    "migrants:survey_import": page({SA, DA, LO}, scope="survey", is_action=True),
    "migrants:ticket_list": page({SA, DA, LO, HL, W}, note="a worker sees their own"),
    "migrants:ticket_create": page({SA, HL, W}, is_action=True,
                                   note="calls by the helpline; a worker for themself"),
    "migrants:ticket_detail": page({SA, DA, LO, HL, W}, scope="ticket"),
    "migrants:ticket_note": action({SA, DA, LO, HL}, scope="ticket"),
    "migrants:ticket_transfer": action({SA, DA, LO, HL}, scope="ticket"),
    "migrants:ticket_resolve": action({SA, DA, LO, HL}, scope="ticket"),
    "migrants:ticket_track": page(PUBLIC, is_action=True,
                                  note="number + mobile, then a code; the same answer always"),
    "migrants:ticket_track_code": page(PUBLIC, get_status=302, is_action=True,
                                       note="without a code pending, back to the start"),
    "migrants:ticket_track_status": page(PUBLIC, get_status=302,
                                         note="without a verified code, back to the start"),
    "migrants:desk_list": page(PUBLIC),
    "migrants:desk_create": page({SA}, is_action=True),
    "migrants:desk_update": page({SA}, is_action=True),
    # --- compliance: bonded and child labour --------------------------------------------
    "compliance:overview": listing(CASE_READERS, note="counts of the user's districts"),
    "compliance:visits_due": page(CASE_READERS),
    "compliance:bonded_list": listing(CASE_READERS),
    "compliance:operation_create": page(CASE_KEEPERS, is_action=True),
    "compliance:operation_detail": page(CASE_READERS, scope="operation"),
    "compliance:bonded_create": page(CASE_KEEPERS, scope="operation", is_action=True),
    "compliance:bonded_detail": page(CASE_READERS, scope="bonded_case"),
    "compliance:bonded_certificate": page(CASE_READERS, scope="bonded_case"),
    **{name: page(CASE_KEEPERS, scope="bonded_case", is_action=True)
       for name in ("compliance:bonded_update", "compliance:bonded_hand_over",
                    "compliance:bonded_assistance", "compliance:bonded_component",
                    "compliance:bonded_legal", "compliance:bonded_hearing",
                    "compliance:bonded_visit", "compliance:bonded_worker")},
    "compliance:bonded_assistance_request": action(CASE_KEEPERS, scope="bonded_case"),
    "compliance:bonded_component_pay": action(CASE_KEEPERS, scope="bonded_case"),
    "compliance:child_list": listing(CASE_READERS, note="names only for district officials"),
    "compliance:child_create": page(CASE_KEEPERS, is_action=True),
    "compliance:child_detail": page(CASE_READERS, scope="child_case",
                                    note="every read is an audited sensitive read"),
    "compliance:child_update": page(CASE_KEEPERS, scope="child_case", is_action=True),
    "compliance:child_hearing": page(CASE_KEEPERS, scope="child_case", is_action=True),
    "compliance:child_visit": page(CASE_KEEPERS, scope="child_case", is_action=True),
    "compliance:child_survey_list": listing(CASE_READERS),
    "compliance:child_survey_create": page(CASE_KEEPERS, is_action=True),
    "compliance:child_survey_detail": page(CASE_READERS, scope="child_survey"),
    "compliance:child_survey_update": page(CASE_KEEPERS, scope="child_survey",
                                           is_action=True),
    # --- employers and compliance: factories, cess, self-certification --------------------
    "employers:establishment_list": listing(SAFETY_READERS, note="an employer: their own"),
    "employers:establishment_create": page({EMP}, is_action=True),
    "employers:establishment_detail": page(SAFETY_READERS, scope="establishment"),
    "employers:establishment_update": page({EMP}, scope="establishment", is_action=True),
    "compliance:factory_list": listing(SAFETY_READERS),
    "compliance:factory_register": page({EMP}, scope="establishment", is_action=True),
    "compliance:factory_detail": page(SAFETY_READERS, scope="factory"),
    "compliance:factory_update": page({EMP, SI, SA}, scope="factory", is_action=True),
    "compliance:inspection_list": listing(SAFETY_READERS,
                                          note="an employer: done inspections only"),
    "compliance:inspection_plan": page(INSPECTORS, is_action=True),
    "compliance:inspection_create": page(INSPECTORS, scope="factory", is_action=True),
    "compliance:inspection_detail": page(SAFETY_READERS, scope="inspection"),
    "compliance:inspection_report": page(INSPECTORS, scope="inspection", is_action=True),
    "compliance:inspection_comply": page({EMP}, scope="inspection", is_action=True),
    "compliance:inspection_review": page(INSPECTORS, scope="inspection", is_action=True),
    "compliance:inspection_file": page(SAFETY_READERS, scope="inspection"),
    "compliance:accident_list": listing(SAFETY_READERS),
    "compliance:accident_report": page({EMP, SI, SA}, scope="factory", is_action=True),
    "compliance:accident_detail": page(SAFETY_READERS, scope="accident"),
    "compliance:accident_investigate": page(INSPECTORS, scope="accident", is_action=True),
    "compliance:accident_investigation_file": page(SAFETY_READERS, scope="accident"),
    "compliance:committee": page(SAFETY_READERS, scope="factory", post_roles={EMP, SI, SA},
                                 is_action=True),
    "compliance:committee_member_remove": action({EMP, SI, SA}, scope="factory"),
    "compliance:committee_minutes": page(SAFETY_READERS, scope="factory"),
    "compliance:committees_missing": listing({SI, LO, DA, SA}),
    "compliance:workshop_list": listing(SAFETY_READERS, note="training is open to employers"),
    "compliance:workshop_create": page(INSPECTORS, is_action=True),
    "compliance:workshop_detail": page(SAFETY_READERS, scope="workshop", post_roles=INSPECTORS,
                                       is_action=True),
    "compliance:project_list": listing(CESS_READERS),
    "compliance:project_create": page({EMP}, scope="establishment", is_action=True),
    "compliance:project_detail": page(CESS_READERS, scope="project"),
    "compliance:cess_self_assess": page({EMP}, scope="project", is_action=True),
    "compliance:cess_order": page({LO, SA}, scope="project", is_action=True),
    "compliance:cess_pay": page({EMP}, scope="project", is_action=True),
    "compliance:cess_receipt": page(CESS_READERS, scope="project"),
    "compliance:cess_defaulters": listing({LO, DA, SA}),
    "compliance:cess_collections": listing({LO, DA, SA}),
    "compliance:certification_list": listing(SAFETY_READERS),
    "compliance:certification_report": listing({SA, DA, LO, SI}),
    "compliance:certification_create": page({EMP}, scope="establishment", is_action=True),
    "compliance:certification_registers": page(SAFETY_READERS, scope="certification"),
}

# allauth's and the Django admin's own screens, by prefix; exact entries above and in
# ALLAUTH_LOGGED_IN win.
PREFIX_RULES: list[tuple[str, Rule]] = [
    ("account_", page(PUBLIC, group="allauth",
                      note="login, sign-up, password reset: for anonymous visitors")),
    ("mfa_", page(LOGGED_IN, group="allauth", note="second factor of the logged-in user")),
    ("admin:", page({SA}, group="admin",
                    note="the Django admin is the state admin's (SECURITY.md)")),
]
ALLAUTH_LOGGED_IN = ("account_email", "account_change_password", "account_set_password",
                     "account_logout", "account_reauthenticate")
POLICY.update({name: page(LOGGED_IN, group="allauth") for name in ALLAUTH_LOGGED_IN})
# The admin's login screen hands over to the portal's login: anyone reaches it.
POLICY["admin:login"] = page(PUBLIC, group="admin", get_status=302)


def rule_for(name: str) -> Rule | None:
    """Return the rule of a URL name: its own entry, else the first matching prefix rule."""
    if name in POLICY:
        return POLICY[name]
    for prefix, rule in PREFIX_RULES:
        if name.startswith(prefix):
            return rule
    return None
