#!/usr/bin/python3
"""Token server and fault-injecting front for tests/image (registry_helpers.bash).

Serves, over TLS:
  GET /token?service=S&scope=repository:NAME:ACTIONS
      A bearer token for docker-registry's token auth: a JWT signed RS256
      with --sign-key, its x5c header carrying --sign-cert (which the
      registry trusts as rootcertbundle). With --user, Basic credentials
      are required (401 otherwise).
  GET /v2/...
      Forwarded to --upstream (the real registry), with faults on demand:
      --429 N        the first N requests answer 429 with Retry-After: --retry-after
      --5xx N        the first N requests answer 503
      --drop N       the first N requests get their connection closed, no answer
      --ignore-range blob GETs are forwarded without their Range header
      --cut-after B  the first blob GET closes the connection after B bytes
      --redirect-port P
                     blob GETs answer 307 to https://127.0.0.1:P/cdn/DIGEST,
                     which serves the blob from --storage and refuses (403, and
                     logs AUTH-SEEN) any request carrying an Authorization header
Every request is logged, one line each, to --log:
  "token user=U", "GET /v2/... auth=yes|no range=... conn=CLIENT_PORT", "cdn auth=yes|no".
--ttl: seconds a token lives (the registry adds 60 s of leeway to the exp
claim: exp is written ttl - 60 s ahead, so a token really dies after ttl s).
"""
import argparse
import base64
import http.client
import http.server
import json
import os
import ssl
import sys
import threading
import time
import urllib.parse

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

REGISTRY_LEEWAY = 60


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class State:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.count_429 = args.n429
        self.count_5xx = args.n5xx
        self.count_drop = args.drop
        self.cut_pending = args.cut_after is not None
        with open(args.sign_key, "rb") as f:
            self.key = serialization.load_pem_private_key(f.read(), None)
        with open(args.sign_cert, "rb") as f:
            cert = x509.load_pem_x509_certificate(f.read())
        self.x5c = base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()
        self.logf = open(args.log, "a", buffering=1)
        self.jti = 0

    def log(self, line):
        with self.lock:
            self.logf.write(line + "\n")

    def take(self, name):
        with self.lock:
            n = getattr(self, name)
            if n:
                setattr(self, name, n - 1 if isinstance(n, int) and not isinstance(n, bool) else False)
            return n

    def token(self, scope):
        now = int(time.time())
        access = []
        if scope:
            kind, name, actions = scope.split(":", 2)
            access.append({"type": kind, "name": name, "actions": actions.split(",")})
        with self.lock:
            self.jti += 1
            jti = str(self.jti)
        claims = {"iss": self.args.issuer, "sub": "test", "aud": self.args.service,
                  "exp": now + self.args.ttl - REGISTRY_LEEWAY if self.args.ttl else now + 3600,
                  "nbf": now - 10, "iat": now, "jti": jti, "access": access}
        header = {"typ": "JWT", "alg": "RS256", "x5c": [self.x5c]}
        signing_input = (b64url(json.dumps(header).encode()) + "." +
                         b64url(json.dumps(claims).encode())).encode()
        sig = self.key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
        return signing_input.decode() + "." + b64url(sig)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *a):
        pass

    def reply(self, code, body=b"", headers=()):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        st = self.server.state
        path = urllib.parse.urlsplit(self.path).path
        if path == "/token":
            return self.token(st)
        if path.startswith("/v2/"):
            return self.front(st, path)
        self.reply(404)

    def token(self, st):
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        auth = self.headers.get("Authorization", "")
        user = "-"
        if auth.startswith("Basic "):
            user, _, pw = base64.b64decode(auth[6:]).decode().partition(":")
            if st.args.user and f"{user}:{pw}" != st.args.user:
                st.log(f"token refused user={user}")
                return self.reply(401, b'{"details":"bad credentials"}',
                                  [("WWW-Authenticate", 'Basic realm="token"')])
        elif st.args.user:
            st.log("token refused user=-")
            return self.reply(401, b'{"details":"credentials required"}',
                              [("WWW-Authenticate", 'Basic realm="token"')])
        st.log(f"token user={user} service={q.get('service', [''])[0]} scope={q.get('scope', [''])[0]}")
        tok = st.token(q.get("scope", [""])[0])
        key = "access_token" if st.args.access_token else "token"
        self.reply(200, json.dumps({key: tok, "expires_in": st.args.ttl or 3600}).encode(),
                   [("Content-Type", "application/json")])

    def front(self, st, path):
        is_blob = "/blobs/sha256:" in path
        rng = self.headers.get("Range")
        st.log(f"GET {path} auth={'yes' if self.headers.get('Authorization') else 'no'} range={rng or '-'} "
               f"conn={self.client_address[1]}")
        if st.take("count_429"):
            return self.reply(429, b'{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}',
                              [("Retry-After", str(st.args.retry_after)),
                               ("Content-Type", "application/json")])
        if st.take("count_drop"):
            st.log("dropped")
            self.close_connection = True
            self.connection.shutdown(2)
            return
        if st.take("count_5xx"):
            return self.reply(503, b"upstream busy")
        if is_blob and st.args.redirect_port:
            digest = path.rsplit("/", 1)[1]
            return self.reply(307, headers=[
                ("Location", f"https://127.0.0.1:{st.args.redirect_port}/cdn/{digest}?sig=x")])
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() in ("authorization", "accept", "range")}
        if is_blob and st.args.ignore_range:
            headers.pop("Range", None)
        ctx = ssl.create_default_context(cafile=st.args.ca)
        conn = http.client.HTTPSConnection(st.args.upstream, context=ctx)
        conn.request("GET", self.path, headers=headers)
        up = conn.getresponse()
        if st.args.tamper_manifests and "/manifests/" in path and up.status == 200:
            # The same JSON with one more byte: the registry's
            # Docker-Content-Digest header no longer matches the body.
            body = up.read() + b"\n"
            conn.close()
            st.log("tampered")
            return self.reply(200, body, [(k, up.getheader(k)) for k in ("Content-Type", "Docker-Content-Digest")
                                          if up.getheader(k) is not None])
        self.send_response(up.status)
        for k in ("Content-Type", "Content-Length", "Docker-Content-Digest", "WWW-Authenticate",
                  "Content-Range", "Location", "Docker-Distribution-Api-Version"):
            if up.getheader(k) is not None:
                self.send_header(k, up.getheader(k))
        if up.getheader("Content-Length") is None:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        cut = st.args.cut_after if is_blob and up.status in (200, 206) and st.take("cut_pending") else None
        sent = 0
        while True:
            chunk = up.read(16384)
            if not chunk:
                break
            if cut is not None and sent + len(chunk) >= cut:
                self.wfile.write(chunk[:cut - sent])
                self.wfile.flush()
                st.log(f"cut after {cut}")
                self.close_connection = True
                self.connection.shutdown(2)
                break
            self.wfile.write(chunk)
            sent += len(chunk)
            if is_blob and st.args.slow_blobs:
                self.wfile.flush()
                time.sleep(len(chunk) / st.args.slow_blobs)
        conn.close()


class CdnHandler(Handler):
    def do_GET(self):
        st = self.server.state
        path = urllib.parse.urlsplit(self.path).path
        auth = self.headers.get("Authorization")
        st.log(f"cdn {path} auth={'yes' if auth else 'no'}")
        if auth:
            st.log("AUTH-SEEN")
            return self.reply(403, b"Authorization sent to the CDN")
        digest = path.rsplit("/", 1)[1]
        algo, hexd = digest.split(":", 1)
        blob = os.path.join(st.args.storage, "docker/registry/v2/blobs", algo, hexd[:2], hexd, "data")
        try:
            with open(blob, "rb") as f:
                data = f.read()
        except OSError:
            return self.reply(404)
        self.reply(200, data, [("Content-Type", "application/octet-stream")])


def serve(port, handler, state, cert, key):
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    srv.daemon_threads = True
    srv.state = state
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    return srv


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--ca", required=True, help="CA that signed the upstream's certificate")
    p.add_argument("--sign-key", required=True)
    p.add_argument("--sign-cert", required=True)
    p.add_argument("--issuer", default="cgrun-test-issuer")
    p.add_argument("--service", default="cgrun-test-registry")
    p.add_argument("--upstream", help="host:port of the registry behind /v2/")
    p.add_argument("--storage", help="the registry's storage root (for --redirect-port)")
    p.add_argument("--log", required=True)
    p.add_argument("--user", help="USER:PASS required on /token")
    p.add_argument("--ttl", type=int, default=0)
    p.add_argument("--access-token", action="store_true", help='answer "access_token", not "token"')
    p.add_argument("--429", dest="n429", type=int, default=0)
    p.add_argument("--retry-after", type=int, default=2)
    p.add_argument("--5xx", dest="n5xx", type=int, default=0)
    p.add_argument("--drop", type=int, default=0)
    p.add_argument("--ignore-range", action="store_true")
    p.add_argument("--cut-after", type=int)
    p.add_argument("--tamper-manifests", action="store_true", help="append a byte to every manifest")
    p.add_argument("--slow-blobs", type=int, default=0, help="serve blobs at this many bytes a second")
    p.add_argument("--redirect-port", type=int)
    args = p.parse_args()
    state = State(args)
    servers = [serve(args.port, Handler, state, args.cert, args.key)]
    if args.redirect_port:
        servers.append(serve(args.redirect_port, CdnHandler, state, args.cert, args.key))
    for s in servers[1:]:
        threading.Thread(target=s.serve_forever, daemon=True).start()
    state.log("ready")
    servers[0].serve_forever()


if __name__ == "__main__":
    sys.exit(main())
