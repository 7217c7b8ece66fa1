"""A scripted `jupyter console --kernel globus` session in tmux: a real terminal UI, read
back from the rendered screen with capture-pane."""
import os
import re
import shlex
import subprocess
import sys
import time
import uuid

import pytest


class Tmux:
    def __init__(self, command, env):
        self.name = "gk-" + uuid.uuid4().hex[:8]
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        subprocess.run(["tmux", "new-session", "-d", "-s", self.name, "-x", "150", "-y", "50",
                        f"env {exports} {command}"], check=True)

    def screen(self, history=True):
        """The pane's text (with the 200 lines above it, unless `history` is false)."""
        return subprocess.run(["tmux", "capture-pane", "-p", "-J", *(["-S", "-200"] if history else []), "-t", self.name],
                              capture_output=True, text=True).stdout

    def title(self):
        return subprocess.run(["tmux", "display", "-p", "-t", self.name, "#{pane_title}"], capture_output=True, text=True).stdout

    def expect(self, pattern, timeout=30, nudge_after=None):
        """Waits for pattern on the screen. With nudge_after, presses Enter once more if nothing
        matched by then (a keystroke can be lost while prompt_toolkit is still starting)."""
        start = time.time()
        nudged = False
        while time.time() - start < timeout:
            s = self.screen()
            if re.search(pattern, s):
                return s
            if nudge_after and not nudged and time.time() - start > nudge_after:
                subprocess.run(["tmux", "send-keys", "-t", self.name, "Enter"], check=True)
                nudged = True
            time.sleep(0.1)
        raise AssertionError(f"{pattern!r} not on screen:\n{self.screen()}")

    def type(self, text, enter=True):
        subprocess.run(["tmux", "send-keys", "-t", self.name, "-l", text], check=True)
        if enter:
            subprocess.run(["tmux", "send-keys", "-t", self.name, "Enter"], check=True)

    def kill(self):
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)


@pytest.fixture
def console(tmp_path):
    env = {"JUPYTER_PATH": os.environ["JUPYTER_PATH"], "JUPYTER_RUNTIME_DIR": str(tmp_path),
           "HOME": os.environ.get("HOME", "/root"), "PATH": os.environ["PATH"], "TERM": "xterm-256color",
           "PROMPT_TOOLKIT_NO_CPR": "1"}
    t = Tmux(f"{sys.executable} -m jupyter_console --kernel globus --no-confirm-exit", env)
    try:
        t.expect(r"Globus kernel \d+\.\d+\.\d+")
        t.expect(r"In \[1\]:")
        time.sleep(0.5)  # let the prompt settle before typing
        yield t
    finally:
        t.type("exit")
        time.sleep(0.5)
        t.kill()


def test_echo_env_ask_and_continuation(console):
    c = console
    c.type("%echo hello from the console")
    c.expect(r"(?m)^hello from the console", nudge_after=5)
    c.expect(r"In \[2\]:")

    c.type("%env CONSOLE_SECRET --ask")
    c.expect("Value for CONSOLE_SECRET:")
    c.type("top-secret-value")
    screen = c.expect(r"set \(value hidden\)")
    assert "top-secret-value" not in screen  # getpass: not echoed
    c.expect(r"In \[3\]:")

    # An open quote makes the kernel answer "incomplete": the console shows a continuation line.
    c.type("%echo 'first")
    c.expect(r"\.\.\.:")
    c.type("second'")
    c.expect(r"(?m)^first\s*\n\s*second")
    c.expect(r"In \[4\]:")

    c.type("%nonsense")
    c.expect("UsageError: unknown command '%nonsense'")
    c.expect(r"In \[5\]:")


def test_login_through_the_console_prompt_then_call(tmp_path):
    from conftest import Sim
    sim = Sim()
    env = {"JUPYTER_PATH": os.environ["JUPYTER_PATH"], "JUPYTER_RUNTIME_DIR": str(tmp_path), "HOME": str(tmp_path),
           "PATH": os.environ["PATH"], "TERM": "xterm-256color", "PROMPT_TOOLKIT_NO_CPR": "1", **sim.env}
    t = Tmux(f"{sys.executable} -m jupyter_console --kernel globus --no-confirm-exit", env)
    try:
        t.expect(r"In \[1\]:")
        time.sleep(0.5)
        # The first five minutes as text: the guide, a wrong code, the right one, a call, a
        # table, an error and its remedy (the same states the JupyterLab test photographs).
        t.type("%globus")
        t.expect("Start here \\(one cell each\\):")
        t.expect(r"In \[2\]:")
        t.type("%globus login")
        t.expect("Enter the resulting Authorization Code here:", nudge_after=5)
        t.type("'not-the-code'")
        t.expect("LoginError: Globus did not accept that Authorization Code")
        t.expect(r"In \[3\]:")
        t.type("%globus login")
        # The console may print the code prompt (stdin channel) before the link (iopub): wait
        # for both of this cell, the link complete up to the rule printed under it.
        screen = t.expect(r"In \[3\]: %globus login(?=[\s\S]*Enter the resulting Authorization Code here:)"
                          r"[\s\S]*(https?://127\.0\.0\.1:\d+/auth/v2/oauth2/authorize\?\S+)\n-{10}", nudge_after=5)
        cell3 = screen[screen.rindex("In [3]:"):]
        url = re.search(r"(https?://127\.0\.0\.1:\d+/auth/v2/oauth2/authorize\?\S+)\n-{10}", cell3).group(1)
        t.type(sim.approve(url))
        # The console shows the confirmation too (it ignores display updates, so the confirmation
        # is a display of its own).
        t.expect(r"Logged in as alice@uchicago\.edu \(Alice Researcher\) via University of Chicago")
        t.expect(r"In \[4\]:")
        t.type("%globus whoami")
        t.expect(r"Name:  Alice Researcher")
        t.expect(r"In \[5\]:")
        t.type("%globus call transfer GET /task_list")
        t.expect(r'"DATA_TYPE": "task_list"')
        t.expect(r"In \[6\]:")
        t.type("%globus call transfer GET \\")
        t.expect(r"\.\.\.:")
        t.type("/endpoint_search --jmespath 'DATA[].display_name'")
        t.expect("Globus Tutorial Collection 2")
        t.expect(r"In \[7\]:")
        t.type("%globus tokens")
        t.expect(r"resource server +\| scopes +\| expires +\| refresh")
        t.expect(r"In \[8\]:")
        t.type("%globus ls 'No Such Collection':/~/")
        t.expect("Find one with %globus collection search TEXT")
    finally:
        t.type("exit")
        time.sleep(0.5)
        t.kill()
        sim.stop()


def test_a_file_name_cannot_retitle_or_clear_the_console(tmp_path):
    """A hostile Globus lists a file named with terminal escapes (set the title, clear the
    screen, turn red, and a one-byte C1 CSI): the console keeps its screen and title, and the
    name is shown as visible escapes."""
    from hostile_globus import COLLECTION, HostileGlobus, World
    name = "\x1b]0;gk-title\x07\x1b[2J\x1b[31m\x9b2J"
    (tmp_path / "tls").mkdir()
    globus = HostileGlobus(tmp_path / "tls")
    globus.serve(World([name]))
    env = {"JUPYTER_PATH": os.environ["JUPYTER_PATH"], "JUPYTER_RUNTIME_DIR": str(tmp_path), "PATH": os.environ["PATH"],
           "TERM": "xterm-256color", "PROMPT_TOOLKIT_NO_CPR": "1",
           **{k: v for k, v in globus.kernel_env(tmp_path).items() if k.startswith("GLOBUS_") or k == "HOME"}}
    t = Tmux(f"{sys.executable} -m jupyter_console --kernel globus --no-confirm-exit", env)
    try:
        t.expect(r"In \[1\]:")
        time.sleep(0.5)
        t.type("%echo on the screen before the listing")
        t.expect(r"(?m)^on the screen before the listing", nudge_after=5)
        t.expect(r"In \[2\]:")
        title = t.title()
        t.type(f"%globus ls {COLLECTION}:/~/")
        screen = t.expect(r"In \[3\]:")
        assert "on the screen before the listing" in t.screen(history=False), "the screen was cleared"
        assert t.title() == title and "gk-title" not in t.title(), "the pane was retitled"
        assert screen.count(r"\x1b]0;gk-title\x07\x1b[2J\x1b[31m\x9b2J") == 3, screen  # the three files
    finally:
        t.type("exit")
        time.sleep(0.5)
        t.kill()
        globus.stop()
