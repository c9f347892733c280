"""A small local OAuth 2 server that answers as ORCID's does, for sign-in tests.

It serves the three addresses allauth's ORCID flow uses (https://info.orcid.org/documentation/
api-tutorials/api-tutorial-get-and-authenticated-orcid-id/):

- GET  /oauth/authorize: the person "signs in" at once and is sent back to the redirect_uri
  with a one-time code and the state it was given;
- POST /oauth/token: the code, the client id and secret, for an access token; ORCID's answer
  also carries the person's `orcid` iD and `name`;
- GET  /v3.0/<orcid>/record: the public record (JSON), with the name and no public email,
  as most ORCID records are.

Standard library only: http.server in a thread, on a free port of 127.0.0.1.
"""

import json
import secrets
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

CLIENT_ID = "APP-LOCALTEST000001"
CLIENT_SECRET = "local-test-secret"


@dataclass
class OrcidPerson:
    orcid: str
    given: str
    family: str
    # One-time codes handed out by /oauth/authorize and not yet exchanged.
    codes: set = field(default_factory=set)
    requests: list = field(default_factory=list)


class _Handler(BaseHTTPRequestHandler):
    person: OrcidPerson  # set on the subclass made per server

    def log_message(self, *args):  # keep the test output quiet
        pass

    def _json(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        self.person.requests.append(("GET", url.path))
        if url.path == "/oauth/authorize":
            if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code":
                return self._json(400, {"error": "invalid_request"})
            code = secrets.token_urlsafe(6)
            self.person.codes.add(code)
            back = {"code": code, "state": query.get("state", "")}
            self.send_response(302)
            self.send_header("Location", f"{query['redirect_uri']}?{urlencode(back)}")
            self.end_headers()
            return None
        if url.path == f"/v3.0/{self.person.orcid}/record":
            if "application/orcid+json" not in self.headers.get("Accept", ""):
                return self._json(406, {"error": "ask for application/orcid+json"})
            return self._json(200, self._record())
        return self._json(404, {"error": "not found"})

    def do_POST(self):
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        self.person.requests.append(("POST", url.path))
        if url.path != "/oauth/token":
            return self._json(404, {"error": "not found"})
        if (form.get("client_id"), form.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
            return self._json(401, {"error": "invalid_client"})
        if form.get("grant_type") != "authorization_code" or form.get("code") not in (
            self.person.codes
        ):
            return self._json(400, {"error": "invalid_grant"})
        self.person.codes.discard(form["code"])
        return self._json(
            200,
            {
                "access_token": secrets.token_hex(16),
                "token_type": "bearer",
                "refresh_token": secrets.token_hex(16),
                "expires_in": 631138518,
                "scope": "/authenticate",
                "name": f"{self.person.given} {self.person.family}",
                "orcid": self.person.orcid,
            },
        )

    def _record(self) -> dict:
        p = self.person
        return {
            "orcid-identifier": {
                "uri": f"https://orcid.org/{p.orcid}",
                "path": p.orcid,
                "host": "orcid.org",
            },
            "person": {
                "name": {
                    "given-names": {"value": p.given},
                    "family-name": {"value": p.family},
                    "credit-name": None,
                },
                "emails": {"email": [], "path": f"/{p.orcid}/email"},
            },
        }


@contextmanager
def orcid_server(person: OrcidPerson):
    """Serve ORCID's sign-in for `person`; yield the server's base URL."""
    handler = type("Handler", (_Handler,), {"person": person})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
