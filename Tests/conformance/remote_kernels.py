"""A Jupyter client that reaches kernels only through a server's HTTP and WebSocket API, as
JupyterLab does: a JupyterHub user's single-user server (through the hub's proxy) or a Kernel
Gateway. Used by the classroom load test and the gateway test."""
import datetime
import json
import re
import socket
import time
import uuid

import requests
import websocket

# Where the kernel keeps its tokens, under its HOME.
TOKEN_FILE = (".globus", "app", "61338d24-54d5-408f-a10d-66c06b59f6d2", "globus-kernel", "tokens.json")


def sign_in(sim, identity="alice@uchicago.edu"):
    """An `answer` for RemoteKernel.execute: what a person does with the link the cell shows:
    open it, sign in (the simulator's admin API), paste the code."""
    def answer(prompt, reply):
        links = re.findall(r"https://\S+/authorize\?\S+", reply.output)
        return sim.approve(links[-1], identity) if links else None
    return answer


def sign_in_and_call(kernel, sim, home):
    """`%globus login` with the code prompt across the WebSocket (the token file private under
    `home`), then a call: what a person does first on any remote kernel."""
    login = kernel.execute("%globus login", answer=sign_in(sim))
    assert login.status == "ok", login
    assert login.prompts and "code" in login.prompts[0].lower(), login.prompts
    assert "Logged in as alice@uchicago.edu" in login.output, login
    assert home.joinpath(*TOKEN_FILE).stat().st_mode & 0o777 == 0o600
    call = kernel.execute("%globus call transfer GET /endpoint_search -Q filter_fulltext=tutorial --jmespath 'DATA[].display_name'")
    assert call.status == "ok" and "Globus Tutorial Collection 1" in call.output, call


def interrupted_wait(kernel, copy_name):
    """A long `task wait`, interrupted through the server's REST API a second into it: the
    waiting stops and says the task goes on, and the task is still active."""
    submit = kernel.execute("%globus transfer 'Globus Tutorial Collection 1':/~/data "
                            f"'Globus Tutorial Collection 2':/~/{copy_name} --recursive --as task")
    assert submit.status == "ok", submit
    asked = []

    def interrupt_soon(k):
        time.sleep(1)  # into the wait (the interrupt is what is tested, not the timing)
        asked.append(time.monotonic())
        k.interrupt()

    wait = kernel.execute("%globus task wait @{task.task_id}", during=interrupt_soon, timeout=60)
    assert asked and wait.seconds < 25, wait  # the task takes 30 s: the wait stopped, not ran out
    assert wait.status == "error" and "goes on" in wait.output + (wait.error or ""), wait
    show = kernel.execute("%globus task show @{task.task_id}")
    assert show.status == "ok" and "ACTIVE" in show.output, show


class KernelServer:
    """A Jupyter server's REST API at `base` (e.g. http://127.0.0.1:8000/user/student01/), with an
    API token sent as `Authorization: token …` (or none)."""

    def __init__(self, base, token=None):
        self.base = base.rstrip("/") + "/"
        self.headers = {"Authorization": f"token {token}"} if token else {}
        self.http = requests.Session()

    def api(self, method, path, expect=(200, 201, 202, 204), **kw):
        r = self.http.request(method, self.base + "api/" + path, headers=self.headers, timeout=120, **kw)
        assert r.status_code in expect, f"{method} {path}: HTTP {r.status_code} {r.text[:300]}"
        return r.json() if r.content else None

    def kernelspecs(self):
        return self.api("GET", "kernelspecs")["kernelspecs"]

    def start_kernel(self, name, env=None):
        body = {"name": name}
        if env:
            body["env"] = env
        return RemoteKernel(self, self.api("POST", "kernels", json=body)["id"])


class Reply:
    """What one execute request produced, as a person reads it."""

    def __init__(self):
        self.status = None
        self.text = []
        self.error = None
        self.prompts = []
        self.seconds = 0.0

    @property
    def output(self):
        return "\n".join(self.text)

    def __repr__(self):
        return f"<{self.status} {self.seconds * 1000:.0f} ms error={self.error} output={self.output[:400]!r}>"


class RemoteKernel:
    """One kernel and its WebSocket channels (all five over one socket, as jupyter_server serves them)."""

    def __init__(self, server, kernel_id):
        self.server = server
        self.id = kernel_id
        self.session = uuid.uuid4().hex
        self.ws = None
        self.connect()

    def connect(self):
        if self.ws:
            self.ws.close()
        url = self.server.base.replace("http", "ws", 1) + f"api/kernels/{self.id}/channels?session_id={self.session}"
        # No Nagle: a small message is sent at once (else each cell can wait out a delayed ACK, 40 ms).
        self.ws = websocket.create_connection(url, header=[f"{k}: {v}" for k, v in self.server.headers.items()], timeout=120,
                                              sockopt=((socket.IPPROTO_TCP, socket.TCP_NODELAY, 1),))

    def quick_ack(self):
        """Acknowledges at once. The server writes a cell's messages as separate small frames
        without TCP_NODELAY, so with Linux's delayed ACK each cell would wait 40 ms for nothing
        (measured: 48 ms a cell with either kernel, 5 ms with this)."""
        if hasattr(socket, "TCP_QUICKACK"):
            self.ws.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)

    def send(self, channel, msg_type, content, parent=None):
        msg_id = uuid.uuid4().hex
        self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": msg_type, "session": self.session, "username": "student",
                       "date": datetime.datetime.now(datetime.timezone.utc).isoformat(), "version": "5.3"},
            "parent_header": parent or {}, "metadata": {}, "content": content, "channel": channel, "buffers": []}))
        return msg_id

    def execute(self, code, answer=None, timeout=180, during=None):
        """Runs a cell and waits for its reply and the kernel's idle. `answer(prompt, reply)` answers
        an input request, seeing what the cell showed so far, or returns None to wait for more
        output (answer=None: the cell may not ask);
        `during(self)` runs once the kernel said busy."""
        reply = Reply()
        t0 = time.perf_counter()
        msg_id = self.send("shell", "execute_request", {"code": code, "silent": False, "store_history": True,
                                                        "user_expressions": {}, "allow_stdin": answer is not None,
                                                        "stop_on_error": True})
        done_reply = idle = False
        asking = None
        deadline = time.monotonic() + timeout
        while not (done_reply and idle):
            self.ws.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                m = json.loads(self.ws.recv())
            except websocket.WebSocketTimeoutException:
                raise AssertionError(f"no reply to {code!r} within {timeout} s; so far {reply!r}")
            self.quick_ack()
            if m.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, c = m["msg_type"], m["content"]
            if kind == "status" and c["execution_state"] == "busy" and during:
                during(self)
            elif kind == "status" and c["execution_state"] == "idle":
                idle = True
            elif kind == "execute_reply":
                done_reply = True
                reply.status = c["status"]
            elif kind == "stream":
                reply.text.append(c["text"])
            elif kind in ("display_data", "execute_result", "update_display_data"):
                reply.text.append(c["data"].get("text/plain", ""))
            elif kind == "error":
                reply.error = f"{c['ename']}: {c['evalue']}"
            elif kind == "input_request":
                reply.prompts.append(c["prompt"])
                assert answer is not None, f"{code!r} asked for input: {c['prompt']!r}"
                asking = m
            if asking is not None:
                # The prompt (stdin) can arrive before what the cell showed (iopub): the answer
                # may wait for it (None: not yet).
                value = answer(asking["content"]["prompt"], reply)
                if value is not None:
                    self.send("stdin", "input_reply", {"value": value}, parent=asking["header"])
                    asking = None
        reply.seconds = time.perf_counter() - t0
        return reply

    def interrupt(self):
        self.server.api("POST", f"kernels/{self.id}/interrupt")

    def restart(self):
        self.server.api("POST", f"kernels/{self.id}/restart")
        self.connect()
        self.wait_ready()

    def wait_ready(self, timeout=60):
        """Waits until the kernel answers a kernel_info request on the new channels."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            msg_id = self.send("shell", "kernel_info_request", {})
            self.ws.settimeout(2)
            try:
                while True:
                    m = json.loads(self.ws.recv())
                    if m["msg_type"] == "kernel_info_reply" and m["parent_header"].get("msg_id") == msg_id:
                        return m["content"]
            except websocket.WebSocketTimeoutException:
                continue
        raise AssertionError("the kernel did not answer kernel_info after its restart")

    def shutdown(self):
        if self.ws:
            self.ws.close()
        self.server.api("DELETE", f"kernels/{self.id}", expect=(204, 404))
