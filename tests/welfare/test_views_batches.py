"""The accounts pages: payment batches, the bank's response, reconciliation."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.crypto import decrypt_text
from core.models import AuditEvent
from core.roles import RoleCode as R
from tests.core.factories import UserFactory
from tests.welfare.factories import SchemeFactory, active_worker, application_at
from welfare import services
from welfare.models import Application, BankResponseFile, PaymentBatch, PaymentLine

pytestmark = pytest.mark.django_db

A = Application.Status
B = PaymentBatch.Status
L = PaymentLine.Status


# --- Helpers and fixtures -----------------------------------------------------------------


def page_text(response) -> str:
    return response.content.decode()


def shown_messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


@pytest.fixture
def scheme(db):
    """A tool kit grant: ₹1,000 once per worker."""
    return SchemeFactory(code="tools", name_en="Tool kit assistance", amount=Decimal("1000"))


@pytest.fixture
def sanctioned(personas, district_a, scheme):
    """Three sanctioned tool kit claims of district A (₹1,000 each)."""
    return [application_at("sanctioned", worker=active_worker(district=district_a),
                           scheme=scheme, officer=personas["officer_a"])
            for _ in range(3)]


@pytest.fixture
def batch(personas, sanctioned, django_capture_on_commit_callbacks):
    """A batch of the three claims, made by the maker, awaiting approval."""
    with django_capture_on_commit_callbacks(execute=True):
        return services.payment_batch_create(actor=personas["maker"])


@pytest.fixture
def ready_batch(personas, batch, django_capture_on_commit_callbacks):
    """The batch approved by the checker, its payment file written."""
    with django_capture_on_commit_callbacks(execute=True):
        services.payment_batch_approve(actor=personas["checker"], batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == B.FILE_READY
    return batch


def detail_url(batch) -> str:
    return reverse("welfare:batch_detail", args=[batch.uuid])


def response_csv(rows) -> bytes:
    lines = ["REFERENCE,STATUS,UTR,REASON_CODE,AMOUNT", *(",".join(row) for row in rows)]
    return ("\n".join(lines) + "\n").encode()


def upload(client, batch, content: bytes, name="response.csv", capture=None):
    url = reverse("welfare:batch_response_upload", args=[batch.uuid])
    data = {"file": SimpleUploadedFile(name, content, content_type="text/csv")}
    with capture(execute=True):
        return client.post(url, data, follow=True)


# --- Making a batch -----------------------------------------------------------------------


def test_maker_previews_the_batch_then_creates_it(personas, login, client, sanctioned,
                                                  scheme,
                                                  django_capture_on_commit_callbacks):
    login(personas["maker"])
    url = reverse("welfare:batch_create")
    response = client.post(url, {"scheme": scheme.pk, "sanctioned_from": "01/01/2000",
                                 "action": "preview"})
    assert response.status_code == 200
    assert "3 payments, ₹3,000 in all" in page_text(response)
    assert 'value="confirm"' in page_text(response)
    assert not PaymentBatch.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"scheme": scheme.pk, "sanctioned_from": "01/01/2000",
                                     "action": "confirm",
                                     "previewed": response.context["fingerprint"]})
    batch = PaymentBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == detail_url(batch)
    assert (batch.line_count, batch.total_amount, batch.scheme) == (3, 3000, scheme)
    assert batch.sanctioned_from.isoformat() == "2000-01-01"
    assert not Application.objects.exclude(status=A.IN_BATCH).exists()


def test_preview_by_link_shows_count_and_rupees(personas, login, client, sanctioned):
    login(personas["maker"])
    response = client.get(reverse("welfare:batch_create") + "?preview=1")
    assert "3 payments, ₹3,000 in all" in page_text(response)


def test_confirm_after_the_filters_changed_shows_the_preview_again(personas, login, client,
                                                                    sanctioned, scheme):
    login(personas["maker"])
    response = client.post(reverse("welfare:batch_create"),
                           {"scheme": scheme.pk, "action": "confirm", "previewed": "old"})
    assert response.status_code == 200
    assert "filters changed" in shown_messages(response)
    assert not PaymentBatch.objects.exists()


def test_nothing_to_pay_gives_a_message_and_saves_no_batch(personas, login, client, db,
                                                           django_capture_on_commit_callbacks):
    login(personas["maker"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("welfare:batch_create"),
                               {"action": "confirm", "previewed": "|||"})
    assert response.status_code == 200
    assert "nothing to pay" in shown_messages(response)
    assert not PaymentBatch.objects.exists()


def test_dates_are_read_day_first(personas, login, client, db):
    login(personas["maker"])
    response = client.post(reverse("welfare:batch_create"),
                           {"sanctioned_from": "31/03/2025", "sanctioned_to": "01/03/2025",
                            "action": "preview"})
    assert "must not be after" in page_text(response)


def test_checker_cannot_open_the_batch_builder(personas, login, client, db):
    login(personas["checker"])
    assert client.get(reverse("welfare:batch_create")).status_code == 404


# --- Approving, cancelling, the payment file ----------------------------------------------


def test_maker_cannot_approve_a_batch_and_sees_why(personas, login, client, batch):
    login(personas["maker"])
    assert "another approver must approve" in page_text(client.get(detail_url(batch)))
    response = client.post(reverse("welfare:batch_approve", args=[batch.uuid]), follow=True)
    assert "Only an accounts approver" in shown_messages(response)
    batch.refresh_from_db()
    assert batch.status == B.AWAITING_APPROVAL and batch.approved_by is None


def test_maker_who_is_also_a_checker_cannot_approve_their_own_batch(
        personas, login, client, sanctioned, django_capture_on_commit_callbacks):
    both = UserFactory(username="maker.checker", roles=[R.ACCOUNTS_MAKER, R.ACCOUNTS_CHECKER])
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.payment_batch_create(actor=both)
    login(both)
    response = client.post(reverse("welfare:batch_approve", args=[batch.uuid]), follow=True)
    assert "another approver must approve it" in shown_messages(response)
    batch.refresh_from_db()
    assert batch.status == B.AWAITING_APPROVAL


def test_checker_approves_and_the_file_is_written(personas, login, client, batch,
                                                  django_capture_on_commit_callbacks):
    login(personas["checker"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("welfare:batch_approve", args=[batch.uuid]),
                               follow=True)
    assert "being written" in shown_messages(response)
    batch.refresh_from_db()
    assert batch.status == B.FILE_READY and batch.approved_by == personas["checker"]
    page = page_text(client.get(detail_url(batch)))
    assert "Download the payment file" in page
    assert batch.file_job.get_absolute_url() in page  # the checker started the job


@pytest.mark.parametrize("persona", ["maker", "checker"])
def test_payment_file_downloads_as_csv_and_is_audited(personas, login, client, ready_batch,
                                                      persona):
    login(personas[persona])
    response = client.post(reverse("welfare:batch_file", args=[ready_batch.uuid]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    content = b"".join(response.streaming_content).decode()
    assert content.startswith(f"H,{ready_batch.number},")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT,
                                     actor=personas[persona],
                                     summary="payment file downloaded").count() == 1


def test_state_admin_sees_the_batch_but_cannot_take_the_payment_file(personas, login, client,
                                                                     ready_batch):
    login(personas["state_admin"])
    assert "Download the payment file" not in page_text(client.get(detail_url(ready_batch)))
    response = client.post(reverse("welfare:batch_file", args=[ready_batch.uuid]))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(summary="payment file downloaded").exists()


def test_payment_file_not_ready_gives_a_message(personas, login, client, batch):
    login(personas["maker"])
    response = client.get(reverse("welfare:batch_file", args=[batch.uuid]), follow=True)
    assert "not ready yet" in shown_messages(response)


@pytest.mark.parametrize("persona", ["officer_a", "worker_a", "district_admin_a", "csc_a"])
def test_other_roles_get_404_on_batch_pages_and_the_file(personas, login, client, ready_batch,
                                                         persona):
    login(personas[persona])
    for name in ("batch_detail", "batch_file", "batch_approve", "batch_cancel",
                 "batch_response_upload"):
        url = reverse(f"welfare:{name}", args=[ready_batch.uuid])
        assert client.get(url).status_code == 404, name
        assert client.post(url).status_code == 404, name
    assert client.get(reverse("welfare:batch_list")).status_code == 404
    assert client.get(reverse("welfare:batch_create")).status_code == 404
    ready_batch.refresh_from_db()
    assert ready_batch.status == B.FILE_READY


def test_maker_cancels_a_batch_awaiting_approval(personas, login, client, batch, sanctioned):
    login(personas["maker"])
    response = client.post(reverse("welfare:batch_cancel", args=[batch.uuid]), follow=True)
    assert "Batch cancelled" in shown_messages(response)
    batch.refresh_from_db()
    assert batch.status == B.CANCELLED
    assert set(Application.objects.values_list("status", flat=True)) == {A.SANCTIONED}
    assert set(batch.lines.values_list("status", flat=True)) == {L.CANCELLED}


def test_maker_approving_an_approved_batch_is_refused_not_told_it_worked(personas, login,
                                                                          client, ready_batch):
    login(personas["maker"])
    response = client.post(reverse("welfare:batch_approve", args=[ready_batch.uuid]),
                           follow=True)
    assert "Only an accounts approver (checker) may approve" in shown_messages(response)
    ready_batch.refresh_from_db()
    assert ready_batch.approved_by == personas["checker"]


def test_approved_batch_cannot_be_cancelled(personas, login, client, ready_batch):
    login(personas["maker"])
    response = client.post(reverse("welfare:batch_cancel", args=[ready_batch.uuid]),
                           follow=True)
    assert "can no longer be cancelled" in shown_messages(response)
    ready_batch.refresh_from_db()
    assert ready_batch.status == B.FILE_READY


def test_checker_cannot_cancel(personas, login, client, batch):
    login(personas["checker"])
    assert client.post(reverse("welfare:batch_cancel", args=[batch.uuid])).status_code == 404
    batch.refresh_from_db()
    assert batch.status == B.AWAITING_APPROVAL


# --- The bank's response --------------------------------------------------------------------


def test_response_file_is_applied_and_every_problem_is_listed(
        personas, login, client, ready_batch, django_capture_on_commit_callbacks):
    first, second, third = ready_batch.lines.order_by("pk")
    content = response_csv([
        [first.reference, "SUCCESS", "UTR0001", "", "1000.00"],      # line 2: paid
        [second.reference, "FAILED", "", "AC04", "1000.00"],         # line 3: failed
        ["XX9999999999", "SUCCESS", "UTR0003", "", "1000.00"],       # line 4: unknown
        [first.reference, "SUCCESS", "UTR0001", "", "1000.00"],      # line 5: repeated
        [third.reference, "SUCCESS", "UTR0005", "", "999.00"],       # line 6: amount differs
        [third.reference + "X", "MAYBE", "", "", "1000.00"],         # line 7: invalid
    ])
    login(personas["checker"])
    response = upload(client, ready_batch, content, capture=django_capture_on_commit_callbacks)
    assert "being applied" in shown_messages(response)

    for line in (first, second, third):
        line.refresh_from_db()
    assert (first.status, first.utr) == (L.PAID, "UTR0001")
    assert (second.status, second.failure_code) == (L.FAILED, "AC04")
    assert third.status == L.PENDING  # a different amount is reported, never applied
    response_file = BankResponseFile.objects.get()
    assert response_file.status == BankResponseFile.Status.DONE

    page = page_text(client.get(detail_url(ready_batch)))
    assert "Unknown references: <strong>1</strong>" in page
    assert "Lines repeated in the file: <strong>1</strong>" in page
    assert "Amount mismatches: <strong>1</strong>" in page
    assert "Invalid lines: <strong>1</strong>" in page
    for number in ("Lines 4", "Lines 5", "Lines 6", "Lines 7"):
        assert number in page
    assert "Paid: <strong>1</strong>" in page and "Failed: <strong>1</strong>" in page
    assert "Account closed" in page  # the failure reason beside its code


def test_same_response_file_twice_is_refused_and_nothing_applied_twice(
        personas, login, client, ready_batch, django_capture_on_commit_callbacks):
    first = ready_batch.lines.order_by("pk").first()
    content = response_csv([[first.reference, "SUCCESS", "UTR0001", "", "1000.00"]])
    login(personas["checker"])
    upload(client, ready_batch, content, capture=django_capture_on_commit_callbacks)
    response = upload(client, ready_batch, content, name="again.csv",
                      capture=django_capture_on_commit_callbacks)
    assert "already uploaded" in shown_messages(response)
    assert BankResponseFile.objects.count() == 1
    assert PaymentLine.objects.filter(status=L.PAID).count() == 1
    assert AuditEvent.objects.filter(action=AuditEvent.Action.JOB,
                                     summary__startswith="bank response applied").count() == 1


def test_response_file_must_be_csv(personas, login, client, ready_batch,
                                   django_capture_on_commit_callbacks):
    login(personas["maker"])
    response = upload(client, ready_batch, b"%PDF-1.4", name="response.pdf",
                      capture=django_capture_on_commit_callbacks)
    assert "CSV" in shown_messages(response)
    assert not BankResponseFile.objects.exists()


def test_response_without_its_header_is_reported_unreadable(
        personas, login, client, ready_batch, django_capture_on_commit_callbacks):
    login(personas["maker"])
    response = upload(client, ready_batch, b"a,b,c\n1,2,3\n",
                      capture=django_capture_on_commit_callbacks)
    response = client.get(detail_url(ready_batch))
    assert "could not be read" in page_text(response)
    assert not PaymentLine.objects.exclude(status=L.PENDING).exists()


def test_simulated_bank_button_pays_the_applications(personas, login, client, ready_batch,
                                                     settings,
                                                     django_capture_on_commit_callbacks):
    settings.WELFARE_BANK_SIMULATOR = True
    settings.WELFARE_BANK_FAILURE_RATE = 0
    login(personas["checker"])
    assert "simulated bank" in page_text(client.get(detail_url(ready_batch)))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("welfare:batch_simulate", args=[ready_batch.uuid]),
                               follow=True)
    assert "simulated bank answered" in shown_messages(response)
    assert set(Application.objects.values_list("status", flat=True)) == {A.PAID}
    ready_batch.refresh_from_db()
    assert ready_batch.status == B.CLOSED
    assert "These add up to the batch" in page_text(response)


def test_simulated_bank_button_is_absent_when_switched_off(personas, login, client,
                                                          ready_batch, settings):
    settings.WELFARE_BANK_SIMULATOR = False
    login(personas["checker"])
    assert "simulated bank" not in page_text(client.get(detail_url(ready_batch)))
    response = client.post(reverse("welfare:batch_simulate", args=[ready_batch.uuid]),
                           follow=True)
    assert "switched off" in shown_messages(response)
    assert not BankResponseFile.objects.exists()


# --- The batch page's totals, lines and export ----------------------------------------------


def test_batch_totals_add_up_by_status(personas, login, client, ready_batch,
                                       django_capture_on_commit_callbacks):
    first = ready_batch.lines.order_by("pk").first()
    login(personas["checker"])
    upload(client, ready_batch, response_csv([[first.reference, "SUCCESS", "U1", "", "1000"]]),
           capture=django_capture_on_commit_callbacks)
    response = client.get(detail_url(ready_batch))
    totals = response.context["totals"]
    by_status = {row["status"]: row["count"] for row in totals["rows"]}
    assert by_status[L.PAID] == 1 and by_status[L.PENDING] == 2
    assert totals["adds_up"] and totals["count"] == 3 and totals["amount"] == 3000
    assert 'data-width="33.33"' in page_text(response)
    assert "style=" not in page_text(response)


def test_lines_filter_by_status(personas, login, client, ready_batch,
                                django_capture_on_commit_callbacks):
    first = ready_batch.lines.order_by("pk").first()
    login(personas["checker"])
    upload(client, ready_batch, response_csv([[first.reference, "SUCCESS", "U1", "", "1000"]]),
           capture=django_capture_on_commit_callbacks)
    response = client.get(detail_url(ready_batch) + "?status=paid")
    assert [line.pk for line in response.context["object_list"]] == [first.pk]


def test_lines_export_masks_the_account_numbers(personas, login, client, ready_batch):
    login(personas["maker"])
    response = client.get(detail_url(ready_batch) + "?export=csv")
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = list(ready_batch.lines.select_related("application__worker"))
    for line in lines:
        assert f"XXXXXX{line.account_last4}" in content
        assert decrypt_text(line.application.worker.bank_account_encrypted) not in content
        assert line.reference in content
    assert "Account closed" not in content and "Reference" in content
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT,
                                     summary="3 rows as csv").exists()


def test_lines_export_as_xlsx(personas, login, client, ready_batch):
    login(personas["state_admin"])
    response = client.get(detail_url(ready_batch) + "?export=xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 4 and rows[1][4].startswith("XXXXXX")


def test_batch_page_queries_are_bounded(personas, login, client, ready_batch,
                                        django_assert_max_num_queries,
                                        django_capture_on_commit_callbacks):
    login(personas["checker"])
    for index, line in enumerate(ready_batch.lines.order_by("pk")[:2]):
        upload(client, ready_batch, response_csv([[line.reference, "SUCCESS", f"U{index}", "",
                                                   "1000"]]),
               capture=django_capture_on_commit_callbacks)
    with django_assert_max_num_queries(14):
        response = client.get(detail_url(ready_batch))
    assert response.status_code == 200


# --- The list of batches --------------------------------------------------------------------


def test_batch_list_shows_batches_with_filters_and_new_batch_for_the_maker(
        personas, login, client, batch, scheme):
    login(personas["maker"])
    response = client.get(reverse("welfare:batch_list"))
    page = page_text(response)
    assert batch.number in page and "₹3,000" in page and "New batch" in page
    response = client.get(reverse("welfare:batch_list") + "?status=closed")
    assert batch.number not in page_text(response)
    response = client.get(reverse("welfare:batch_list"),
                          {"status": "awaiting", "scheme": scheme.pk})
    assert batch.number not in page_text(response)  # the batch took every scheme


def test_checker_sees_no_new_batch_button(personas, login, client, batch):
    login(personas["checker"])
    page = page_text(client.get(reverse("welfare:batch_list")))
    assert batch.number in page and "New batch" not in page


def test_empty_batch_list_says_so(personas, login, client, db):
    login(personas["state_admin"])
    assert "No payment batch has been made yet" in page_text(
        client.get(reverse("welfare:batch_list")))


def test_batch_list_exports_csv(personas, login, client, batch):
    login(personas["checker"])
    response = client.get(reverse("welfare:batch_list") + "?export=csv")
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    assert batch.number in content and "maker" in content


def test_batch_list_queries_are_bounded(personas, login, client, sanctioned,
                                        django_assert_max_num_queries,
                                        django_capture_on_commit_callbacks):
    other = SchemeFactory(name_en="Another scheme")
    for _ in range(4):  # three cancelled batches and one awaiting approval
        with django_capture_on_commit_callbacks(execute=True):
            made = services.payment_batch_create(actor=personas["maker"])
        if PaymentBatch.objects.count() < 4:
            services.payment_batch_cancel(actor=personas["maker"], batch_id=made.pk)
    login(personas["maker"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("welfare:batch_list"))
    assert len(response.context["object_list"]) == 4
    assert other.name_en in page_text(response)  # the scheme filter offers every scheme


# --- Reconciliation -------------------------------------------------------------------------


@pytest.fixture
def reconciled(personas, district_a, district_b, ready_batch, scheme, login, client,
               django_capture_on_commit_callbacks):
    """Of district A: one paid, one failed, one still at the bank; one sanctioned, not batched;
    of district B: one sanctioned."""
    first, second, _third = ready_batch.lines.order_by("pk")
    login(personas["checker"])
    upload(client, ready_batch, response_csv([
        [first.reference, "SUCCESS", "U1", "", "1000"],
        [second.reference, "FAILED", "", "AC01", "1000"]]),
        capture=django_capture_on_commit_callbacks)
    application_at("sanctioned", worker=active_worker(district=district_a), scheme=scheme,
                   officer=personas["officer_a"])
    application_at("sanctioned", worker=active_worker(district=district_b), scheme=scheme,
                   officer=personas["officer_b"])
    scheme.budget_amount = 10000
    scheme.save()


def test_reconciliation_numbers_add_up(personas, login, client, reconciled, scheme):
    login(personas["state_admin"])
    response = client.get(reverse("welfare:reconciliation"))
    row = next(r for r in response.context["rows"] if r["scheme"] == scheme)
    assert [stage["count"] for stage in row["stages"]] == [2, 1, 1, 1]
    assert row["count"] == 5 and row["amount"] == 5000 and row["budget_percent"] == 50
    totals = response.context["totals"]
    assert totals["adds_up"] and totals["count"] == 5 and totals["budget_percent"] == 50
    page = page_text(response)
    assert "₹5,000" in page and "50%" in page


def test_district_admin_sees_reconciliation_of_their_district(personas, login, client,
                                                              reconciled, scheme):
    login(personas["district_admin_b"])
    response = client.get(reverse("welfare:reconciliation"))
    row = next(r for r in response.context["rows"] if r["scheme"] == scheme)
    assert row["count"] == 1 and [s["count"] for s in row["stages"]] == [1, 0, 0, 0]


def test_reconciliation_exports_csv(personas, login, client, reconciled, scheme):
    login(personas["maker"])
    response = client.get(reverse("welfare:reconciliation") + "?export=csv")
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Tool kit assistance,5,5000.00," in content
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT,
                                     summary="reconciliation as csv").exists()


def test_reconciliation_is_closed_to_officers_and_workers(personas, login, client, db):
    for persona in ("officer_a", "worker_a", "csc_a"):
        login(personas[persona])
        assert client.get(reverse("welfare:reconciliation")).status_code == 404


def test_reconciliation_queries_are_bounded(personas, login, client, reconciled,
                                            django_assert_max_num_queries):
    SchemeFactory.create_batch(5)
    login(personas["state_admin"])
    with django_assert_max_num_queries(11):
        assert client.get(reverse("welfare:reconciliation")).status_code == 200


# --- Home pages -----------------------------------------------------------------------------


def test_maker_home_shows_what_is_ready_to_pay(personas, login, client, sanctioned):
    login(personas["maker"])
    page = page_text(client.get(reverse("core:home")))
    assert "3 sanctioned applications are ready to pay" in page
    assert reverse("welfare:batch_create") in page


def test_checker_home_shows_batches_awaiting_approval(personas, login, client, batch):
    login(personas["checker"])
    page = page_text(client.get(reverse("core:home")))
    assert "Batches awaiting approval (1)" in page
