"""seed_demo (bin/demo) publishes Zibo's 十四五 and withholds one target, to show how."""

from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command

from public.content import target_key
from public.models import Publication, PublicationChange, Withholding

pytestmark = pytest.mark.django_db


def test_the_demo_publishes_the_plan_and_withholds_one_target_once(client, plan):
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())  # a second run changes nothing
    assert Publication.objects.get(plan=plan).published
    withheld = Withholding.objects.get().target
    assert PublicationChange.objects.filter(action="withhold").count() == 1
    cache.clear()
    page = client.get(f"/public/{plan.slug}/")
    assert page.status_code == 200
    assert "status-" in page.content.decode()
    assert client.get(f"/public/{plan.slug}/targets/{target_key(withheld)}/").status_code == 404
