"""manage.py backup and restore, end to end on PostgreSQL (subprocesses against a database of
their own): back up a plan with a ledger attachment, drop and recreate the database, restore,
and find every table's rows, a checksum of the figures and the attachment as they were."""

import json
import os
import subprocess
import sys

import psycopg
import pytest
from django.conf import settings
from django.db import connection

SETUP = """
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from departments.models import Department
from ledger import ledger
from plans.models import Plan, Task
plan = Plan.objects.get(slug="zibo-2021-2025")
admin = User.objects.create_superuser("operator", password="pw-for-tests-only")
ledger.ensure_default_rounds(plan)
final = plan.rounds.get(code="2025H2")
ledger.open_round(final, admin)
task = Task.objects.get(part__plan=plan, code="二(一)4")
department = Department.objects.get(city=plan.city, name="市体育局")
contribution = ledger.contribution_for(final, task, department)
upload = SimpleUploadedFile("证明.pdf", b"%PDF-1.4 x")
attachment = ledger.add_attachment(contribution, upload, None)
print(attachment.pk)
"""
DOWNLOAD = """
from django.contrib.auth.models import User
from django.test import Client
client = Client()
client.force_login(User.objects.get(username="operator"))
response = client.get("/ledger/attachments/%s/")
print(response.status_code, b"".join(response.streaming_content).decode())
"""
FIGURES = "SELECT md5(string_agg(f::text, '|' ORDER BY f.id)) FROM targets_figure f"


def _admin_sql(*statements: str) -> None:
    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], dbname="postgres",
        password=db["PASSWORD"] or None, autocommit=True,
    ) as admin:  # fmt: skip
        for statement in statements:
            admin.execute(statement)


@pytest.fixture
def scratch(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the backup round trip is tested on PostgreSQL (set DATABASE_URL)")
    name = f"{connection.settings_dict['NAME']}_backup"
    _admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{name}"
    env = {**os.environ, "DATABASE_URL": url, "MEDIA_ROOT": str(tmp_path / "media")}
    yield name, env
    _admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _manage(env, *args, check=True) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env,
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    if check:
        assert done.returncode == 0, done.stderr[-3000:]
    return done


def _state(name: str) -> tuple[dict[str, int], str]:
    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], dbname=name
    ) as live:
        tables = [row[0] for row in live.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        )]  # fmt: skip
        counts = {t: live.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
        return counts, live.execute(FIGURES).fetchone()[0]


def test_backup_drop_restore_gives_back_every_row_and_the_attachment(scratch, tmp_path):
    name, env = scratch
    _manage(env, "migrate", "--noinput")
    _manage(env, "load_plan", "--verbosity", "0")
    attachment = _manage(env, "shell", "-c", SETUP).stdout.split()[-1]
    before, figures = _state(name)
    backup = tmp_path / "backup"
    _manage(env, "backup", str(backup))
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["tables"] == before
    assert "database.dump" in manifest["files"]
    assert any(f.startswith("media/") and f.endswith(".pdf") for f in manifest["files"])

    refused = _manage(env, "restore", str(backup), "--yes", check=False)
    assert refused.returncode != 0 and "--force" in refused.stderr
    _admin_sql(f'DROP DATABASE "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    (tmp_path / "media").rename(tmp_path / "media-lost")

    restored = _manage(env, "restore", str(backup), "--yes")
    assert "zibo-2021-2025" in restored.stdout  # refresh_standings ran
    assert _state(name) == (before, figures)
    assert (
        _manage(env, "shell", "-c", DOWNLOAD % attachment).stdout.splitlines()[-1]
        == "200 %PDF-1.4 x"
    )


def test_a_damaged_backup_is_refused_before_anything_changes(scratch, tmp_path):
    name, env = scratch
    _manage(env, "migrate", "--noinput")
    backup = tmp_path / "backup"
    _manage(env, "backup", str(backup))
    with (backup / "database.dump").open("ab") as dump:
        dump.write(b"tampered")
    before = _state(name)
    refused = _manage(env, "restore", str(backup), "--yes", "--force", check=False)
    assert refused.returncode != 0 and "checksum" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert _state(name) == before


def test_restore_asks_for_yes(scratch, tmp_path):
    _name, env = scratch
    refused = _manage(env, "restore", str(tmp_path), check=False)
    assert refused.returncode != 0 and "--yes" in refused.stderr
