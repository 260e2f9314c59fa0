"""A console e-mail backend for the demo and development that prints e-mails readable.

Django's console backend prints the raw MIME message: the text part is quoted-printable, so a
long link (the e-mail confirmation link, for instance) is cut by ``=`` soft line breaks and
cannot be copied. This one prints the main headers and the decoded plain-text body instead.
"""

from django.core.mail.backends.console import EmailBackend as DjangoConsoleBackend


class ConsoleEmailBackend(DjangoConsoleBackend):
    HEADERS = ("From", "To", "Cc", "Reply-To", "Subject", "Date")

    def write_message(self, message):
        mime = message.message()
        lines = [f"{name}: {mime[name]}" for name in self.HEADERS if mime[name]]
        body = mime.get_body(preferencelist=("plain", "html"))
        text = body.get_content() if body is not None else str(message.body)
        attachments = [
            part.get_filename() for part in mime.iter_attachments() if part.get_filename()
        ]
        if attachments:
            lines.append("Attachments: " + ", ".join(attachments))
        self.stream.write("\n".join(lines) + "\n\n" + text.rstrip("\n") + "\n")
        self.stream.write("-" * 79 + "\n")
