"""A small mail server on 127.0.0.1 for the background jobs' tests: it refuses for good
(550) every recipient whose address contains "bad", and after ``fail_after`` messages
drops the connection with a 421, as a mail server does when it goes away. ``delivered``
lists the recipients of each message it accepted."""

import socketserver
import threading


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, fail_after=None):
        super().__init__(("127.0.0.1", 0), _Session)
        self.delivered = []
        self.fail_after = fail_after
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def port(self):
        return self.server_address[1]

    def stop(self):
        self.shutdown()
        self.server_close()


class _Session(socketserver.StreamRequestHandler):
    def say(self, line):
        self.wfile.write((line + "\r\n").encode())

    def handle(self):
        server = self.server
        self.say("220 fake ESMTP")
        recipients = []
        while raw := self.rfile.readline():
            line = raw.decode().strip()
            verb = line.split(" ", 1)[0].upper().split(":")[0]
            if verb in ("EHLO", "HELO"):
                self.say("250 fake")
            elif verb == "MAIL":
                recipients = []
                if server.fail_after is not None and len(server.delivered) >= server.fail_after:
                    self.say("421 4.3.0 Service not available, closing")
                    return
                self.say("250 OK")
            elif verb == "RCPT":
                address = line.split(":", 1)[1].strip().strip("<>")
                if "bad" in address:
                    self.say("550 5.1.1 No such user")
                else:
                    recipients.append(address)
                    self.say("250 OK")
            elif verb == "DATA":
                self.say("354 go")
                while self.rfile.readline().rstrip(b"\r\n") != b".":
                    pass
                server.delivered.append(list(recipients))
                self.say("250 queued")
            elif verb == "QUIT":
                self.say("221 bye")
                return
            else:
                self.say("250 OK")
