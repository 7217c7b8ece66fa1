"""A hostile Globus: an HTTPS server on loopback that answers the requests the %globus verbs
make, in the shapes the real services use (the Python SDK's captured responses in
globus_sdk.testing where it has them, the project's simulator where it has not), with text that
an attacker chose in every field a person reads: file names, collection names and owners, task
labels, statuses and errors, flow titles, timer names, identities, error messages.

    g = HostileGlobus(folder); g.serve(World(["<img src=x onerror=alert(1)>"]))
    env = g.kernel_env(home)    # service URLs, the CA, a HOME holding a 0600 token file
"""
import copy
import datetime
import ipaddress
import json
import os
import ssl
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

COLLECTION = "6c54cade-bde5-45c1-bdea-f4bd71dba2cc"
OTHER_COLLECTION = "31ce9ba0-176d-45a5-add3-f37d233ba47d"
MISSING_COLLECTION = "0badc0de-0000-4000-8000-000000000000"
TASK_DONE = "1a2b3c4d-0000-4000-8000-000000000001"      # SUCCEEDED at the first look
TASK_FAILED = "1a2b3c4d-0000-4000-8000-000000000002"    # FAILED, with a fatal error
TASK_SLOW = "1a2b3c4d-0000-4000-8000-000000000003"      # ACTIVE at the first look, then FAILED
RUN = "2b3c4d5e-0000-4000-8000-000000000001"
JOB = "3c4d5e6f-0000-4000-8000-000000000001"
IDENTITY = "4d5e6f70-0000-4000-8000-000000000001"
TUTORIAL_CLIENT = "61338d24-54d5-408f-a10d-66c06b59f6d2"
TIMERS_RS = "524230d7-ea86-4a52-8312-86065a9e0417"
# The kernel's stored logins: resource server -> scopes (Sources/GlobusSDK/Services.swift).
SCOPES = {
    "auth.globus.org": "openid profile email urn:globus:auth:scope:auth.globus.org:view_identity_set",
    "transfer.api.globus.org": "urn:globus:auth:scope:transfer.api.globus.org:all",
    "groups.api.globus.org": "urn:globus:auth:scope:groups.api.globus.org:view_my_groups_and_memberships",
    "search.api.globus.org": "urn:globus:auth:scope:search.api.globus.org:search",
    "flows.globus.org": "https://auth.globus.org/scopes/eec9b274-0c81-4334-bdc2-54e90e689b9a/all",
    TIMERS_RS: f"https://auth.globus.org/scopes/{TIMERS_RS}/timer",
}
SERVICES = ("auth", "transfer", "flows", "timer", "groups", "search")
TASK_PAGE = 2          # Transfer's task_list answers two tasks a page (four in all)
SLOW_PAGE = 0.12       # seconds a task_list page after the first takes when the query has `filter`


def captured(name):
    """The document of one of the Python SDK's captured responses (e.g. 'transfer.task_list')."""
    from globus_sdk.testing import get_response_set
    r = get_response_set(name).lookup("default")
    return copy.deepcopy(getattr(r, "responses", [r])[0].json)


def first(doc, **fields):
    """`fields` first, then the rest of `doc`: a table shows the first columns it meets."""
    return {**fields, **{k: v for k, v in doc.items() if k not in fields}}


class World:
    """Everything the hostile Globus answers for one set of attacker-chosen strings: field i of
    the documents gets `texts[i % len(texts)]` (the listed files' names `file_names`, if given)."""

    def __init__(self, texts, file_names=None):
        self.texts = list(texts) or [""]
        self.n = 0
        t = self.next
        task = captured("transfer.task_list")["DATA"][0]
        self.ls_path = t()
        # A member name of the service's own choosing, in the rows of the listings (a column).
        self.member = member_name(t(), set(task) | {"DATA_TYPE", "name", "type", "size"})
        names = file_names or [None] * 3
        self.files = [{"DATA_TYPE": "file", "name": listed(name if name is not None else t()), "type": ("file", "dir")[i % 2],
                       "size": 1000 * i, self.member: t(), "user": t(), "group": t(), "last_modified": t(), "permissions": t()}
                      for i, name in enumerate(names)]
        self.collections = [first(captured("transfer.get_endpoint"), id=cid, display_name=t(), owner_string=t(), description=t(),
                                  organization=t(), department=t(), keywords=t(), entity_type="GCSv5_guest_collection")
                            for cid in (COLLECTION, OTHER_COLLECTION)]
        self.tasks = [first(task, task_id=str(uuid.UUID(int=i + 1)), status=t(), type=t(), label=t(), **{self.member: t()}, nice_status=t(),
                            source_endpoint_display_name=t(), destination_endpoint_display_name=t(), canceled_by_admin_message=t())
                      for i in range(2 * TASK_PAGE)]
        self.task = {tid: first(task, DATA_TYPE="task", task_id=t(), status=status, nice_status=t(), label=t(), type="TRANSFER",
                                fatal_error={"code": t(), "description": t()} if status == "FAILED" else None)
                     for tid, status in ((TASK_DONE, "SUCCEEDED"), (TASK_FAILED, "FAILED"), (TASK_SLOW, "FAILED"))}
        self.slow_first = first(self.task[TASK_SLOW], status="ACTIVE", nice_status=t(), fatal_error=None, files=4, files_transferred=1)
        self.slow_looks = 0
        self.submitted_task = t()
        flow = captured("flows.list_flows")["flows"][0]
        self.flows = [first(flow, id=str(uuid.UUID(int=0xF000 + i)), title=t(), subtitle=t(), description=t(), flow_owner=t(),
                            globus_auth_username=t()) for i in range(2)]
        run = captured("flows.get_run")
        self.run = first(run, run_id=RUN, status=t(), display_status=t(), label=t(), flow_title=t(),
                         details={**run["details"], "code": t(), "description": t()})
        job = captured("timer.get_job")
        self.jobs = [first(job, name=t(), job_id=jid, status=t(), inactive_reason=t()) for jid in (JOB, str(uuid.UUID(int=0xE001)))]
        self.created_timer = {"timer": first(job, job_id=t(), name=t(), status=t(), number_of_runs=0)}
        self.identities = [{"sub": IDENTITY, "username": t(), "name": t(), "email": t(), "organization": t(),
                            "identity_provider_display_name": t(), "identity_provider": str(uuid.UUID(int=7))} for _ in range(2)]
        self.userinfo = {"sub": IDENTITY, "preferred_username": t(), "name": t(), "email": t(), "organization": t(),
                         "identity_provider_display_name": t(), "identity_set": self.identities}
        self.error_message = t()
        # A stored login that a hostile Auth handed out: its resource server, scopes and identity.
        self.hostile_login = {"resource_server": t(), "scope": t(), "identity_id": t()}

    def next(self):
        self.n += 1
        return self.texts[(self.n - 1) % len(self.texts)]


class EndlessFlows:
    """A Flows service that never says its listing is done: every page of `/flows` holds
    `per_page` flows of about `pad` bytes each and a marker never given before, with
    `has_next_page: true`, for ever."""

    def __init__(self, per_page, pad=1000):
        self.per_page = per_page
        self.filler = "x" * pad
        self.flow = captured("flows.list_flows")["flows"][0]

    def page(self, query):
        n = int(query.get("marker", ["0"])[0])
        flows = [{**self.flow, "id": str(uuid.UUID(int=n + i + 1)), "title": f"flow {n + i}", "description": self.filler}
                 for i in range(self.per_page)]
        return {"flows": flows, "limit": self.per_page, "has_next_page": True, "marker": str(n + max(1, self.per_page))}


def member_name(name, taken):
    """`name`, made unlike each name in `taken` (an object's members are unique)."""
    while name in taken:
        name += "_"
    return name


def listed(name):
    """A file name that `ls` shows (one starting with '.' is hidden without --all)."""
    return "_" + name if name.startswith(".") else name


class HostileGlobus:
    """The server: every service under one HTTPS port, /auth/…, /transfer/v0.10/…, /flows/…,
    /timer/…; the answers come from the current `World` (set with `serve`)."""

    def __init__(self, folder):
        self.folder = str(folder)
        self.ca, cert, key = make_tls(self.folder)
        self.world = World(["hostile"])
        self.requests = 0
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.globus = self
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.url = f"https://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def serve(self, world):
        with self.lock:
            self.world = world
            self.requests = 0

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def kernel_env(self, home):
        """The environment of a kernel that uses this Globus, logged in already (tokens in `home`)."""
        write_tokens(home, self.world)
        env = {k: v for k, v in os.environ.items() if not k.startswith("GLOBUS_")}
        env.update({f"GLOBUS_SDK_SERVICE_URL_{s.upper()}": f"{self.url}/{s}/" for s in SERVICES})
        env.update(HOME=str(home), GLOBUS_SDK_VERIFY_SSL=self.ca)
        return env

    def answer(self, method, service, path, query):
        """(status, document) for one request."""
        with self.lock:
            w = self.world
            self.requests += 1
        parts = [p for p in path.split("/") if p]
        if isinstance(w, EndlessFlows) and service == "flows" and parts == ["flows"]:
            return 200, w.page(query)
        if service == "transfer" and parts[:1] == ["v0.10"]:
            found = self.transfer(w, method, parts[1:], query)
        else:
            found = {
                ("auth", "GET", "v2/oauth2/userinfo"): lambda: w.userinfo,
                ("flows", "GET", "flows"): lambda: {"flows": w.flows, "limit": 20, "has_next_page": False, "marker": None},
                ("flows", "GET", f"runs/{RUN}"): lambda: w.run,
                ("timer", "GET", "jobs"): lambda: {"jobs": w.jobs},
                ("timer", "GET", f"jobs/{JOB}"): lambda: w.jobs[0],
                ("timer", "POST", "v2/timer"): lambda: w.created_timer,
            }.get((service, method, "/".join(parts)), lambda: None)()
        if found is None:
            return 404, {"code": "ClientError.NotFound", "message": w.error_message, "request_id": "hostile", "resource": "/" + path}
        return 200, found

    def transfer(self, w, method, parts, query):
        if parts == ["endpoint_search"]:
            return {"DATA_TYPE": "endpoint_list", "DATA": w.collections, "has_next_page": False, "offset": 0, "limit": 100}
        if len(parts) == 2 and parts[0] == "endpoint" and parts[1] != MISSING_COLLECTION:
            return {**w.collections[0], "id": parts[1]}
        if len(parts) == 4 and parts[:2] == ["operation", "endpoint"]:
            if parts[3] == "ls":
                return {"DATA_TYPE": "file_list", "DATA": w.files, "absolute_path": w.ls_path, "endpoint": parts[2], "length": len(w.files),
                        "path": w.ls_path, "rename_supported": True, "symlink_supported": False, "total": len(w.files)}
            return captured(f"transfer.operation_{parts[3]}") if method == "POST" and parts[3] in ("mkdir", "rename") else None
        if parts == ["task_list"]:
            offset = int(query.get("offset", ["0"])[0])
            if offset and "filter" in query:
                time.sleep(SLOW_PAGE)
            size = min(TASK_PAGE, int(query.get("limit", ["10"])[0]))
            page = w.tasks[offset:offset + size]
            return {"DATA_TYPE": "task_list", "DATA": page, "length": len(page), "limit": size, "offset": offset, "total": len(w.tasks)}
        if len(parts) == 2 and parts[0] == "task" and parts[1] in w.task:
            if parts[1] == TASK_SLOW:
                w.slow_looks += 1
                if w.slow_looks == 1:
                    return w.slow_first
            return w.task[parts[1]]
        if parts == ["submission_id"]:
            return captured("transfer.get_submission_id")
        if method == "POST" and parts in (["transfer"], ["delete"]):
            return {**captured(f"transfer.submit_{parts[0]}"), "task_id": w.submitted_task}
        return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms wait for a delayed ACK

    def do_GET(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        url = urlsplit(self.path)
        service, _, rest = url.path.lstrip("/").partition("/")
        status, doc = self.server.globus.answer(self.command, service, rest, parse_qs(url.query))
        body = json.dumps(doc, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            pass  # the kernel stopped reading (an answer over its cap): nothing to report

    do_POST = do_DELETE = do_PUT = do_GET

    def log_message(self, *args):
        pass


def write_tokens(home, world):
    """A 0600 token file in the Python SDK's format, where the kernel looks for it: a login for
    every resource server the verbs call, and one more that a hostile Auth handed out."""
    now = int(time.time())
    entries = {rs: {"resource_server": rs, "identity_id": IDENTITY, "scope": scope, "access_token": "at-" + uuid.uuid4().hex,
                    "refresh_token": "rt-" + uuid.uuid4().hex, "expires_at_seconds": now + 3 * 86400, "token_type": "Bearer"}
               for rs, scope in SCOPES.items()}
    h = world.hostile_login
    entries[h["resource_server"]] = {**h, "access_token": "at-" + uuid.uuid4().hex, "refresh_token": None,
                                     "expires_at_seconds": now + 3 * 86400, "token_type": "Bearer"}
    doc = {"globus-sdk.version": "4.10.0", "format_version": "2.0", "data": {"DEFAULT": entries}}
    folder = os.path.join(str(home), ".globus", "app", TUTORIAL_CLIENT, "globus-kernel")
    os.makedirs(folder, mode=0o700, exist_ok=True)
    path = os.path.join(folder, "tokens.json")
    fd = os.open(path + ".new", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False)
    os.replace(path + ".new", path)
    return path


def make_tls(folder):
    """A CA made now, and a certificate it signed for 127.0.0.1: (ca.pem, cert.pem, key.pem)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.timezone.utc)

    def issue(subject, key, issuer, issuer_key, ca):
        b = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
             .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)])).public_key(key.public_key())
             .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(hours=1))
             .not_valid_after(now + datetime.timedelta(days=2))
             .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
             .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
             .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
             .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=ca, crl_sign=ca, content_commitment=False,
                                          key_encipherment=False, data_encipherment=False, key_agreement=False,
                                          encipher_only=False, decipher_only=False), critical=True))
        if not ca:
            b = (b.add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
                                 critical=False)
                  .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False))
        return b.sign(issuer_key, hashes.SHA256())

    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = issue("Hostile Globus test CA", ca_key, "Hostile Globus test CA", ca_key, True)
    cert = issue("127.0.0.1", key, "Hostile Globus test CA", ca_key, False)
    paths = [os.path.join(folder, n) for n in ("ca.pem", "cert.pem", "key.pem")]
    for path, data in zip(paths, [ca.public_bytes(serialization.Encoding.PEM), cert.public_bytes(serialization.Encoding.PEM),
                                  key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                    serialization.NoEncryption())]):
        with open(path, "wb") as f:
            f.write(data)
    return paths
