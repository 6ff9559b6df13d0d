"""Registration journeys in the browser: a worker, a CSC operator and an officer."""

import time

import pytest
from playwright.sync_api import expect

from core.roles import RoleCode as R
from registration.models import Worker
from tests.conftest import PASSWORD, TOTP_SECRET, add_totp, current_totp
from tests.core.factories import UserFactory
from tests.e2e.conftest import last_code_sent_to
from tests.registration.factories import WorkerFactory, jpeg_bytes, valid_aadhaar

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def photo_file(tmp_path):
    path = tmp_path / "photo.jpg"
    path.write_bytes(jpeg_bytes(size=(300, 400)))
    return path


def worker_logs_in(j, mobile: str) -> None:
    page = j.page
    j.goto("/")
    page.get_by_role("link", name=j.t("Worker login", "श्रमिक लॉग इन")).first.click()
    page.get_by_label(j.t("Mobile number", "मोबाइल नंबर")).fill(mobile)
    page.get_by_role("button", name=j.t("Send code", "कोड भेजें")).click()
    page.get_by_label(j.t("6-digit code", "6 अंकों का कोड")).fill(last_code_sent_to(mobile))
    page.get_by_role("button", name=j.t("Log in", "लॉग इन करें")).click()


def staff_logs_in(j, username: str) -> None:
    page = j.page
    j.goto("/accounts/login/")
    sign_in = j.t("Sign In", "लॉग इन करें")
    page.locator("[name=login]").fill(username)
    page.locator("[name=password]").fill(PASSWORD)
    page.get_by_role("button", name=sign_in).click()
    if time.time() % 30 > 25:  # a code about to expire may be stale when it arrives
        time.sleep(30 - time.time() % 30 + 0.5)
    page.locator("[name=code]").fill(current_totp())
    page.get_by_role("button", name=sign_in).click()
    page.wait_for_url(lambda url: "/accounts/" not in url)
    if j.lang == "hi":
        # Staff accounts start in English; a Hindi reader switches once (it is saved).
        page.get_by_role("button", name="हिन्दी").click()
        expect(page.locator("html")).to_have_attribute("lang", "hi")


def fill_registration(j, *, aadhaar: str, block_name: str, photo_file) -> None:
    """Fill every step of the registration form as a user does, then submit."""
    page = j.page
    save = j.t("Save and continue", "सहेजें और आगे बढ़ें")
    page.locator("[name=name]").fill("सुनीता बाई")
    page.locator("[name=name_latin]").fill("Sunita Bai")
    page.locator("[name=relative_name]").fill("रमेश साहू")
    page.locator("[name=relative_relation]").select_option("husband")
    page.locator("[name=date_of_birth]").fill("1991-08-15")
    page.locator("[name=gender]").select_option("female")
    page.locator("[name=aadhaar]").fill(aadhaar)
    j.check_page("personal")
    page.get_by_role("button", name=save).click()
    district = page.locator("[name=district]")
    with page.expect_response(lambda r: "/registration/blocks/" in r.url):
        district.select_option(index=1)
    page.locator("[name=block]").select_option(label=block_name)
    page.locator("[name=address_line]").fill("Ward 7, Gandhi Chowk")
    page.locator("[name=pincode]").fill("492001")
    j.check_page("address")
    page.get_by_role("button", name=save).click()
    page.locator("[name=category]").select_option("unorganised")
    page.locator("[name=occupation]").select_option(index=1)
    j.check_page("work")
    page.get_by_role("button", name=save).click()
    page.locator("[name=bank_account_holder]").fill("Sunita Bai")
    page.locator("[name=account_number]").fill("123456789012")
    page.locator("[name=account_number_again]").fill("123456789012")
    page.locator("[name=ifsc]").fill("sbin0001234")
    j.check_page("bank")
    page.get_by_role("button", name=save).click()
    page.locator("[name=nominee_name]").fill("रमेश साहू")
    page.locator("[name=nominee_relation]").fill("husband")
    page.locator("[name=family-0-name]").fill("राधा")
    page.locator("[name=family-0-relation]").select_option("daughter")
    page.locator("[name=family-0-date_of_birth]").fill("2015-06-01")
    j.check_page("family")
    page.get_by_role("button", name=save).click()
    page.locator("[name=photo]").set_input_files(str(photo_file))
    page.get_by_role("button", name=j.t("Upload photo", "फ़ोटो अपलोड करें")).click()
    j.check_page("documents")
    page.get_by_role("button", name=j.t("Continue to review", "जाँच के लिए आगे बढ़ें")).click()
    j.check_page("review")
    page.locator("[name=declaration]").check()
    page.get_by_role("button", name=j.t("Submit registration", "पंजीकरण जमा करें")).click()


def test_worker_registers_themself_and_downloads_the_card(journey, raipur, photo_file):
    j = journey("worker")
    worker_logs_in(j, "9876543210")
    j.check_page("home")
    page = j.page
    page.get_by_role("link", name=j.t("Register now", "अभी पंजीकरण करें")).click()
    page.get_by_role("button", name=j.t("Start my registration",
                                        "मेरा पंजीकरण शुरू करें")).click()
    fill_registration(j, aadhaar=valid_aadhaar(), block_name=j.t("Abhanpur", "अभनपुर"),
                      photo_file=photo_file)
    worker = Worker.objects.get(mobile="9876543210")
    assert worker.status == Worker.Status.SUBMITTED
    expect(page.get_by_text(worker.reference).first).to_be_visible()
    j.check_page("acknowledgement")

    officer = UserFactory(username="officer.e2e", roles=[R.LABOUR_OFFICER],
                          jurisdiction=[raipur])
    from registration.services import worker_approve

    worker_approve(actor=officer, worker_id=worker.pk)
    page.reload()
    with page.expect_download() as download:
        page.get_by_role("link", name=j.t("Download labour card", "श्रम कार्ड डाउनलोड करें")
                         ).click()
    assert download.value.suggested_filename.endswith(".pdf")


def test_csc_operator_registers_a_worker_with_consent(journey, raipur, photo_file):
    operator = add_totp(UserFactory(username="csc.e2e", roles=[R.CSC_OPERATOR],
                                    home_district=raipur, operator_id="CSC-E2E-1"),
                        TOTP_SECRET)
    j = journey("csc")
    staff_logs_in(j, operator.username)
    page = j.page
    page.get_by_role("link", name=j.t("Register a worker", "श्रमिक का पंजीकरण करें")).first.click()
    page.get_by_label(j.t("Mobile number", "मोबाइल नंबर")).fill("9876500111")
    j.check_page("consent-mobile")
    page.get_by_role("button", name=j.t("Send code to the worker",
                                        "श्रमिक को कोड भेजें")).click()
    page.get_by_label(j.t("Code from the worker's SMS", "श्रमिक के SMS का कोड")).fill(
        last_code_sent_to("9876500111"))
    j.check_page("consent-code")
    page.get_by_role("button", name=j.t("Confirm consent", "सहमति की पुष्टि करें")).click()
    fill_registration(j, aadhaar=valid_aadhaar(), block_name=j.t("Abhanpur", "अभनपुर"),
                      photo_file=photo_file)
    worker = Worker.objects.get(mobile="9876500111")
    assert worker.channel == Worker.Channel.CSC and worker.status == Worker.Status.SUBMITTED
    assert worker.registered_by == operator


def test_officer_sends_back_then_approves_from_the_queue(journey, raipur):
    officer = add_totp(UserFactory(username="officer.e2e", roles=[R.LABOUR_OFFICER],
                                   jurisdiction=[raipur]), TOTP_SECRET)
    worker = WorkerFactory(district=raipur, name_latin="Kamla Devi")
    j = journey("officer")
    staff_logs_in(j, officer.username)
    page = j.page
    page.get_by_role("link", name=j.t("Verification queue", "सत्यापन कतार")).first.click()
    j.check_page("queue")
    page.get_by_role("link", name=worker.reference).click()
    page.get_by_role("link", name=j.t("Review and decide", "जाँचें और निर्णय लें")).click()
    j.check_page("review")
    page.get_by_role("link", name=j.t("Send back for correction", "सुधार के लिए वापस भेजें")
                     ).click()
    page.get_by_label(j.t("Reason (the worker will see it)", "कारण (श्रमिक इसे देखेगा)")).fill(
        "Photo is not clear")
    j.check_page("send-back")
    page.get_by_role("button", name=j.t("Yes, confirm", "हाँ, पुष्टि करें")).click()
    worker.refresh_from_db()
    assert worker.status == Worker.Status.SENT_BACK

    from registration.services import worker_submit

    worker_submit(actor=worker.registered_by, worker_id=worker.pk)
    j.goto(worker.get_absolute_url())
    page.get_by_role("link", name=j.t("Review and decide", "जाँचें और निर्णय लें")).click()
    page.get_by_role("link", name=j.t("Approve", "स्वीकृत करें")).click()
    page.get_by_role("button", name=j.t("Yes, confirm", "हाँ, पुष्टि करें")).click()
    worker.refresh_from_db()
    assert worker.status == Worker.Status.ACTIVE
    expect(page.get_by_text(worker.registration_number).first).to_be_visible()
    j.check_page("approved")
