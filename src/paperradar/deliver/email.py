"""E-mail digests: multipart text + HTML messages over SMTP, one per subscriber, never twice for one period."""

from __future__ import annotations

import abc
import smtplib
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from paperradar.store import Store, Subscription, now_iso


class DeliveryError(Exception):
    """A message could not be handed to the mail server."""


@dataclass(frozen=True)
class Rendered:
    """What a subscriber receives: subject, plain text, HTML, how many papers it lists, and what to record
    once the server accepted it (e.g. marking the papers as shown to this reader)."""

    subject: str
    text: str
    html: str
    papers: int
    on_sent: Callable[[], None] | None = None


@dataclass(frozen=True)
class SmtpSettings:
    """How to reach the mail server (see the ``smtp.*`` settings)."""

    host: str = "localhost"
    port: int = 25
    security: str = "plain"  # plain | starttls | ssl
    user: str = ""
    password: str = ""
    sender: str = "paperradar@localhost"
    timeout: float = 30.0

    @classmethod
    def from_settings(cls, c: Mapping[str, Any]) -> SmtpSettings:
        """Build from the resolved ``smtp.*`` settings."""
        return cls(
            host=c["smtp.host"],
            port=int(c["smtp.port"]),
            security=c["smtp.security"],
            user=c["smtp.user"],
            password=c["smtp.password"],
            sender=c["smtp.sender"],
        )


class Deliverer(abc.ABC):
    """Hands one message to a channel."""

    @abc.abstractmethod
    def send(self, message: EmailMessage) -> None:
        """Deliver ``message`` or raise DeliveryError."""


class SmtpDeliverer(Deliverer):
    """Sends over SMTP with plain, STARTTLS or implicit-TLS connections; one connection per message."""

    def __init__(self, settings: SmtpSettings, context: ssl.SSLContext | None = None) -> None:
        if settings.security not in ("plain", "starttls", "ssl"):
            raise DeliveryError(f"smtp.security must be plain, starttls or ssl, not {settings.security!r}")
        self.settings = settings
        self.context = context or ssl.create_default_context()

    def send(self, message: EmailMessage) -> None:
        s = self.settings
        try:
            if s.security == "ssl":
                client: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=self.context)
            else:
                client = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            with client:
                if s.security == "starttls":
                    client.starttls(context=self.context)
                if s.user:
                    client.login(s.user, s.password)
                client.send_message(message)
        except (OSError, smtplib.SMTPException) as e:
            raise DeliveryError(f"SMTP {s.host}:{s.port}: {e}") from e


def build_message(sender: str, sub: Subscription, content: Rendered, unsubscribe_url: str) -> EmailMessage:
    """A multipart/alternative message with List-Unsubscribe headers (RFC 2369 / RFC 8058 one-click)."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = sub.email
    msg["Subject"] = content.subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1] or "paperradar")
    msg["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    footer = (
        f"\n\n--\nYou subscribed to paperradar's {sub.frequency} digest for '{sub.interest}'.\n"
        f"Unsubscribe: {unsubscribe_url}\n"
    )
    msg.set_content(content.text + footer)
    html_footer = (
        f'<hr><p style="font-size:small;color:#666">You subscribed to paperradar\'s {sub.frequency} '
        f"digest for '{sub.interest}'. <a href=\"{unsubscribe_url}\">Unsubscribe</a></p>"
    )
    html = (
        content.html.replace("</body>", html_footer + "</body>")
        if "</body>" in content.html
        else content.html + html_footer
    )
    msg.add_alternative(html, subtype="html")
    return msg


@dataclass
class SendReport:
    """What `send_due` did: sent, skipped (nothing to send), failed (left in the queue for the next run)."""

    sent: list[str] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def send_due(
    store: Store,
    frequency: str,
    period: str,
    render: Callable[[Subscription], Rendered | None],
    deliverer: Deliverer,
    *,
    sender: str,
    base_url: str,
) -> SendReport:
    """Send ``period``'s digest to every active ``frequency`` subscriber not yet sent it.

    ``render`` builds one subscriber's message (their own profile and seen-set), returns None when there is
    nothing to send, or raises DeliveryError when the content may not be sent. A delivery is recorded as sent
    only after the server accepted it, so an SMTP failure leaves that subscriber in the queue for the next run
    and nobody gets the same period twice.
    """
    report = SendReport()
    for sub in store.delivery.pending(frequency, period):
        try:
            content = render(sub)
        except DeliveryError as e:  # e.g. a report that failed its grounding check: never sent, stays queued
            store.delivery.record(sub.sid, period, "failed", now_iso(), 0, str(e))
            report.failed.append((sub.email, str(e)))
            continue
        if content is None or content.papers == 0:
            report.empty.append(sub.email)
            continue
        url = f"{base_url.rstrip('/')}/unsubscribe/{sub.token}"
        try:
            deliverer.send(build_message(sender, sub, content, url))
        except DeliveryError as e:
            store.delivery.record(sub.sid, period, "failed", now_iso(), content.papers, str(e))
            report.failed.append((sub.email, str(e)))
            continue
        store.delivery.record(sub.sid, period, "sent", now_iso(), content.papers)
        if content.on_sent:
            content.on_sent()
        report.sent.append(sub.email)
    return report
