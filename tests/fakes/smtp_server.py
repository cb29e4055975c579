"""A mail server on 127.0.0.1 that accepts every message and keeps it, so that production
settings (which refuse the console and in-memory backends: cogwg/checks.py) can be run
end to end without sending anything anywhere.

In a test: ``with FakeSmtp() as smtp:`` then point ``EMAIL_URL`` at ``smtp.url``; each
message received is in ``smtp.messages`` (envelope sender, recipients and the raw
message). As a process (scripts/smoke_stack.sh)::

    python -m tests.fakes.smtp_server --port 2525 --maildir DIR

writes each message to ``DIR/<n>.eml``, its envelope recipients first
(``X-Envelope-To:`` lines), until it is stopped.

It speaks just enough SMTP for Python's smtplib (Django's SMTP backend): HELO/EHLO,
MAIL, RCPT, DATA, RSET, NOOP, QUIT; no TLS, no authentication. A test may make it refuse
recipients (``smtp.refuse.add(address)``: 550, as for an unknown mailbox), fail every
message for a while (``smtp.fail_data = 451``) or go away part way
(``smtp.fail_after = 2``: once it holds 2 messages, every MAIL is answered 421 and the
connection closed, until it is set back to ``None``); ``smtp.recipients_asked`` lists
every RCPT it answered, refused ones included.
"""

import argparse
import socketserver
import threading
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Received:
    sender: str
    recipients: tuple[str, ...]
    data: bytes


def _address(argument: str) -> str:
    """The address of ``FROM:<a@b>`` or ``TO:<a@b> SIZE=…``."""
    value = argument.split(":", 1)[1].strip() if ":" in argument else argument
    return value.split(">", 1)[0].lstrip("<").strip()


class _Session(socketserver.StreamRequestHandler):
    def reply(self, line: str):
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self):
        sender, recipients = "", []
        self.reply("220 fake-smtp ESMTP ready")
        while line := self.rfile.readline():
            command, _space, argument = line.decode("utf-8", "replace").rstrip("\r\n").partition(" ")
            verb = command.upper()
            if verb == "EHLO":
                self.reply("250-fake-smtp")
                self.reply("250-8BITMIME")
                self.reply("250 SMTPUTF8")
            elif verb == "HELO":
                self.reply("250 fake-smtp")
            elif verb == "MAIL":
                if self.server.gone():
                    self.reply("421 4.3.0 Service not available, closing transmission channel")
                    return
                sender, recipients = _address(argument), []
                self.reply("250 OK")
            elif verb == "RCPT":
                address = _address(argument)
                self.server.recipients_asked.append(address)
                if address.lower() in self.server.refuse:
                    self.reply(f"550 5.1.1 <{address}>: Recipient address rejected: User unknown")
                    continue
                recipients.append(address)
                self.reply("250 OK")
            elif verb == "DATA":
                if not recipients:
                    self.reply("554 No valid recipients")
                    continue
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while (data_line := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                    lines.append(data_line[1:] if data_line.startswith(b"..") else data_line)
                if self.server.fail_data:
                    self.reply(f"{self.server.fail_data} 4.3.0 Try again later, <{recipients[0]}>")
                else:
                    self.server.keep(Received(sender, tuple(recipients), b"".join(lines)))
                    self.reply("250 OK: queued")
                sender, recipients = "", []
            elif verb == "RSET":
                sender, recipients = "", []
                self.reply("250 OK")
            elif verb == "NOOP":
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, maildir: Path | None):
        super().__init__(address, _Session)
        self.maildir = maildir
        self.messages: list[Received] = []
        self.recipients_asked: list[str] = []
        self.refuse: set[str] = set()
        self.fail_data = 0
        self.fail_after: int | None = None
        self.lock = threading.Lock()

    def gone(self) -> bool:
        with self.lock:
            return self.fail_after is not None and len(self.messages) >= self.fail_after

    def keep(self, message: Received):
        with self.lock:
            self.messages.append(message)
            if self.maildir is not None:
                envelope = "".join(f"X-Envelope-To: {recipient}\r\n" for recipient in message.recipients)
                path = self.maildir / f"{len(self.messages)}.eml"
                path.write_bytes(envelope.encode() + message.data)


class FakeSmtp:
    """The server, in a thread of this process, on a free port of 127.0.0.1."""

    def __init__(self, *, port: int = 0, maildir: Path | None = None):
        self.server = _Server(("127.0.0.1", port), maildir)
        self.port = self.server.server_address[1]
        self.url = f"smtp://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def messages(self) -> list[Received]:
        with self.server.lock:
            return list(self.server.messages)

    @property
    def recipients_asked(self) -> list[str]:
        return list(self.server.recipients_asked)

    @property
    def refuse(self) -> set[str]:
        return self.server.refuse

    @property
    def fail_data(self) -> int:
        return self.server.fail_data

    @fail_data.setter
    def fail_data(self, code: int):
        self.server.fail_data = code

    @property
    def fail_after(self) -> int | None:
        return self.server.fail_after

    @fail_after.setter
    def fail_after(self, count: int | None):
        self.server.fail_after = count

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.server.shutdown()
        self.server.server_close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--maildir", type=Path, required=True)
    options = parser.parse_args()
    options.maildir.mkdir(parents=True, exist_ok=True)
    server = _Server(("127.0.0.1", options.port), options.maildir)
    try:
        server.serve_forever()
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
