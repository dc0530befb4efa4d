"""A file email backend that takes its time, as an SMTP server does: a worker killed during the
pause is killed mid-send (tests/zibo_edu/test_outbox_worker.py)."""

import os
import time

from django.core.mail.backends import filebased


class EmailBackend(filebased.EmailBackend):
    def send_messages(self, email_messages):
        time.sleep(float(os.environ.get("SLOW_MAIL_SECONDS", "0.5")))
        return super().send_messages(email_messages)
