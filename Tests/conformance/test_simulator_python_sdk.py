"""The real Python globus-sdk, unchanged, against the simulator: proof that it checks and
answers like Globus does."""
import globus_sdk
import pytest
import requests
from globus_sdk.login_flows import CommandLineLoginFlowManager

from conftest import AUTOMATION_CLIENT, TUTORIAL_CLIENT


class SimulatorLogin(CommandLineLoginFlowManager):
    """The paste-the-code flow, with the person replaced by the simulator's approval."""

    sim = None
    identity = "alice@uchicago.edu"

    def print_authorize_url(self, authorize_url):
        self.url = authorize_url

    def prompt_for_code(self):
        # What a person does: open the page, sign in as someone, copy the code shown there.
        import re
        page = self.sim.http.get(self.url + "&sim_identity=" + self.identity, timeout=10).text
        found = re.search(r'data-code="([^"]+)"', page)
        assert found, "the simulator did not approve: " + re.sub(r"<[^>]+>", " ", page)[-400:]
        return found.group(1)


def user_app(sim, tmp_path, **config):
    SimulatorLogin.sim = sim
    login = SimulatorLogin
    cfg = globus_sdk.GlobusAppConfig(login_flow_manager=login, token_storage="memory", request_refresh_tokens=True, **config)
    return globus_sdk.UserApp("Sim Test", client_id=TUTORIAL_CLIENT, config=cfg)


def test_user_app_login_calls_refresh_and_logout(sim, tmp_path):
    app = user_app(sim, tmp_path)
    tc = globus_sdk.TransferClient(app=app)
    gc = globus_sdk.GroupsClient(app=app)
    ac = globus_sdk.AuthClient(app=app)
    assert app.login_required()
    assert tc.task_list()["DATA_TYPE"] == "task_list"            # logs in through the flow, then calls
    assert not app.login_required()
    groups = gc.get_my_groups()
    assert {g["name"] for g in groups} >= {"Research Computing Users", "Data Science 101"}
    info = ac.userinfo()
    assert info["preferred_username"] == "alice@uchicago.edu"
    # The id_token was verified by the SDK (RS512 via the JWKS) and its sub stored as the identity.
    stored = app.token_storage.get_token_data("transfer.api.globus.org")
    assert stored.identity_id == info["sub"]
    # Tokens expire on the server: the SDK gets a 401, refreshes with its refresh token, retries.
    old = stored.access_token
    sim.post_admin("expire-tokens")
    assert tc.task_list()["DATA_TYPE"] == "task_list"
    assert app.token_storage.get_token_data("transfer.api.globus.org").access_token != old
    # Logout revokes: the last access token no longer works.
    last = app.token_storage.get_token_data("transfer.api.globus.org").access_token
    app.logout()
    r = sim.http.get(sim.url("transfer") + "v0.10/task_list", headers={"Authorization": f"Bearer {last}"})
    assert r.status_code == 401 and r.json()["code"] == "AuthenticationFailed"


def test_transfer_consent_required_then_granted(sim, tmp_path):
    app = user_app(sim, tmp_path)
    tc = globus_sdk.TransferClient(app=app)
    mapped = "a7e9c3d1-5b2f-4e8a-9c6d-3f1b2e4d5c6a"
    with pytest.raises(globus_sdk.TransferAPIError) as e:
        tc.operation_ls(mapped)
    err = e.value
    assert err.http_status == 403 and err.code == "ConsentRequired"
    assert err.info.consent_required
    scopes = err.info.consent_required.required_scopes
    assert scopes == [f"urn:globus:auth:scope:transfer.api.globus.org:all[*https://auth.globus.org/scopes/{mapped}/data_access]"]
    tc.add_app_data_access_scope(mapped)
    app.login(force=True)
    listing = tc.operation_ls(mapped)
    assert [f["name"] for f in listing] == ["experiment-42", "notes.txt"]


def test_confidential_client_app(sim):
    cid, secret = AUTOMATION_CLIENT
    app = globus_sdk.ClientApp("Sim Automation", client_id=cid, client_secret=secret,
                               config=globus_sdk.GlobusAppConfig(token_storage="memory"))
    tc = globus_sdk.TransferClient(app=app)
    assert tc.task_list()["total"] == 0
    td = globus_sdk.TransferData(source_endpoint="6c54cade-bde5-45c1-bdea-f4bd71dba2cc",
                                 destination_endpoint="31ce9ba0-176d-45a5-add3-f37d233ba47d")
    td.add_item("/~/file1.txt", "/~/copy.txt")
    sub = tc.submit_transfer(td)
    assert tc.task_wait(sub["task_id"], timeout=10, polling_interval=1)
    assert tc.get_task(sub["task_id"])["status"] == "SUCCEEDED"
    assert "copy.txt" in [f["name"] for f in tc.operation_ls("31ce9ba0-176d-45a5-add3-f37d233ba47d")]


def test_strict_auth_checks(sim):
    auth = globus_sdk.NativeAppAuthClient(TUTORIAL_CLIENT)
    auth.oauth2_start_flow(requested_scopes="openid urn:globus:auth:scope:transfer.api.globus.org:all")
    url = auth.oauth2_get_authorize_url()
    code = sim.approve(url)
    # A wrong PKCE verifier is refused.
    auth.current_oauth2_flow_manager.verifier = "x" * 43
    with pytest.raises(globus_sdk.AuthAPIError) as e:
        auth.oauth2_exchange_code_for_tokens(code)
    assert e.value.http_status == 401 and "invalid_grant" in e.value.text
    # A code is single use: the right verifier now finds it spent... with a fresh flow it works once.
    auth.oauth2_start_flow(requested_scopes="openid")
    code = sim.approve(auth.oauth2_get_authorize_url())
    tokens = auth.oauth2_exchange_code_for_tokens(code)
    assert "auth.globus.org" in tokens.by_resource_server
    with pytest.raises(globus_sdk.AuthAPIError):
        auth.oauth2_exchange_code_for_tokens(code)
    # Authorize without PKCE or with an unregistered redirect is refused.
    r = sim.http.get(sim.url("auth") + "v2/oauth2/authorize", params={
        "client_id": TUTORIAL_CLIENT, "redirect_uri": sim.url("auth") + "v2/web/auth-code", "scope": "openid", "response_type": "code"})
    assert r.status_code == 400 and "PKCE" in r.text
    r = sim.http.get(sim.url("auth") + "v2/oauth2/authorize", params={
        "client_id": TUTORIAL_CLIENT, "redirect_uri": "https://evil.example/cb", "scope": "openid", "response_type": "code",
        "code_challenge": "a" * 43, "code_challenge_method": "S256"})
    assert r.status_code == 400 and "redirect_uri" in r.text
    # A token for one resource server is refused by another.
    at = tokens.by_resource_server["auth.globus.org"]["access_token"]
    r = sim.http.get(sim.url("transfer") + "v0.10/task_list", headers={"Authorization": f"Bearer {at}"})
    assert r.status_code == 401


def test_sdk_retries_injected_faults(sim):
    cid, secret = AUTOMATION_CLIENT
    app = globus_sdk.ClientApp("Sim Automation", client_id=cid, client_secret=secret,
                               config=globus_sdk.GlobusAppConfig(token_storage="memory"))
    tc = globus_sdk.TransferClient(app=app)
    tc.task_list()
    sim.post_admin("faults", {"faults": ["status=503@/transfer/v0.10/task_listx2", "429=0@/transfer/v0.10/task_listx1"]})
    assert tc.task_list()["DATA_TYPE"] == "task_list"          # the SDK's retries absorb 3 failures
    assert sim.http.get(sim.admin + "faults").json()["faults"] == []
