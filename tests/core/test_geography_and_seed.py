"""Geography loads from data files; seed_demo makes one login per role, idempotently."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.management.commands.load_geography import geography_load, villages_load
from core.management.commands.seed_demo import DEMO_USERS
from core.models import Block, District, State, User, UserRole, Village
from core.roles import RoleCode as R

pytestmark = pytest.mark.django_db


def test_geography_has_every_state_and_ut_and_every_chhattisgarh_district():
    counts = geography_load()
    assert counts["states"] == 36 == State.objects.count()
    assert State.objects.filter(kind="ut").count() == 8
    chhattisgarh = State.objects.get(code="CG")
    assert chhattisgarh.districts.count() == 33
    for district in chhattisgarh.districts.all():
        assert district.blocks.count() >= 2, district
    assert District.objects.get(name_en="Raipur").name_hi == "रायपुर"


def test_loading_geography_twice_changes_nothing():
    geography_load()
    before = (State.objects.count(), District.objects.count(), Block.objects.count())
    geography_load()
    assert (State.objects.count(), District.objects.count(), Block.objects.count()) == before


def test_villages_load_from_the_official_lgd_layout(tmp_path):
    geography_load()
    block = Block.objects.filter(district__name_en="Raipur").first()
    path = tmp_path / "villages.csv"
    path.write_text(
        "State Code,District Code,Sub-District Code,Village Code,Village Name (In English),"
        "Village Name (In Local language)\n"
        f"22,387,{block.lgd_code},441234,Kharora,खरोरा\n", encoding="utf-8")
    assert villages_load(path=path) == 1
    village = Village.objects.get(lgd_code=441234)
    assert (village.block, village.name_hi) == (block, "खरोरा")


def test_a_village_of_an_unknown_block_names_the_line(tmp_path):
    geography_load()
    path = tmp_path / "villages.csv"
    path.write_text("block_lgd,lgd_code,name_en,name_hi\n1,2,X,Y\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 2"):
        villages_load(path=path)
    assert not Village.objects.exists()


def test_seed_demo_makes_one_login_per_role_and_is_idempotent(settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("seed_demo", workers=50, villages_per_block=1, stdout=out)
    for username, role, *_rest in DEMO_USERS:
        assert role in User.objects.get(username=username).role_codes, username
    assert User.objects.get(mobile="9000000001").role_codes == {R.WORKER}
    assert "distadmin.raipur" in out.getvalue() and "9000000001" in out.getvalue()
    officer = User.objects.get(username="officer.bilaspur")
    assert [d.name_en for d in officer.districts.all()] == ["Bilaspur"]
    counts = (User.objects.count(), UserRole.objects.count(), Village.objects.count())
    call_command("seed_demo", workers=50, villages_per_block=1, stdout=io.StringIO())
    assert (User.objects.count(), UserRole.objects.count(), Village.objects.count()) == counts


def test_seed_demo_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="development only"):
        call_command("seed_demo", workers=1, stdout=io.StringIO())
    assert not User.objects.exists()


def test_seed_demo_makes_ten_thousand_workers_with_bulk_inserts(settings):
    settings.DEBUG = True
    with CaptureQueriesContext(connection) as queries:
        call_command("seed_demo", workers=10_000, villages_per_block=1, quiet_logins=True,
                     stdout=io.StringIO())
    assert User.objects.filter(role_links__role=R.WORKER).count() >= 10_000
    # Bulk inserts, not a query (or several) per worker: the count does not follow the
    # number of workers. (How fast it runs is a benchmark's business, not a test's.)
    assert len(queries) < 2_000
