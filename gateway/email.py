"""E-mail delivery adapters behind resolvers.services.EmailSender, chosen by EMAIL_BACKEND.

`file` (dev and demo) writes each message as an .eml file any mail client opens; `smtp`
hands it to a mail server. The standard library's smtplib, in a thread, is enough here:
one short session a message, from the worker, never on a request's path."""

from __future__ import annotations

import asyncio
import email.message
import email.utils
import logging
import secrets
import smtplib
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from resolvers.services import EmailDeliveryError, EmailMessage, EmailSender

log = logging.getLogger("kabinet.email")


def to_mime(message: EmailMessage, sender: str) -> email.message.EmailMessage:
    mime = email.message.EmailMessage()
    mime["From"] = sender
    mime["To"] = message.to
    mime["Subject"] = message.subject
    mime["Date"] = email.utils.format_datetime(datetime.now(UTC))
    mime["Message-ID"] = email.utils.make_msgid(domain=sender.rpartition("@")[2] or None)
    mime.set_content(message.text)  # text/plain, UTF-8: Cyrillic as written
    for attachment in message.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        mime.add_attachment(
            attachment.data, maintype=maintype, subtype=subtype, filename=attachment.filename
        )
    return mime


class FileEmailSender:
    """Dev and demo backend: one .eml file a message in the outbox folder, named so that
    they sort by the time they were sent (`kabinet`'s helpers read the newest one)."""

    def __init__(self, folder: Path, sender: str) -> None:
        self.folder = folder
        self.sender = sender

    async def send(self, message: EmailMessage) -> None:
        data = to_mime(message, self.sender).as_bytes()
        await asyncio.to_thread(self._write, data)

    def _write(self, data: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        path = self.folder / f"{stamp}-{secrets.token_hex(4)}.eml"
        partial = path.with_suffix(".part")
        partial.write_bytes(data)
        partial.replace(path)  # a reader never sees half a message


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 587
    username: str | None = None
    password: str | None = None
    # "starttls" (port 587), "tls" (implicit, port 465) or "none" (a local relay).
    security: str = "starttls"
    timeout: float = 10.0


class SmtpEmailSender:
    """Hands each message to an SMTP server; any refusal or network error is an
    EmailDeliveryError the caller may retry (the notification outbox does)."""

    def __init__(self, settings: SmtpSettings, sender: str) -> None:
        self.settings = settings
        self.sender = sender

    async def send(self, message: EmailMessage) -> None:
        mime = to_mime(message, self.sender)
        try:
            await asyncio.to_thread(self._deliver, mime)
        except (smtplib.SMTPException, OSError) as exc:
            # Name the server and the problem, never the message text or the password.
            raise EmailDeliveryError(
                f"SMTP server {self.settings.host}:{self.settings.port} did not accept "
                f"the message ({type(exc).__name__})"
            ) from exc

    def _deliver(self, mime: email.message.EmailMessage) -> None:
        s = self.settings
        if s.security == "tls":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                s.host, s.port, timeout=s.timeout, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        with client:
            if s.security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if s.username:
                client.login(s.username, s.password or "")
            client.send_message(mime)


def build_email_sender(
    backend: str, outbox_dir: Path, smtp: SmtpSettings | None, sender: str
) -> EmailSender:
    if backend == "smtp":
        assert smtp is not None, "validated by load_settings"
        return SmtpEmailSender(smtp, sender)
    return FileEmailSender(outbox_dir, sender)
