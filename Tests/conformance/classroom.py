"""A class on a real JupyterHub, on loopback: JupyterHub from PyPI, the proxy from Debian
(configurable-http-proxy), DummyAuthenticator and SimpleLocalProcessSpawner (a home folder per
student), the Globus kernelspec installed into the hub's environment with --sys-prefix, and one
Globus Simulator for the class (`globus-sim --people N`, a JupyterHub managed service), which
approves each student only as the hub user who owns the JupyterHub token their kernel presents;
its admin API needs the operator's key.

Each student's work goes only through the hub's REST API and their single-user server's kernels
API over WebSocket, as JupyterLab does: start a kernel, log in, run the tour's cells (a transfer
and its wait among them). Then every student tries to become the next one, to
see or cancel their task, and to use the simulator's admin API, and each attempt must be refused.
The same class then does the same with ipykernel and the Python globus-sdk, in the same servers,
for memory side by side.

    python Tests/conformance/classroom.py --students 30     # `make classroom`: prints the figures
"""
import argparse
import concurrent.futures
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time

import psutil
import requests

from conftest import free_port, stop_process_group
from remote_kernels import KernelServer

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TUTORIAL_CLIENT = "61338d24-54d5-408f-a10d-66c06b59f6d2"
PROXY = shutil.which("configurable-http-proxy") or "/usr/bin/configurable-http-proxy"


def student_name(i):
    return f"student{i:02d}"


def tour_cells():
    """The tour notebook's code cells, up to (not including) its logout: the class ends signed in."""
    with open(os.path.join(ROOT, "notebooks", "tour.ipynb")) as f:
        cells = ["".join(c["source"]) for c in json.load(f)["cells"] if c["cell_type"] == "code"]
    return [c for c in cells if not c.startswith("%globus logout")]


# The same steps with the Python globus-sdk in ipykernel, against the same simulator. The sign-in
# is approved by the class's simulator as the owner of the JupyterHub token the kernel inherited
# from its server (JUPYTERHUB_API_TOKEN), as the Globus kernel's demo mode does.
PYTHON_CELLS = [
    """import json, os
# The class's simulator, from the file it announced itself in (what the Globus kernel reads too).
with open(os.environ["GLOBUS_KERNEL_DEMO_SIMULATOR"]) as f:
    os.environ.update(json.load(f)["environment"])
import globus_sdk, requests
from globus_sdk.login_flows import CommandLineLoginFlowManager
class Approve(CommandLineLoginFlowManager):
    def print_authorize_url(self, url): self.url = url
    def prompt_for_code(self):
        r = requests.get(self.url + "&sim_identity=" + os.environ["JUPYTERHUB_USER"],
                         headers={"Accept": "application/json", "Authorization": "token " + os.environ["JUPYTERHUB_API_TOKEN"]},
                         verify=os.environ["GLOBUS_SDK_VERIFY_SSL"])
        return r.json()["code"]
app = globus_sdk.UserApp("Globus Notebook", client_id="%s",
                         config=globus_sdk.GlobusAppConfig(login_flow_manager=Approve, request_refresh_tokens=True))
auth, tc, gc, fc = (globus_sdk.AuthClient(app=app), globus_sdk.TransferClient(app=app), globus_sdk.GroupsClient(app=app),
                    globus_sdk.FlowsClient(app=app))
app.add_scope_requirements({"auth.globus.org": [globus_sdk.scopes.AuthScopes.openid, globus_sdk.scopes.AuthScopes.profile,
                                                globus_sdk.scopes.AuthScopes.email]})
app.login(force=True)""" % TUTORIAL_CLIENT,
    'print(auth.userinfo()["preferred_username"])',
    'found = tc.endpoint_search("Globus Tutorial Collection")\nprint([e["display_name"] for e in found])',
    'ids = {e["display_name"]: e["id"] for e in found}\n'
    'source = tc.get_endpoint(ids["Globus Tutorial Collection 1"]); dest = tc.get_endpoint(ids["Globus Tutorial Collection 2"])',
    'for e in tc.operation_ls(source["id"], path="/~/"): print(e["name"], e["type"], e["size"])',
    'for e in tc.operation_ls(source["id"], path="/~/data"): print(e["name"])',
    'data = globus_sdk.TransferData(source["id"], dest["id"], label="notebook tour")\n'
    'data.add_item("/~/data", "/~/tour-copy", recursive=True)\ntask = tc.submit_transfer(data)\nprint(task["task_id"])',
    'assert tc.task_wait(task["task_id"], timeout=120, polling_interval=1)\ndone = tc.get_task(task["task_id"])\nprint(done["status"])',
    'for e in tc.operation_ls(done["destination_endpoint_id"], path="/~/tour-copy"): print(e["name"])',
    'for t in tc.task_list(limit=5): print(t["task_id"], t["status"])',
    'print([{"name": e["display_name"], "id": e["id"]} for e in tc.endpoint_search(filter_fulltext="tutorial")])',
    'print([g["name"] for g in gc.get_my_groups()])',
    'print([f["title"] for f in fc.list_flows()])',
    'flow = globus_sdk.SpecificFlowClient("24bc4997-b483-4c25-a19c-64b0afc00743", app=app)\n'
    'run = flow.run_flow({"source": "/~/tour-copy"}, label="notebook tour")\nprint(run["run_id"])',
    'import time\nwhile fc.get_run(run["run_id"])["status"] == "ACTIVE": time.sleep(1)\nprint(fc.get_run(run["run_id"])["status"])',
    # The tour's end: the samples copied, then read over the destination's HTTPS server (with a
    # token for its https scope) and shown as a table and an image.
    'data = globus_sdk.TransferData(source["id"], dest["id"], label="tour samples")\n'
    'data.add_item("/~/samples", "/~/tour-samples", recursive=True)\nsamples = tc.submit_transfer(data)\nprint(samples["task_id"])',
    'assert tc.task_wait(samples["task_id"], timeout=120, polling_interval=1)\nprint(tc.get_task(samples["task_id"])["status"])',
    'import csv, io, html\nfrom IPython.display import HTML, Image, display\n'
    'app.add_scope_requirements({dest["id"]: [globus_sdk.scopes.GCSCollectionScopes(dest["id"]).https]})\n'
    'def read(path):\n'
    '    r = requests.get(dest["https_server"] + path, headers={"Authorization": app.get_authorizer(dest["id"]).get_authorization_header()},\n'
    '                     verify=os.environ["GLOBUS_SDK_VERIFY_SSL"])\n'
    '    r.raise_for_status()\n'
    '    return r.content\n'
    'rows = list(csv.reader(io.StringIO(read("/~/tour-samples/table.csv").decode())))\n'
    'display(HTML("<table>" + "".join("<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in row) + "</tr>" for row in rows) + "</table>"))',
    'display(Image(read("/~/tour-samples/gradient.png")))',
]


class Hub:
    """JupyterHub, its proxy and the class's simulator, in `folder`; stopped by `stop()`."""

    def __init__(self, folder, kernel_bin, sim_bin, people, task_seconds=1.0):
        self.folder = folder
        self.kernel_bin = kernel_bin
        self.sim_bin = sim_bin
        self.people = people
        self.task_seconds = task_seconds
        self.port = free_port()
        self.token = secrets.token_hex(32)
        self.homes = os.path.join(folder, "home")
        self.announcement = os.path.join(folder, "globus-sim.json")
        # The operator's key to the simulator's admin API: a file only the operator can read.
        self.admin_key = secrets.token_hex(32)
        self.admin_key_file = os.path.join(folder, "sim-admin.key")

    def url(self, path=""):
        return f"http://127.0.0.1:{self.port}/{path}"

    def start(self):
        os.makedirs(self.homes, exist_ok=True)
        with open(os.open(self.admin_key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as f:
            f.write(self.admin_key + "\n")
        # The class's simulator runs as a JupyterHub managed service (started, restarted and stopped
        # by the hub, which gives it JUPYTERHUB_API_URL: it asks the hub who owns each token a
        # sign-in carries): HTTPS, with a roster; it writes its announcement for the kernels.
        simulator = [self.sim_bin, "--people", str(self.people), "--tls", "--ready-file", self.announcement,
                     "--task-seconds", str(self.task_seconds), "--ca-file", os.path.join(self.folder, "sim-ca.pem"),
                     "--admin-key-file", self.admin_key_file]
        # The Globus kernelspec, installed into the hub's own environment.
        venv = sys.prefix
        subprocess.run([self.kernel_bin, "install", "--sys-prefix"], check=True, capture_output=True,
                       env={**os.environ, "VIRTUAL_ENV": venv})
        spawner_env = {
            "GLOBUS_KERNEL_DEMO": "hub",
            "GLOBUS_KERNEL_DEMO_SIMULATOR": self.announcement,
            "PATH": os.path.dirname(sys.executable) + ":/usr/bin:/bin",
        }
        config = f"""
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {self.port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {free_port()}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{free_port()}"
c.ConfigurableHTTPProxy.command = [{PROXY!r}]
c.ConfigurableHTTPProxy.pid_file = {os.path.join(self.folder, "proxy.pid")!r}
c.JupyterHub.db_url = "sqlite:///" + {os.path.join(self.folder, "jupyterhub.sqlite")!r}
c.JupyterHub.cookie_secret_file = {os.path.join(self.folder, "cookie_secret")!r}
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {self.homes + "/{username}"!r}
c.Spawner.cmd = [{os.path.join(os.path.dirname(sys.executable), "jupyterhub-singleuser")!r}]
# Kernels on IPC sockets: with TCP, each server picks "free" ports by binding and closing, and a
# kernel binds them a moment later; 30 servers starting kernels at once can pick the same port
# ("Address already in use", the kernel dies). IPC paths are private to each server. A socket
# path must be short (107 bytes), so the runtime folder is a short one per user.
c.Spawner.args = {(["--allow-root"] if os.geteuid() == 0 else []) + ["--KernelManager.transport=ipc"]!r}
c.Spawner.environment = {{**{spawner_env!r}, "JUPYTER_RUNTIME_DIR": lambda spawner: {self.folder + "/rt/"!r} + spawner.user.name}}
c.Spawner.start_timeout = 300
c.Spawner.http_timeout = 300
c.JupyterHub.init_spawners_timeout = 1
c.JupyterHub.tornado_settings = {{"slow_spawn_timeout": 0}}  # a spawn request answers at once; readiness is polled
c.JupyterHub.cleanup_servers = True
c.JupyterHub.services = [{{"name": "classroom", "api_token": {self.token!r}}},
                         {{"name": "globus-sim", "command": {simulator!r}}}]
c.JupyterHub.load_roles = [{{"name": "classroom", "services": ["classroom"],
                            "scopes": ["admin:users", "admin:servers", "access:servers", "tokens"]}}]
"""
        path = os.path.join(self.folder, "jupyterhub_config.py")
        with open(path, "w") as f:
            f.write(config)
        env = {**os.environ, "NODE_PATH": "/usr/share/nodejs", "PATH": os.path.dirname(sys.executable) + ":" + os.environ["PATH"]}
        self.log = open(os.path.join(self.folder, "jupyterhub.log"), "w")
        hub = subprocess.Popen([os.path.join(os.path.dirname(sys.executable), "jupyterhub"), "-f", path],
                               cwd=self.folder, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        self.hub = hub
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert hub.poll() is None, "JupyterHub exited; see " + self.log.name
            try:
                if os.path.exists(self.announcement) and requests.get(self.url("hub/api/"), timeout=2).status_code == 200:
                    with open(self.announcement) as f:
                        self.sim_env = json.load(f)["environment"]
                    return self
            except requests.ConnectionError:
                pass
            time.sleep(0.2)
        raise AssertionError("JupyterHub did not answer; see " + self.log.name)

    def api(self, method, path, expect=(200, 201, 202, 204), **kw):
        r = requests.request(method, self.url("hub/api/" + path), headers={"Authorization": f"token {self.token}"}, timeout=120, **kw)
        assert r.status_code in expect, f"hub {method} {path}: HTTP {r.status_code} {r.text[:300]}"
        return r.json() if r.content else None

    def open_class(self, names, timeout=600):
        """Creates the students and starts their servers, all at once; returns when every one is ready."""
        self.api("POST", "users", json={"usernames": names}, expect=(201, 409))
        for n in names:
            self.api("POST", f"users/{n}/server", expect=(201, 202))
        deadline = time.monotonic() + timeout
        waiting = set(names)
        while waiting and time.monotonic() < deadline:
            for n in sorted(waiting):
                server = self.api("GET", f"users/{n}")["servers"].get("", {})
                if server.get("ready"):
                    waiting.discard(n)
            time.sleep(0.5)
        assert not waiting, f"servers not ready after {timeout} s: {sorted(waiting)}"

    def server(self, name):
        return KernelServer(self.url(f"user/{name}/"), self.token)

    def home(self, name):
        return os.path.join(self.homes, name)

    def token_file(self, name):
        """Where a student's demo tokens are kept: the Python SDK's path for the "demo" environment."""
        return os.path.join(self.home(name), ".globus", "app", TUTORIAL_CLIENT, "globus-kernel", "demo-tokens.json")

    def processes(self):
        """Every process under the hub (proxy, single-user servers, kernels)."""
        try:
            return psutil.Process(self.hub.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []

    def stop(self):
        if getattr(self, "hub", None) is None:
            return
        everything = self.processes()
        if self.hub.poll() is None:
            stop_process_group(self.hub, grace=30)
        for p in everything:
            try:
                p.kill()
            except psutil.NoSuchProcess:
                pass
        self.log.close()


def pss_mb(proc):
    """Proportional set size: shared pages (libraries, the same executable) are split between the
    processes that share them, so the sum over a class is what the class costs in RAM."""
    try:
        with open(f"/proc/{proc.pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def memory(hub, kernel_marker):
    """(kernels' PSS in MB, single-user servers' PSS in MB, kernel count)."""
    procs = hub.processes()
    kernels = [p for p in procs if kernel_marker in " ".join(p.cmdline())]
    servers = [p for p in procs if "jupyterhub-singleuser" in " ".join(p.cmdline())]
    return sum(map(pss_mb, kernels)), sum(map(pss_mb, servers)), len(kernels)


class Student:
    """One student's run: a kernel through their server's API, the cells one after another."""

    def __init__(self, hub, name, kernel_name, cells):
        self.hub, self.name, self.kernel_name, self.cells = hub, name, kernel_name, cells
        self.replies = []
        self.kernel = None

    def run(self):
        self.kernel = self.hub.server(self.name).start_kernel(self.kernel_name)
        self.kernel.wait_ready()
        for code in self.cells:
            r = self.kernel.execute(code)
            self.replies.append((code, r))
            if r.status != "ok":
                break
        return self

    @property
    def failures(self):
        return [(code, r) for code, r in self.replies if r.status != "ok"]


def run_class(hub, names, kernel_name, cells):
    """Every student at once; returns (students, seconds to all done)."""
    t0 = time.perf_counter()
    students = [Student(hub, n, kernel_name, cells) for n in names]
    with concurrent.futures.ThreadPoolExecutor(len(students)) as pool:
        for f in [pool.submit(s.run) for s in students]:
            f.result()
    return students, time.perf_counter() - t0


def latencies(students):
    """Per-cell latency in ms, without the login cell and the waits (their time is Globus's)."""
    out = []
    for s in students:
        for code, r in s.replies[1:]:
            if "wait" not in code and "task_wait" not in code and "get_run" not in code:
                out.append(r.seconds * 1000)
    return sorted(out)


def percentile(sorted_values, p):
    return sorted_values[min(len(sorted_values) - 1, int(round(p / 100 * (len(sorted_values) - 1))))]


def cross_read_attempts(hub, other):
    """Commands a student could try on another student's tokens; each must be refused."""
    theirs = hub.token_file(other)
    relative = os.path.join("..", os.path.relpath(theirs, hub.homes))  # from the student's own home
    return [
        f"%globus call transfer POST /x --body-file {theirs}",
        f"%globus call auth POST /x --body-file {relative}",
        f"%env HOME={hub.home(other)}\n%globus tokens",
    ]


def check_globus_class(hub, students):
    """What every student must see; returns a list of problems (empty when all is well)."""
    problems = []
    for s in students:
        expected = f"{s.name}@classroom.example.edu"
        problems += [f"{s.name}: {code!r} failed: {r!r}" for code, r in s.failures]
        whoami = next((r for code, r in s.replies if code.strip() == "%globus whoami"), None)
        if not whoami or f"\n{expected}\n" not in "\n" + whoami.output:
            problems.append(f"{s.name}: whoami says {whoami!r}")
        own = hub.token_file(s.name)
        if not os.path.exists(own):
            problems.append(f"{s.name}: no token file at {own}")
            continue
        if os.stat(own).st_mode & 0o777 != 0o600:
            problems.append(f"{s.name}: token file mode {oct(os.stat(own).st_mode & 0o777)}")
        with open(own) as f:
            stored = json.load(f)["data"]["DEFAULT"]
        if {t.get("identity_id") for t in stored.values()} != {identity_of(hub, s.name)}:
            problems.append(f"{s.name}: the token file holds another identity's tokens")
    # Each home holds exactly its own student's token file, nothing else that looks like one.
    for name in os.listdir(hub.homes):
        found = [os.path.join(dp, f) for dp, _, fs in os.walk(hub.home(name)) for f in fs if "tokens" in f and not f.endswith(".lock")]
        if found != [hub.token_file(name)]:
            problems.append(f"{name}: token files in the home: {found}")
    return problems


def identity_of(hub, name):
    """The simulator's identity id for a student (Auth's identities API, as the student's kernel sees it)."""
    for s in hub.sim_people:
        if s["username"] == f"{name}@classroom.example.edu":
            return s["id"]
    return None


def attack(hub, students):
    """Each student's kernel tries to reach the next student's tokens; returns what got through."""
    leaks = []
    for i, s in enumerate(students):
        other = students[(i + 1) % len(students)].name
        for code in cross_read_attempts(hub, other):
            r = s.kernel.execute(code)
            if r.status == "ok" or "must be inside your home folder" not in (r.error or ""):
                leaks.append(f"{s.name} ran {code!r}: {r!r}")
        s.kernel.execute(f"%env HOME={hub.home(s.name)}")
        r = s.kernel.execute("%globus tokens")
        if "Identity: " + identity_of(hub, s.name) not in r.output or identity_of(hub, other) in r.output:
            leaks.append(f"{s.name}: %globus tokens afterwards: {r!r}")
    return leaks


UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def newest_task(student):
    """The id of the student's newest Transfer task, asked through their own kernel."""
    r = student.kernel.execute("%globus call transfer GET /task_list -Q limit=1 --jmespath 'DATA[0].task_id'")
    found = UUID.findall(r.output)
    return found[0] if found else None


def authorize_query(person):
    """An authorize request (the tutorial client, with PKCE) that names `person` to approve."""
    return {"client_id": TUTORIAL_CLIENT, "redirect_uri": "https://auth.globus.org/v2/web/auth-code", "scope": "openid",
            "response_type": "code", "code_challenge": "x" * 43, "code_challenge_method": "S256", "sim_identity": person}


def impersonation_attempts(hub, other, other_task):
    """What a student's kernel could try in order to be `other`, to watch or stop their task, or to
    use the simulator's admin API; each with what its refusal must say."""
    admin = hub.sim_env["GLOBUS_SIM_ADMIN_URL"]
    authorize = " ".join(f"-Q {k}={v}" for k, v in authorize_query(f"{other}@classroom.example.edu").items())
    return [
        (f"%globus demo on --as {other}", "--as cannot choose another person"),
        (f"%globus call auth GET /v2/oauth2/authorize {authorize}", "403"),
        (f"%globus task show {other_task}", "No task found with id"),
        (f"%globus task cancel {other_task}", "No task found with id"),
        (f"%globus call transfer GET /task/{other_task}/event_list", "No task found with id"),
        (f"%globus call transfer GET {admin}issued-tokens", "needs the operator's key"),
        (f"%globus call transfer POST {admin}faults --body '{{\"fault\": \"status=503\"}}'", "needs the operator's key"),
    ]


def impersonate(hub, students):
    """Each student's kernel tries to become the next student (a named approval, `%env` before
    signing in again), to see or cancel their task and to use the admin API; returns what got through."""
    leaks = []
    tasks = {s.name: newest_task(s) for s in students}
    for i, s in enumerate(students):
        other = students[(i + 1) % len(students)].name
        if tasks[other] is None:
            leaks.append(f"{other}: no task of theirs to try")
            continue
        for code, refusal in impersonation_attempts(hub, other, tasks[other]):
            r = s.kernel.execute(code)
            if r.status == "ok" or refusal not in (r.error or ""):
                leaks.append(f"{s.name} ran {code!r}: {r!r}")
        r = s.kernel.execute(f"%env JUPYTERHUB_USER={other}\n%env GLOBUS_KERNEL_DEMO={other}\n%globus logout\n%globus login\n%globus whoami")
        if r.status != "ok" or f"\n{s.name}@classroom.example.edu\n" not in "\n" + r.output or f"{other}@" in r.output:
            leaks.append(f"{s.name} signed in again after naming {other}: {r!r}")
    return leaks


def approve_directly(hub, names):
    """Sign-ins sent straight to the simulator, as any program on the hub could send them (a
    Python kernel, say): each student's own hub token naming the next student, no token, a
    service's token and a made-up one must be refused; a student's own token naming themselves
    is approved.
    Then the admin API: the operator's key opens it, nothing else does. Returns what went wrong."""
    problems = []
    auth, verify = hub.sim_env["GLOBUS_SDK_SERVICE_URL_AUTH"], hub.sim_env["GLOBUS_SDK_VERIFY_SSL"]

    def sign_in(person, token):
        headers = {"Accept": "application/json", **({"Authorization": f"token {token}"} if token else {})}
        return requests.get(auth + "v2/oauth2/authorize", params=authorize_query(person), headers=headers, verify=verify, timeout=30)
    for i, name in enumerate(names):
        other = names[(i + 1) % len(names)]
        own = hub.api("POST", f"users/{name}/tokens", json={"note": "classroom: a token of the student's own"})["token"]
        if "code" not in sign_in(name, own).json():
            problems.append(f"{name}: their own hub token did not sign them in")
        for token, whose in ((own, f"{name}'s own"), (None, "no"), (hub.token, "a service's"), (secrets.token_hex(32), "a made-up")):
            r = sign_in(other, token)
            if r.status_code != 403 or "code" in r.json():
                problems.append(f"{name} signed in as {other} with {whose} token: HTTP {r.status_code} {r.text[:200]}")
    admin = hub.sim_env["GLOBUS_SIM_ADMIN_URL"]
    keyed = requests.get(admin + "faults", headers={"Authorization": f"Bearer {hub.admin_key}"}, verify=verify, timeout=30)
    if keyed.status_code != 200 or keyed.json() != {"faults": []}:
        problems.append(f"the operator's key: HTTP {keyed.status_code} {keyed.text[:200]}")
    for headers in ({}, {"Authorization": f"Bearer {hub.token}"}):
        r = requests.get(admin + "issued-tokens", headers=headers, verify=verify, timeout=30)
        if r.status_code != 401:
            problems.append(f"the admin API without the operator's key: HTTP {r.status_code}")
    return problems


def still_working(students):
    """After the attempts: every student is still signed in as themselves and can list their tasks."""
    problems = []
    for s in students:
        r = s.kernel.execute("%globus whoami\n%globus task list --limit 5")
        if r.status != "ok" or f"\n{s.name}@classroom.example.edu\n" not in "\n" + r.output:
            problems.append(f"{s.name} afterwards: {r!r}")
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--students", type=int, default=30)
    ap.add_argument("--kernel", default=os.path.join(ROOT, ".build", "release", "globus-kernel"))
    ap.add_argument("--sim", default=None, help="globus-sim (default: beside --kernel)")
    ap.add_argument("--no-python", action="store_true", help="skip the ipykernel + Python SDK class")
    a = ap.parse_args()
    figures = run_figures(a.students, a.kernel, a.sim or os.path.join(os.path.dirname(a.kernel), "globus-sim"), not a.no_python)
    print_figures(figures)
    return 0 if not figures["problems"] else 1


def run_figures(count, kernel_bin, sim_bin, with_python=True, log=print):
    """Runs the class (and the Python class in the same servers); returns the figures and any problems."""
    names = [student_name(i + 1) for i in range(count)]
    folder = tempfile.mkdtemp(prefix="gkclass-", dir="/tmp")  # short: IPC socket paths live under it
    hub = Hub(folder, kernel_bin, sim_bin, count)
    figures = {"students": count, "problems": []}
    try:
        hub.start()
        t0 = time.perf_counter()
        hub.open_class(names)
        figures["servers_ready_s"] = time.perf_counter() - t0
        log(f"classroom: {count} single-user servers ready in {figures['servers_ready_s']:.1f} s")
        hub.sim_people = people_of(hub, hub.sim_env["GLOBUS_SDK_SERVICE_URL_AUTH"])
        specs = hub.server(names[0]).kernelspecs()
        if "globus" not in specs:
            figures["problems"].append(f"the single-user server does not list the Globus kernel: {sorted(specs)}")
        kinds = [("globus", "globus-kernel", tour_cells())]
        if with_python:
            kinds.append(("python3", "ipykernel_launcher", PYTHON_CELLS))
        for kernel_name, marker, cells in kinds:
            students, seconds = run_class(hub, names, kernel_name, cells)
            lat = latencies(students)
            kernels_mb, servers_mb, n = memory(hub, marker)
            f = figures[kernel_name] = {
                "all_done_s": seconds, "cells": sum(len(s.replies) for s in students),
                "p50_ms": percentile(lat, 50), "p99_ms": percentile(lat, 99),
                "kernels_mb": kernels_mb, "kernel_count": n, "servers_mb": servers_mb,
            }
            f["per_student_mb"] = kernels_mb / max(n, 1)
            f["students_per_gb"] = 1024 / f["per_student_mb"] if f["per_student_mb"] else 0
            f["with_server_mb"] = (kernels_mb + servers_mb) / max(n, 1)
            f["students_per_gb_with_server"] = 1024 / f["with_server_mb"] if f["with_server_mb"] else 0
            failures = [f"{s.name} ({kernel_name}): {code!r}: {r!r}" for s in students for code, r in s.failures]
            figures["problems"] += failures
            if kernel_name == "globus":
                figures["problems"] += check_globus_class(hub, students)
                figures["problems"] += attack(hub, students)
                figures["problems"] += impersonate(hub, students)
                figures["problems"] += approve_directly(hub, names)
                figures["problems"] += still_working(students)
            log(f"classroom: {kernel_name}: {count} students done in {seconds:.1f} s")
            for s in students:
                s.kernel.shutdown()
            time.sleep(1)
    finally:
        hub.stop()
        figures["folder"] = folder
    shutil.rmtree(folder, ignore_errors=True)
    return figures


def people_of(hub, auth_url):
    """The class roster as Auth's identities API lists it (asked with the automation client)."""
    usernames = ",".join(f"{student_name(i + 1)}@classroom.example.edu" for i in range(hub.people))
    r = requests.post(auth_url + "v2/oauth2/token", data={"grant_type": "client_credentials", "scope": "openid"},
                      auth=("7a1c2b3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "sim-automation-secret-do-not-use-in-production"),
                      verify=hub.sim_env["GLOBUS_SDK_VERIFY_SSL"], timeout=30)
    token = r.json()["access_token"]
    r = requests.get(auth_url + "v2/api/identities", params={"usernames": usernames}, headers={"Authorization": f"Bearer {token}"},
                     verify=hub.sim_env["GLOBUS_SDK_VERIFY_SSL"], timeout=30)
    return r.json()["identities"]


def print_figures(fig):
    print(f"\nA class of {fig['students']} on JupyterHub (servers ready in {fig['servers_ready_s']:.1f} s)")
    rows = [("time to all done", "all_done_s", "{:.1f} s"), ("cells run", "cells", "{}"),
            ("cell latency p50", "p50_ms", "{:.1f} ms"), ("cell latency p99", "p99_ms", "{:.1f} ms"),
            ("memory of the kernels (PSS)", "kernels_mb", "{:.0f} MB"), ("memory per student (kernel)", "per_student_mb", "{:.1f} MB"),
            ("students per GB (kernel)", "students_per_gb", "{:.0f}"),
            ("memory per student (kernel + server)", "with_server_mb", "{:.1f} MB"),
            ("students per GB (kernel + server)", "students_per_gb_with_server", "{:.1f}")]
    kinds = [k for k in ("globus", "python3") if k in fig]
    names = {"globus": "globus-kernel", "python3": "ipykernel + globus-sdk"}
    print(f"{'':40}" + "".join(f"{names[k]:>26}" for k in kinds) + ("   ratio" if len(kinds) == 2 else ""))
    for label, key, fmt in rows:
        line = f"{label:40}" + "".join(f"{fmt.format(fig[k][key]):>26}" for k in kinds)
        if len(kinds) == 2 and fig["globus"][key] and key != "cells":
            ratio = fig["globus"][key] / fig["python3"][key] if "per_gb" in key else fig["python3"][key] / fig["globus"][key]
            line += f"   {ratio:.1f}x"
        print(line)
    print("problems: " + ("none" if not fig["problems"] else "\n  " + "\n  ".join(fig["problems"])))


if __name__ == "__main__":
    sys.exit(main())
