"""Report speed: one district's report against WeasyPrint alone, its size, and the city's batch.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zibo_bench \\
        .venv/bin/python bench/report_speed.py

Target: data and charts add at most 30% to what WeasyPrint alone needs for the finished HTML.
The batch (11 districts and the city) is timed with 1 and with 2 worker processes, each claiming
reports as the Celery workers do. Prints the figures; asserts nothing.
"""

import datetime
import multiprocessing
import statistics
import time

from _setup import django_with_plan

django_with_plan()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from weasyprint import HTML  # noqa: E402

from departments.models import District  # noqa: E402
from reports import delivery  # noqa: E402
from reports.models import Report  # noqa: E402
from reports.rendering import render_report, render_report_html  # noqa: E402

MONTH = datetime.date(2025, 6, 1)


def median(function, repeat=3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _work(queue) -> None:
    import django

    django.setup()
    from django.db import connection as own

    own.close()
    while True:
        pk = queue.get()
        if pk is None:
            return
        delivery.generate(pk)


def batch(processes: int) -> float:
    Report.objects.all().delete()
    pks = [r.pk for r in delivery.schedule(MONTH)]
    connection.close()
    queue = multiprocessing.Queue()
    for pk in pks:
        queue.put(pk)
    for _ in range(processes):
        queue.put(None)
    start = time.perf_counter()
    workers = [multiprocessing.Process(target=_work, args=(queue,)) for _ in range(processes)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - start
    assert Report.objects.filter(state="generated").count() == len(pks)
    return elapsed


def main() -> None:
    call_command("seed_demo", verbosity=0, stdout=open("/dev/null", "w"))
    district = District.objects.get(slug="zhangdian")
    html = render_report_html(district, MONTH)
    alone = median(lambda: HTML(string=html).write_pdf())
    whole = median(lambda: render_report(district, MONTH))
    pdf = render_report(district, MONTH)
    print(f"database: {connection.vendor}")
    print(f"WeasyPrint alone (finished HTML):   {alone:6.2f} s")
    extra = f"+{(whole / alone - 1) * 100:.0f}%, target at most 30%"
    print(f"whole report (data, charts, PDF):   {whole:6.2f} s  ({extra})")
    print(f"PDF size:                           {len(pdf) / 1024:6.0f} KiB")
    for processes in (1, 2):
        print(f"city batch, 12 reports, {processes} worker(s): {batch(processes):6.2f} s")


if __name__ == "__main__":
    multiprocessing.set_start_method("fork")
    main()
