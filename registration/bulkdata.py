"""Synthetic workers at state scale, generated inside PostgreSQL (benchmarks, load tests).

Rows are made with ``generate_series`` in chunks, not through the ORM: ten
million rows take minutes. Row-history triggers are switched off for the
session when the database role may do so (a benchmark database, never
production data); the generated rows are synthetic and carry no history.
"""

from __future__ import annotations

import time

from django.db import connection, transaction

CHUNK = 500_000

FIRST_LATIN = ["Ramu", "Sita", "Geeta", "Mohan", "Kamla", "Sunil", "Radha", "Dinesh", "Laxmi",
               "Santosh", "Parvati", "Ajay", "Rekha", "Vijay", "Anita", "Manoj", "Savitri",
               "Raju", "Meena", "Suresh"]
FIRST_HINDI = ["रामू", "सीता", "गीता", "मोहन", "कमला", "सुनील", "राधा", "दिनेश", "लक्ष्मी",
               "संतोष", "पार्वती", "अजय", "रेखा", "विजय", "अनीता", "मनोज", "सावित्री", "राजू",
               "मीना", "सुरेश"]
LAST_LATIN = ["Sahu", "Verma", "Yadav", "Netam", "Dhruw", "Patel", "Markam", "Sinha", "Kashyap",
              "Nishad", "Kurre", "Mandavi", "Thakur", "Sonwani", "Chandrakar", "Banjare"]
LAST_HINDI = ["साहू", "वर्मा", "यादव", "नेताम", "ध्रुव", "पटेल", "मरकाम", "सिन्हा", "कश्यप",
              "निषाद", "कुर्रे", "मंडावी", "ठाकुर", "सोनवानी", "चंद्राकर", "बंजारे"]

INSERT_SQL = """
INSERT INTO registration_worker (
    uuid, status, channel, registered_by_id, draft_step, name, name_latin, relative_name,
    relative_relation, date_of_birth, gender, mobile, aadhaar_hash, aadhaar_last4,
    district_id, address_line, pincode, category, occupation_id, employer_name,
    bank_account_holder, bank_account_encrypted, bank_account_last4, ifsc, nominee_name,
    nominee_relation, photo, submitted_at, decided_at, decision_reason, registration_number,
    registered_on, is_migrated, created_at, updated_at)
SELECT
    gen_random_uuid(),
    CASE WHEN i %% 20 = 0 THEN 'submitted' ELSE 'active' END,
    (ARRAY['self','csc','csc','officer','import'])[1 + i %% 5],
    %(user_id)s, 'review',
    (%(fh)s::text[])[1 + i %% %(nf)s] || ' ' || (%(lh)s::text[])[1 + (i / 7) %% %(nl)s],
    (%(fl)s::text[])[1 + i %% %(nf)s] || ' ' || (%(ll)s::text[])[1 + (i / 7) %% %(nl)s],
    (%(fh)s::text[])[1 + (i / 3) %% %(nf)s] || ' ' || (%(lh)s::text[])[1 + (i / 7) %% %(nl)s],
    'father',
    DATE '1966-01-01' + ((i::bigint * 7919) %% 15000)::int,
    CASE WHEN i %% 2 = 0 THEN 'female' ELSE 'male' END,
    (6000000000 + i)::text,
    encode(sha256(('bench-aadhaar-' || i)::bytea), 'hex'),
    lpad((i %% 10000)::text, 4, '0'),
    (%(districts)s::int[])[1 + i %% %(nd)s],
    'Ward ' || (i %% 30), '',
    (ARRAY['unorganised','unorganised','boc','migrant','gig'])[1 + i %% 5],
    %(occupation_id)s, '', '', '', lpad((i %% 10000)::text, 4, '0'), 'SBIN0001234', '', '', '',
    now() - ((i %% 90) || ' days')::interval,
    CASE WHEN i %% 20 = 0 THEN NULL ELSE now() - ((i %% 90) || ' days')::interval END,
    '',
    CASE WHEN i %% 20 = 0 THEN NULL
         ELSE %(state)s || '-' || (%(codes)s::text[])[1 + i %% %(nd)s] || '-2025-'
              || lpad((i / %(nd)s)::text, 7, '0') END,
    CASE WHEN i %% 20 = 0 THEN NULL ELSE (now() - ((i %% 90) || ' days')::interval)::date END,
    false, now(), now()
FROM generate_series(%(start)s, %(stop)s) AS i
"""


def workers_generate(*, count: int, registered_by_id: int, districts: list[tuple[int, str]],
                     state_code: str, occupation_id: int, start: int = 1,
                     progress=None) -> float:
    """Insert ``count`` synthetic workers numbered from ``start``; return the seconds taken."""
    started = time.monotonic()
    params = {
        "user_id": registered_by_id, "fh": FIRST_HINDI, "lh": LAST_HINDI, "fl": FIRST_LATIN,
        "ll": LAST_LATIN, "nf": len(FIRST_LATIN), "nl": len(LAST_LATIN),
        "districts": [d for d, _code in districts], "codes": [c for _d, c in districts],
        "nd": len(districts), "state": state_code, "occupation_id": occupation_id,
    }
    sql = INSERT_SQL  # '%%' is SQL's modulo, escaped for the driver's parameters
    end = start + count - 1
    for chunk_start in range(start, end + 1, CHUNK):
        chunk_stop = min(chunk_start + CHUNK - 1, end)
        with transaction.atomic(), connection.cursor() as cursor:
            _without_row_history(cursor)
            cursor.execute(sql, {**params, "start": chunk_start, "stop": chunk_stop})
        if progress:
            progress(chunk_stop - start + 1, count)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE registration_worker")
    return time.monotonic() - started


def _without_row_history(cursor) -> None:
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if cursor.fetchone()[0]:
        cursor.execute("SET LOCAL session_replication_role = replica")
