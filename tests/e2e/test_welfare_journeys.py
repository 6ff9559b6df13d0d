"""Welfare in the browser: a worker applies and, after the officer, the maker, the checker
and the bank, sees the payment with its UTR."""

import re

import pytest
from playwright.sync_api import expect

from core.roles import RoleCode as R
from tests.conftest import TOTP_SECRET, add_totp
from tests.core.factories import UserFactory
from tests.e2e.test_registration_journeys import staff_logs_in, worker_logs_in
from tests.welfare.factories import active_worker, education_scheme
from welfare.models import Application

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def documents(tmp_path):
    paths = []
    for name in ("fee-receipt.pdf", "marksheet.pdf"):
        path = tmp_path / name
        path.write_bytes(b"%PDF-1.4\n% receipt\n%%EOF\n")
        paths.append(path)
    return paths


def test_worker_applies_and_sees_it_paid_after_the_maker_checker_bank_cycle(
        journey, raipur, documents, settings):
    settings.WELFARE_BANK_FAILURE_RATE = 0.0
    login = UserFactory(username="m9876500321", mobile="9876500321", roles=[R.WORKER])
    worker = active_worker(district=raipur, owner=login, mobile="9876500321")
    education_scheme()
    officer = add_totp(UserFactory(username="officer.e2e", roles=[R.LABOUR_OFFICER],
                                   jurisdiction=[raipur]), TOTP_SECRET)
    add_totp(UserFactory(username="maker.e2e", roles=[R.ACCOUNTS_MAKER]), TOTP_SECRET)
    add_totp(UserFactory(username="checker.e2e", roles=[R.ACCOUNTS_CHECKER]), TOTP_SECRET)

    # The worker finds the scheme, sees they can apply, and applies for their daughter.
    w = journey("worker")
    worker_logs_in(w, worker.mobile)
    page = w.page
    if w.lang == "hi":
        # This login was made in English (by an operator); the worker switches once.
        page.get_by_role("button", name="हिन्दी").click()
        expect(page.locator("html")).to_have_attribute("lang", "hi")
    w.goto("/welfare/schemes/")
    w.check_page("schemes")
    page.get_by_role("link", name=w.t("Apply", "आवेदन करें")).first.click()
    page.get_by_label(re.compile("Radha")).check()
    page.get_by_label(re.compile("Class 1 to 5")).check()
    files = page.locator("input[type=file]")
    files.nth(0).set_input_files(documents[0])
    files.nth(1).set_input_files(documents[1])
    page.get_by_role("checkbox").check()
    w.check_page("apply")
    page.get_by_role("button", name=w.t("Submit application", "आवेदन जमा करें")).click()
    application = Application.objects.get(worker=worker)
    expect(page.get_by_text(application.number).first).to_be_visible()
    w.check_page("acknowledgement")

    # The officer verifies and sanctions it from the queue.
    o = journey("officer")
    staff_logs_in(o, officer.username)
    page = o.page
    o.goto("/welfare/applications/queue/")
    o.check_page("queue")
    page.get_by_role("link", name=application.number).click()
    page.get_by_role("button", name=o.t("Verify", "सत्यापित करें")).click()
    o.check_page("verified")
    page.get_by_role("button", name=o.t("Sanction", "मंज़ूरी दें")).click()
    application.refresh_from_db()
    assert application.status == Application.Status.SANCTIONED
    o.check_page("sanctioned")

    # The maker batches the sanctioned application.
    m = journey("maker")
    staff_logs_in(m, "maker.e2e")
    page = m.page
    m.goto("/welfare/payment-batches/")
    page.get_by_role("link", name=m.t("New batch", "नया बैच")).first.click()
    page.get_by_role("button", name=m.t("Show what would be paid",
                                        "देखें क्या भुगतान होगा")).click()
    m.check_page("batch-preview")
    page.get_by_role("button", name=m.t("Make the batch", "बैच बनाएँ")).click()
    m.check_page("batch-made")

    # The checker approves; the file is written; the (simulated) bank answers.
    c = journey("checker")
    staff_logs_in(c, "checker.e2e")
    page = c.page
    c.goto("/welfare/payment-batches/")
    page.get_by_role("link", name=re.compile(r"PB-\d{4}-\d{5}")).first.click()
    page.get_by_role("button", name=c.t("Approve the batch", "बैच अनुमोदित करें")).click()
    c.check_page("approved")
    page.get_by_role("button", name=c.t("Get the simulated bank's response",
                                        "सिम्युलेटेड बैंक का उत्तर लें")).click()
    c.check_page("bank-answered")
    c.goto("/welfare/reconciliation/")
    c.check_page("reconciliation")

    # The worker sees it paid, with the bank's reference.
    application.refresh_from_db()
    assert application.status == Application.Status.PAID
    page = w.page
    w.goto("/welfare/applications/")
    expect(page.get_by_role("cell").get_by_text(w.t("Paid", "भुगतान हो गया"), exact=True).first
           ).to_be_visible()
    page.get_by_role("link", name=application.number).click()
    expect(page.get_by_text(application.utr).first).to_be_visible()
    w.check_page("paid")
