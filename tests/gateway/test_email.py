"""The e-mail port's adapters: .eml files for development, SMTP for production."""

from __future__ import annotations

import email
import email.policy
import socket
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from gateway.config import ConfigError, load_settings
from gateway.email import FileEmailSender, SmtpEmailSender, SmtpSettings
from resolvers.services import EmailAttachment, EmailDeliveryError, EmailMessage

LETTER = EmailMessage(
    to="anna@example.org",
    subject="Детализация за ноябрь",
    text="Здравствуйте, Анна! Детализация номера +79990000001 во вложении.",
    attachments=(EmailAttachment("detail.pdf", "application/pdf", b"%PDF-1.4 fake"),),
)


def read_eml(path: Path) -> email.message.EmailMessage:
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)  # type: ignore[return-value]


async def test_the_file_backend_writes_a_message_any_mail_client_opens(tmp_path: Path) -> None:
    sender = FileEmailSender(tmp_path / "mail", "Kabinet <no-reply@kabinet.test>")
    await sender.send(LETTER)

    [path] = sorted((tmp_path / "mail").glob("*.eml"))
    message = read_eml(path)
    assert message["To"] == "anna@example.org"
    assert message["Subject"] == "Детализация за ноябрь"
    assert "Здравствуйте, Анна!" in message.get_body(("plain",)).get_content()
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "detail.pdf"
    assert attachment.get_content() == b"%PDF-1.4 fake"
    assert not list((tmp_path / "mail").glob("*.part"))


def free_port() -> int:
    # aiosmtpd's Controller checks it is up by connecting to its port, so port 0 won't do.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    def __init__(self) -> None:
        self.envelopes: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.envelopes.append((envelope.mail_from, envelope.rcpt_tos, envelope.content))
        return "250 OK"


async def test_the_smtp_backend_hands_the_message_to_a_mail_server() -> None:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        sender = SmtpEmailSender(
            SmtpSettings(host="127.0.0.1", port=port, security="none"), "no-reply@kabinet.test"
        )
        await sender.send(LETTER)
    finally:
        controller.stop()

    [(mail_from, recipients, content)] = inbox.envelopes
    assert mail_from == "no-reply@kabinet.test"
    assert recipients == ["anna@example.org"]
    message = email.message_from_bytes(content, policy=email.policy.default)
    assert message["Subject"] == "Детализация за ноябрь"


async def test_a_mail_server_that_cannot_be_reached_is_a_delivery_error_naming_the_server() -> None:
    sender = SmtpEmailSender(
        SmtpSettings(host="127.0.0.1", port=1, security="none", timeout=2), "no-reply@kabinet.test"
    )
    with pytest.raises(EmailDeliveryError, match=r"127\.0\.0\.1:1") as refused:
        await sender.send(LETTER)
    assert "Здравствуйте" not in str(refused.value)


def test_smtp_settings_are_checked_at_start() -> None:
    with pytest.raises(ConfigError, match="SMTP_HOST"):
        load_settings({"EMAIL_BACKEND": "smtp"})
    with pytest.raises(ConfigError, match="EMAIL_BACKEND"):
        load_settings({"EMAIL_BACKEND": "pigeon"})
    settings = load_settings(
        {"EMAIL_BACKEND": "smtp", "SMTP_HOST": "mail.example.org", "SMTP_SECURITY": "tls"}
    )
    assert settings.smtp == SmtpSettings(host="mail.example.org", port=465, security="tls")
