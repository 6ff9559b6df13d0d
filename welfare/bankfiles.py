"""The payment file we send and the response file the bank returns (docs/PAYMENT_FILES.md).

Both are CSV modelled on PFMS / NACH bulk-upload files: a header row, one ``D``
(detail) row per payment, and a ``T`` (trailer) row with the control totals that
the bank checks before paying.
"""

from __future__ import annotations

import csv
import hashlib
import io
import random
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

PAYMENT_HEADER = ["RECORD", "REFERENCE", "BENEFICIARY_NAME", "ACCOUNT_NUMBER", "IFSC", "AMOUNT",
                  "SCHEME_CODE", "APPLICATION_ID"]
RESPONSE_HEADER = ["REFERENCE", "STATUS", "UTR", "REASON_CODE", "AMOUNT"]

# Return reasons, modelled on NACH / PFMS return codes (shown to workers and in SMS).
FAILURE_REASONS = {
    "AC01": _("Invalid account number"),
    "AC04": _("Account closed"),
    "AC06": _("Account frozen or dormant"),
    "RC01": _("IFSC invalid"),
    "NM01": _("Beneficiary name does not match the account"),
    "AN01": _("Aadhaar not seeded with the account"),
}


def failure_reason(code: str) -> str:
    """Return the bank's reason for a return code, in the reader's language where known."""
    return str(FAILURE_REASONS.get(code, code)) if code else ""
STATUS_SUCCESS, STATUS_FAILED, STATUS_PENDING = "SUCCESS", "FAILED", "PENDING"


def _clean_name(name: str) -> str:
    # Bank files take plain capital letters; a comma or quote would break some parsers.
    # Accents are dropped (É -> E); other scripts become spaces (str.isalnum() is true
    # of Devanagari consonants, which would reach the bank without their vowel signs).
    letters = "".join(ch for ch in unicodedata.normalize("NFKD", name)
                      if not unicodedata.combining(ch))
    return " ".join("".join(ch if (ch.isascii() and ch.isalnum()) or ch == " " else " "
                            for ch in letters).upper().split())[:100]


def payment_file_lines(*, batch_number: str, on: date, rows: Iterable[dict]) -> Iterator[str]:
    """Yield the payment file's lines: header, one detail row per payment, the trailer.

    ``rows`` give reference, name, account, ifsc, amount, scheme and application.
    The trailer carries the count, the total and a SHA-256 of the detail rows.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")

    def line(values) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(values)
        return buffer.getvalue()

    yield line(["H", batch_number, on.strftime("%d%m%Y"), *PAYMENT_HEADER[1:]])
    digest = hashlib.sha256()
    count, total = 0, Decimal(0)
    for row in rows:
        text = line(["D", row["reference"], _clean_name(row["name"]), row["account"],
                     row["ifsc"], f"{row['amount']:.2f}", row["scheme"], row["application"]])
        digest.update(text.encode())
        count += 1
        total += row["amount"]
        yield text
    yield line(["T", count, f"{total:.2f}", digest.hexdigest()])


@dataclass
class PaymentFileSummary:
    count: int
    total: Decimal
    checksum: str
    details: list[list[str]]


def payment_file_read(content: bytes) -> PaymentFileSummary:
    """Read a payment file back (used by the simulated bank and by the tests)."""
    rows = list(csv.reader(io.StringIO(content.decode("utf-8"))))
    details = [row for row in rows if row and row[0] == "D"]
    trailer = next(row for row in rows if row and row[0] == "T")
    return PaymentFileSummary(count=int(trailer[1]), total=Decimal(trailer[2]),
                              checksum=trailer[3], details=details)


def payment_file_check(content: bytes) -> list[str]:
    """Return what is wrong with a payment file's control totals (empty: all good)."""
    summary = payment_file_read(content)
    problems = []
    digest = hashlib.sha256()
    for line in content.decode("utf-8").splitlines(keepends=True):
        if line.startswith("D,"):
            digest.update(line.encode())
    if len(summary.details) != summary.count:
        problems.append("count")
    if sum(Decimal(row[5]) for row in summary.details) != summary.total:
        problems.append("total")
    if digest.hexdigest() != summary.checksum:
        problems.append("checksum")
    return problems


@dataclass
class ResponseRow:
    line_number: int
    reference: str
    status: str
    utr: str
    reason: str
    amount: Decimal | None
    problem: str = ""


def response_file_rows(content: bytes) -> Iterator[ResponseRow]:
    """Yield the rows of a bank response file; a malformed row carries its problem.

    Raises ValueError when the file is not a response file at all (no header).
    """
    text = content.decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None or [h.strip().upper() for h in header[:5]] != RESPONSE_HEADER:
        raise ValueError("header")
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = [cell.strip() for cell in row] + [""] * 5
        reference, status, utr, reason, amount_text = cells[:5]
        status = status.upper()
        problem = ""
        try:
            amount = Decimal(amount_text) if amount_text else None
        except InvalidOperation:
            amount, problem = None, "amount"
        if status not in (STATUS_SUCCESS, STATUS_FAILED, STATUS_PENDING):
            problem = "status"
        elif status == STATUS_SUCCESS and not utr:
            problem = "utr"
        elif status == STATUS_FAILED and not reason:
            problem = "reason"
        yield ResponseRow(line_number=number, reference=reference, status=status, utr=utr,
                          reason=reason.upper(), amount=amount, problem=problem)


def bank_response_simulate(*, payment_file: bytes, failure_rate: float, seed: int,
                           on: date) -> bytes:
    """Answer a payment file as a bank would: most paid with a UTR, some failed with a reason."""
    rng = random.Random(seed)
    summary = payment_file_read(payment_file)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(RESPONSE_HEADER)
    codes = sorted(FAILURE_REASONS)
    for index, row in enumerate(summary.details, start=1):
        reference, amount = row[1], row[5]
        if rng.random() < failure_rate:
            writer.writerow([reference, STATUS_FAILED, "", rng.choice(codes), amount])
        else:
            utr = f"SIMB{on:%y%m%d}{seed % 1000:03d}{index:08d}"
            writer.writerow([reference, STATUS_SUCCESS, utr, "", amount])
    return out.getvalue().encode()
