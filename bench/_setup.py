"""Shared by the bench scripts: Django on a throwaway database, the plan loaded."""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def django_with_plan() -> None:
    """SQLite in a temporary folder, unless DATABASE_URL names another (empty) database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zibo_edu.settings")
    if not os.environ.get("DATABASE_URL"):
        os.environ["ZIBO_VAR_DIR"] = tempfile.mkdtemp(prefix="zibo-bench-")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    call_command("load_plan", verbosity=0)
