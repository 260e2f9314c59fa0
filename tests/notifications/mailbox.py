"""An e-mail backend for worker subprocesses: each message becomes a file of
``PARVIS_TEST_MAILDIR``. With ``PARVIS_TEST_MAIL_DELAY`` (seconds) sending is slow, and a
``sending-<pid>-<n>`` marker tells the test which process is in the middle of a send."""

import os
import time
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class FileMailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        maildir = Path(os.environ["PARVIS_TEST_MAILDIR"])
        delay = float(os.environ.get("PARVIS_TEST_MAIL_DELAY", "0") or 0)
        for message in email_messages:
            name = f"{time.time():.6f}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
            if delay:
                (maildir / f"sending-{os.getpid()}-{name}").write_text(str(os.getpid()))
                time.sleep(delay)
            data = message.message().as_bytes()
            temporary = maildir / f".{name}.tmp"
            temporary.write_bytes(data)
            temporary.rename(maildir / f"{name}.eml")
        return len(email_messages)


def delivered(maildir):
    """The e-mails written so far, as ``email.message.Message`` objects, oldest first."""
    from email import message_from_bytes

    return [message_from_bytes(path.read_bytes()) for path in sorted(Path(maildir).glob("*.eml"))]


def sending_pids(maildir):
    return [int(path.read_text()) for path in sorted(Path(maildir).glob("sending-*"))]


class FailingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("SMTP server unreachable")
