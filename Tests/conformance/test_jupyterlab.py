"""JupyterLab 4 in headless Chromium: open the tour, run every cell with the Globus kernel (demo
mode, signing in through Lab's input box like a person), and check what renders."""
import contextlib
import os
import pathlib
import re
import shutil
import subprocess
import time
import urllib.request

import pytest

selenium = pytest.importorskip("selenium")
from conftest import free_port  # noqa: E402
from selenium import webdriver  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

ROOT = pathlib.Path(__file__).parents[2]
SCREENSHOT = ROOT / "build" / "jupyterlab-tour.png"
# The tour's end, its copied data opened: docs/jupyterlab-tour-data.png is a copy of it.
DATA_SCREENSHOT = ROOT / "build" / "jupyterlab-tour-data.png"
# An input box still waiting for its answer. Lab keeps an answered box in the page, marked as
# hiding, for half a second after Enter: a box found by its class alone can be the last prompt's,
# gone by the time a code is typed into it.
OPEN_CODE_BOX = ".jp-OutputArea-stdin-item:not(.jp-OutputArea-stdin-hiding) input.jp-Stdin-input"


@contextlib.contextmanager
def running_lab(folder, env):
    """JupyterLab serving `folder` (also the kernels' HOME), its kernels started with `env`
    instead of the GLOBUS_ variables, and headless Chromium: (driver, base URL with its token)."""
    port, token = free_port(), "labtoken"
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("GLOBUS_")},
           "HOME": str(folder), "JUPYTER_CONFIG_DIR": str(folder / ".jupyter"), **env}
    proc = subprocess.Popen(["jupyter-lab", "--no-browser", f"--port={port}", "--ip=127.0.0.1", f"--IdentityProvider.token={token}",
                             f"--ServerApp.root_dir={folder}", "--LabApp.expose_app_in_browser=True", "--allow-root"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            executable=str(pathlib.Path(os.sys.executable).parent / "jupyter-lab"))
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=1)
            break
        except Exception:
            time.sleep(0.3)
    else:
        proc.kill()
        raise RuntimeError("JupyterLab did not start")
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for a in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,2200"]:
        opts.add_argument(a)
    driver = webdriver.Chrome(service=webdriver.ChromeService("/usr/bin/chromedriver"), options=opts)
    try:
        yield driver, base, token
    finally:
        driver.quit()
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture
def lab(tmp_path):
    shutil.copy(ROOT / "notebooks" / "tour.ipynb", tmp_path / "tour.ipynb")
    with running_lab(tmp_path, {"GLOBUS_KERNEL_DEMO": "1"}) as (driver, base, token):
        yield driver, f"{base}/lab/tree/tour.ipynb?token={token}"


def wait_for(driver, predicate, timeout=60, what="condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            v = predicate()
            if v:
                return v
        except Exception:
            pass
        time.sleep(0.25)
    SCREENSHOT.parent.mkdir(exist_ok=True)
    driver.save_screenshot(str(SCREENSHOT.with_name("jupyterlab-failure.png")))
    raise AssertionError(f"timed out waiting for {what}")


def dismiss_news(driver):
    """Answers Jupyter's "news" question, which would cover part of a screenshot."""
    for b in driver.find_elements(By.XPATH, "//button[normalize-space()='No']"):
        driver.execute_script("arguments[0].click()", b)


def wait_for_kernel(driver):
    """Waits until the open notebook's kernel is connected."""
    wait_for(driver, lambda: driver.execute_script(
        "const p = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
        "return p && p.sessionContext && p.sessionContext.session && p.sessionContext.session.kernel"
        " && p.sessionContext.session.kernel.connectionStatus === 'connected';"), what="the kernel to connect")


def test_tour_runs_in_jupyterlab(lab):
    driver, url = lab
    driver.get(url)
    wait_for(driver, lambda: driver.execute_script(
        "const w = window.jupyterapp; const p = w && w.shell.currentWidget;"
        "return p && p.sessionContext && p.sessionContext.session && p.sessionContext.session.kernel"
        " && p.sessionContext.session.kernel.connectionStatus === 'connected'"
        " && p.sessionContext.session.kernel.name === 'globus';"), what="the Globus kernel to connect")
    driver.execute_script("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    # Sign in like a person: follow the link shown, copy the code, paste it into Lab's input box.
    link = wait_for(driver, lambda: driver.find_element(By.XPATH, "//a[contains(., 'Sign in with Globus')]"), what="the sign-in link")
    href = link.get_attribute("href")
    assert re.match(r"http://127\.0\.0\.1:\d+/auth/v2/oauth2/authorize\?", href)
    page = urllib.request.urlopen(urllib.request.Request(href + "&sim_identity=alice@uchicago.edu")).read().decode()
    code = re.search(r'data-code="([^"]+)"', page).group(1)
    box = wait_for(driver, lambda: driver.find_element(By.CSS_SELECTOR, OPEN_CODE_BOX), what="the code input box")
    assert box.get_attribute("type") == "password"  # the code is hidden, never saved in the notebook
    box.send_keys(code + Keys.ENTER)
    wait_for(driver, lambda: "Logged in as alice@uchicago.edu" in driver.find_element(By.TAG_NAME, "body").text, what="the login")
    codes = [code]

    def finished():
        # Running a flow asks for consent to its own scope: sign in again, as a person would.
        boxes = driver.find_elements(By.CSS_SELECTOR, OPEN_CODE_BOX)
        if boxes:
            href = driver.find_elements(By.XPATH, "//a[contains(., 'Sign in with Globus')]")[-1].get_attribute("href")
            page = urllib.request.urlopen(urllib.request.Request(href + "&sim_identity=alice@uchicago.edu")).read().decode()
            codes.append(re.search(r'data-code="([^"]+)"', page).group(1))
            boxes[0].send_keys(codes[-1] + Keys.ENTER)
            return False
        prompts = [p.text for p in driver.find_elements(By.CSS_SELECTOR, ".jp-CodeCell .jp-InputArea-prompt")]
        return prompts and all(re.fullmatch(r"\[\d+\]:", p) for p in prompts) and prompts
    prompts = wait_for(driver, finished, timeout=180, what="every cell to finish")
    import nbformat
    code_cells = [c for c in nbformat.read(ROOT / "notebooks" / "tour.ipynb", as_version=4).cells if c.cell_type == "code"]
    assert len(prompts) == len(code_cells)
    body = driver.find_element(By.TAG_NAME, "body").text
    assert "Globus Simulator" in body
    assert driver.find_elements(By.CSS_SELECTOR, ".jp-RenderedJSON"), "no JSON tree rendered"
    tables = driver.find_elements(By.CSS_SELECTOR, ".jp-RenderedHTMLCommon table")
    # Plain calls show the JSON tree (JupyterLab prefers application/json); --format table shows the table.
    assert any("file1.txt" in t.text and "permissions" in t.text for t in tables), "no HTML table rendered"
    assert "Globus Tutorial Collection 1" in body
    assert "Logged out" in body
    assert not any(c in body for c in codes), "an authorization code was echoed into the notebook"
    assert "simAT" not in driver.page_source and "simRT" not in driver.page_source, "a token reached the page"
    assert "SUCCEEDED, 2/2 files" in body, "the transfer's final line"
    assert driver.find_elements(By.CSS_SELECTOR, ".jp-OutputArea-output progress"), "the task's progress bar"
    assert "Move and share" in body and "@{task}" in body
    SCREENSHOT.parent.mkdir(exist_ok=True)
    driver.save_screenshot(str(SCREENSHOT))
    # The end: the copied CSV drawn as a table and the PNG as an image.
    assert any("temperature_c" in t.text and "humidity_pct" in t.text for t in tables), "the sample CSV as a table"
    images = driver.find_elements(By.CSS_SELECTOR, ".jp-RenderedImage img[src^='data:image/png']")
    assert images and images[0].get_attribute("naturalWidth") not in (None, "0"), "the sample PNG as an image"
    dismiss_news(driver)
    wait_for(driver, lambda: not driver.find_elements(By.XPATH, "//*[contains(text(), 'Jupyter news')]"), timeout=10, what="the news question to go")
    driver.set_window_size(1400, 1250)  # from the section's heading to the sign-out
    heading = driver.find_element(By.XPATH, "//h2[contains(., 'See your data where it lives')]")
    driver.execute_script("arguments[0].scrollIntoView()", heading)
    driver.save_screenshot(str(DATA_SCREENSHOT))


def test_task_wait_updates_one_live_line_in_jupyterlab(lab, tmp_path):
    """A transfer watched with %globus task wait: one progress line that moves in place."""
    import nbformat
    driver, url = lab
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "globus", "display_name": "Globus", "language": "globus"}})
    nb.cells = [nbformat.v4.new_code_cell("%globus login"),
                nbformat.v4.new_code_cell("%globus transfer 'Globus Tutorial Collection 1':/~/data 'Globus Tutorial Collection 2':/~/copy"
                                          " --recursive --as task"),
                nbformat.v4.new_code_cell("%globus task wait @{task.task_id} --interval 0.5")]
    nbformat.write(nb, tmp_path / "watch.ipynb")
    driver.get(url.replace("tour.ipynb", "watch.ipynb"))
    wait_for_kernel(driver)
    driver.execute_script("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    link = wait_for(driver, lambda: driver.find_element(By.XPATH, "//a[contains(., 'Sign in with Globus')]"), what="the sign-in link")
    page = urllib.request.urlopen(urllib.request.Request(link.get_attribute("href") + "&sim_identity=alice@uchicago.edu")).read().decode()
    code = re.search(r'data-code="([^"]+)"', page).group(1)
    wait_for(driver, lambda: driver.find_element(By.CSS_SELECTOR, OPEN_CODE_BOX), what="the code box").send_keys(code + Keys.ENTER)

    def bars():
        cells = driver.find_elements(By.CSS_SELECTOR, ".jp-CodeCell")
        return cells[2].find_elements(By.CSS_SELECTOR, ".jp-OutputArea-output progress") if len(cells) == 3 else []
    first = wait_for(driver, lambda: bars() and float(bars()[0].get_attribute("value")) < 1 and bars()[0], timeout=60, what="the live progress")
    before = float(first.get_attribute("value"))
    line = driver.find_elements(By.CSS_SELECTOR, ".jp-CodeCell")[2].text
    assert "files" in line and "Waiting" in line
    SHOT = ROOT / "docs" / "jupyterlab-task-wait.png"
    cell = driver.find_elements(By.CSS_SELECTOR, ".jp-CodeCell")[1]
    driver.execute_script("arguments[0].scrollIntoView()", cell)
    driver.save_screenshot(str(SHOT))
    later = wait_for(driver, lambda: len(bars()) == 1 and float(bars()[0].get_attribute("value")) > before and bars()[0],
                     timeout=30, what="the same line to move")
    assert len(bars()) == 1, "one display, updated in place"
    assert float(later.get_attribute("value")) > before
    wait_for(driver, lambda: "SUCCEEDED" in driver.find_elements(By.CSS_SELECTOR, ".jp-CodeCell")[2].text, timeout=60, what="the end")


def test_first_five_minutes_in_jupyterlab(lab):
    """A newcomer's first minutes, state by state, each saved as a screenshot in docs/: the
    launcher, the sign-in link, a wrong code, the right code, a call, a table, an error and its remedy."""
    driver, url = lab
    driver.set_window_size(1200, 900)
    shots = ROOT / "docs" / "first-five-minutes"
    shots.mkdir(parents=True, exist_ok=True)

    def shot(name):
        driver.save_screenshot(str(shots / f"{name}.png"))

    def body():
        return driver.find_element(By.TAG_NAME, "body").text

    def run(code):
        """Types a cell as a person would (into the last, empty cell) and runs it."""
        driver.execute_script(
            "const nb = window.jupyterapp.shell.currentWidget;"
            "nb.content.activeCellIndex = nb.content.widgets.length - 1;"
            "nb.content.activeCell.model.sharedModel.setSource(arguments[0]);"
            "window.jupyterapp.commands.execute('notebook:run-cell-and-insert-below');", code)

    def sign_in_code():
        href = driver.find_elements(By.XPATH, "//a[contains(., 'Sign in with Globus')]")[-1].get_attribute("href")
        page = urllib.request.urlopen(urllib.request.Request(href + "&sim_identity=alice@uchicago.edu")).read().decode()
        return re.search(r'data-code="([^"]+)"', page).group(1)

    # 1. The launcher offers the Globus kernel.
    driver.get(url.replace("/lab/tree/tour.ipynb", "/lab"))
    card = wait_for(driver, lambda: driver.find_element(By.CSS_SELECTOR, ".jp-LauncherCard[title^='Globus'], .jp-LauncherCard[data-category='Notebook'][title*='Globus']"),
                    what="the Globus card in the launcher")
    dismiss_news(driver)
    shot("1-launcher")
    card.click()
    wait_for(driver, lambda: driver.execute_script(
        "const p = window.jupyterapp.shell.currentWidget;"
        "return p && p.sessionContext && p.sessionContext.session && p.sessionContext.session.kernel"
        " && p.sessionContext.session.kernel.connectionStatus === 'connected' && p.sessionContext.session.kernel.name === 'globus';"),
        what="a Globus notebook")
    # 2. %globus login: the sign-in link and a hidden box for the code.
    run("%globus login")
    box = wait_for(driver, lambda: driver.find_element(By.CSS_SELECTOR, OPEN_CODE_BOX), what="the code box")
    assert box.get_attribute("type") == "password"
    shot("2-sign-in-link")
    # 3. A wrong code: named, with the command that fixes it.
    box.send_keys("not-the-code" + Keys.ENTER)
    wait_for(driver, lambda: "LoginError" in body(), what="the wrong code's error")
    assert "mistyped, expired" in body() and "%globus login" in body()
    shot("3-wrong-code")
    # 4. The right code: one confirmation.
    run("%globus login")
    box = wait_for(driver, lambda: driver.find_element(By.CSS_SELECTOR, OPEN_CODE_BOX), what="the second code box")
    box.send_keys(sign_in_code() + Keys.ENTER)
    wait_for(driver, lambda: "Logged in as alice@uchicago.edu (Alice Researcher) via University of Chicago" in body(), what="the confirmation")
    assert body().count("Logged in as alice@uchicago.edu") == 1, "the confirmation is shown once"
    shot("4-logged-in")
    # 5. A call: the JSON tree.
    run("%globus call transfer GET /endpoint_search -Q filter_fulltext=tutorial --jmespath 'DATA[].display_name'")
    wait_for(driver, lambda: "Globus Tutorial Collection 2" in body(), what="the call's result")
    shot("5-call")
    # 6. A table: the stored logins, compact, one line each.
    run("%globus tokens")
    wait_for(driver, lambda: "Token store:" in body(), what="the tokens table")
    rows = driver.find_elements(By.CSS_SELECTOR, ".jp-RenderedHTMLCommon table tbody tr")
    assert rows and all(r.size["height"] < 40 for r in rows), "each stored login is one line high"
    assert driver.execute_script(
        "const t = [...document.querySelectorAll('.jp-RenderedHTMLCommon table')].pop();"
        "const area = t.closest('.jp-OutputArea-output'); return t.scrollWidth <= area.clientWidth;"), "the table fits without scrolling sideways"
    shot("6-table")
    # 7. An error and its remedy.
    run("%globus ls 'No Such Collection':/~/")
    wait_for(driver, lambda: "no collection is named 'No Such Collection'" in body(), what="the error")
    assert "%globus collection search" in body()
    shot("7-error-and-remedy")
    assert "simAT" not in driver.page_source and "simRT" not in driver.page_source, "a token reached the page"


def test_hostile_file_names_are_text_in_jupyterlab(tmp_path):
    """A listing from a hostile Globus whose file names carry markup (plain, smuggled behind a
    Prepend character, a quote with a combining mark that would end a tooltip, a script): the
    names are shown as text, and none of their handlers runs."""
    import nbformat
    from hostile_globus import COLLECTION, HostileGlobus, World
    names = ['<img src=x onerror="window.__gkPwned=1">', "\u0600<img src=x onerror=window.__gkPwned=2//",
             '"\u0301 onmouseover=window.__gkPwned=3 x="' + "a" * 90, "<script>window.__gkPwned=4</script>"]
    (tmp_path / "tls").mkdir()
    globus = HostileGlobus(tmp_path / "tls")
    world = World(names, file_names=names)
    globus.serve(world)
    env = {k: v for k, v in globus.kernel_env(tmp_path).items() if k.startswith("GLOBUS_")}
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "globus", "display_name": "Globus", "language": "globus"}})
    nb.cells = [nbformat.v4.new_code_cell(f"%globus ls {COLLECTION}:/~/")]
    nbformat.write(nb, tmp_path / "hostile.ipynb")
    try:
        with running_lab(tmp_path, env) as (driver, base, token):
            driver.get(f"{base}/lab/tree/hostile.ipynb?token={token}")
            wait_for_kernel(driver)
            driver.execute_script("window.jupyterapp.commands.execute('notebook:run-all-cells')")
            cells = wait_for(driver, lambda: driver.execute_script(
                "const t = document.querySelector('.jp-OutputArea-output table');"
                "return t && [...t.querySelectorAll('td')].map(td => [td.textContent, td.getAttribute('title')]);"), what="the listing")
            # An image that fails to load after the listing did: once its error handler has run,
            # so would have any the listing's names made.
            driver.execute_script("const i = new Image(); i.onerror = () => { window.__gkProbe = 1 }; i.src = 'x-after';")
            wait_for(driver, lambda: driver.execute_script("return window.__gkProbe === 1"), what="the probe image's error")
            assert driver.execute_script("return window.__gkPwned") is None, "a file name's handler ran"
            assert driver.execute_script(
                "return [...document.querySelectorAll('.jp-OutputArea-output *')].filter(e => e.matches('img, script, svg, iframe')"
                " || [...e.attributes].some(a => a.name.startsWith('on'))).length") == 0, "a file name made an element"
            for f in world.files:
                assert any(shown == f["name"] or title == f["name"] and shown.endswith("…") for shown, title in cells), f["name"]
            SCREENSHOT.parent.mkdir(exist_ok=True)
            driver.save_screenshot(str(SCREENSHOT.with_name("jupyterlab-hostile-names.png")))
    finally:
        globus.stop()
