"""The differential corpus of client methods: every public method of the Swift SDK's clients
(Sources/GlobusSDK/Services, Clients/ServiceClient.swift), each with the Python globus-sdk method
of the same name and the same arguments. test_differential.py performs each on both sides
against one simulator and compares what was sent; `swift_client_methods` finds the Swift
methods, so a method added to the SDK without a case here fails the test."""
import glob
import os
import re

TUTORIAL1 = "6c54cade-bde5-45c1-bdea-f4bd71dba2cc"
TUTORIAL2 = "31ce9ba0-176d-45a5-add3-f37d233ba47d"
MAPPED = "a7e9c3d1-5b2f-4e8a-9c6d-3f1b2e4d5c6a"
FLOW = "24bc4997-b483-4c25-a19c-64b0afc00743"
INDEX = "1a57bbe5-5272-477f-9d31-343b8258b7a5"
TIMERS = "524230d7-ea86-4a52-8312-86065a9e0417"
MISSING = "00000000-0000-4000-8000-000000000000"

TRANSFER_RS = "transfer.api.globus.org"


def swift_client_methods(root):
    """Every public method of a client type (`TransferClient.operationLs`), and of the types
    inside one (`TransferClient.Paginated.taskList`). Comments and string literals are skipped
    when braces are counted."""
    names = set()
    files = sorted(glob.glob(os.path.join(root, "Sources/GlobusSDK/Services/*.swift")))
    files.append(os.path.join(root, "Sources/GlobusSDK/Clients/ServiceClient.swift"))
    for path in files:
        depth, stack = 0, []  # stack: (type name, depth of its body)
        for raw in open(path, encoding="utf-8"):
            line = re.sub(r'"(?:\\.|[^"\\])*"', '""', raw.split("//", 1)[0] if not raw.lstrip().startswith("///") else "")
            declared = re.match(r"\s*public struct (\w+)", line)
            method = re.match(r"\s*public (?:static )?func (\w+)", line)
            if method and stack and stack[0][0].endswith("Client") and depth == stack[-1][1]:
                names.add(".".join(n for n, _ in stack) + "." + method.group(1))
            if declared:
                stack.append((declared.group(1), depth + 1))
            depth += line.count("{") - line.count("}")
            while stack and depth < stack[-1][1]:
                stack.pop()
    return names


#: Swift client methods the Python SDK has no method for, each with its reason: there is nothing to
#: compare them with (their requests are checked against the simulator's strict routes instead).
NO_PYTHON_METHOD = {
    f"CollectionHTTPSClient.{m}": "the Python SDK has no client for a collection's HTTPS server: its users build the scope "
    "(GCSCollectionScopes.https) and call the server with requests; CollectionHTTPSClientTests and the simulator's "
    "CollectionHTTPSTests check these requests"
    for m in ("forCollection", "head", "exists", "get", "download", "upload", "put")
}


class Case:
    """One client method: its Swift name, the client it is called on (and the resource server
    whose token it carries), the Python method, and the arguments, named as Python names them.
    An argument may be a function of the run's context (ids found on the way). `py` builds the
    Python call's arguments when they are objects (TransferData, TransferTimer…)."""

    def __init__(self, swift, client, python, py=None, compare="requests", keep=None, **args):
        self.swift, self.client, self.python, self.py, self.compare, self.keep, self.args = swift, client, python, py, compare, keep, args

    def resolved(self, ctx):
        return {k: (v(ctx) if callable(v) else v) for k, v in self.args.items()}


def transfer_doc(ctx):
    return {"source_endpoint": TUTORIAL1, "destination_endpoint": TUTORIAL2, "label": "differential", "verify_checksum": False,
            "items": [{"source_path": "/~/file1.txt", "destination_path": "/~/file1-copy.txt", "recursive": False}]}


def py_transfer_data(sdk, doc):
    data = sdk.TransferData(doc["source_endpoint"], doc["destination_endpoint"], label=doc.get("label"),
                            verify_checksum=doc.get("verify_checksum"))
    for item in doc["items"]:
        data.add_item(item["source_path"], item["destination_path"], recursive=item["recursive"])
    return data


def py_delete_data(sdk, doc):
    data = sdk.DeleteData(doc["endpoint"], label=doc["label"], recursive=doc["recursive"])
    for item in doc["items"]:
        data.add_item(item["path"])
    return data


def py_timer(sdk, t):
    return sdk.TransferTimer(name=t["name"], schedule=sdk.RecurringTimerSchedule(t["schedule"]["interval_seconds"], end={
        "condition": "iterations", "count": t["schedule"]["count"]}), body=py_transfer_data(sdk, t["body"]))


def renamed(**names):
    """Python's arguments from Swift's, where Python names one otherwise (`filter_role` is
    Python's `filter_roles`) or takes it only in `query_params` (`query_params__filter`)."""
    def build(sdk, a):
        out, query = {}, {}
        for k, v in a.items():
            name = names.get(k, k)
            if name.startswith("query_params__"):
                query[name[len("query_params__"):]] = v
            else:
                out[name] = v
        return {**out, "query_params": query} if query else out
    return build


DELETE = {"endpoint": TUTORIAL2, "label": "differential delete", "recursive": False, "items": [{"path": "/~/file1-copy.txt"}]}
TIMER = {"name": "differential", "schedule": {"type": "recurring", "interval_seconds": 3600, "count": 2}}

CASES = [
    # Transfer: submissions first, so that the task methods have a task.
    Case("TransferClient.getSubmissionID", "transfer", "get_submission_id"),
    Case("TransferClient.submitTransfer", "transfer", "submit_transfer", data=transfer_doc,
         py=lambda sdk, a: {"data": py_transfer_data(sdk, a["data"])}, keep=lambda c, r: c.update(task_id=r["task_id"]) or c["clients"]["transfer"].task_wait(r["task_id"], timeout=30, polling_interval=1)),
    Case("TransferClient.submitDelete", "transfer", "submit_delete", data=DELETE,
         py=lambda sdk, a: {"data": py_delete_data(sdk, a["data"])}),
    Case("TransferClient.getEndpoint", "transfer", "get_endpoint", endpoint_id=TUTORIAL1),
    Case("TransferClient.endpointSearch", "transfer", "endpoint_search", filter_fulltext="Tutorial", filter_scope="all", limit=5, offset=0),
    Case("TransferClient.operationLs", "transfer", "operation_ls", endpoint_id=TUTORIAL1, path="/~/", show_hidden=True, orderby="name ASC",
         filter="name:~*.txt", limit=10, offset=0),
    Case("TransferClient.operationMkdir", "transfer", "operation_mkdir", endpoint_id=TUTORIAL1, path="/~/differential"),
    Case("TransferClient.operationRename", "transfer", "operation_rename", endpoint_id=TUTORIAL1, oldpath="/~/differential",
         newpath="/~/differential-renamed"),
    Case("TransferClient.operationStat", "transfer", "operation_stat", endpoint_id=TUTORIAL1, path="/~/file1.txt"),
    Case("TransferClient.taskList", "transfer", "task_list", limit=10, offset=0, filter="status:ACTIVE,SUCCEEDED", orderby="request_time DESC"),
    Case("TransferClient.getTask", "transfer", "get_task", task_id=lambda c: c["task_id"]),
    # (The task has ended by now: each side looks once.)
    Case("TransferClient.taskWait", "transfer", "task_wait", task_id=lambda c: c["task_id"], timeout=5, polling_interval=1),
    Case("TransferClient.cancelTask", "transfer", "cancel_task", task_id=lambda c: c["task_id"]),
    Case("TransferClient.taskEventList", "transfer", "task_event_list", task_id=lambda c: c["task_id"], limit=10, offset=0, filter="is_error:1",
         py=renamed(filter="query_params__filter")),
    Case("TransferClient.taskSuccessfulTransfers", "transfer", "task_successful_transfers", task_id=lambda c: c["task_id"], marker="1"),
    Case("TransferClient.taskSkippedErrors", "transfer", "task_skipped_errors", task_id=lambda c: c["task_id"], marker="1"),
    Case("TransferClient.endpointManagerTaskList", "transfer", "endpoint_manager_task_list", filter_status="ACTIVE",
         filter_endpoint=TUTORIAL1, last_key="k1"),
    Case("TransferClient.addAppDataAccessScope", "transfer", "add_app_data_access_scope", compare="scopes", collection_ids=[MAPPED]),
    Case("TransferClient.Paginated.taskList", "transfer", "paginated.task_list", filter="status:SUCCEEDED", orderby="request_time DESC"),
    Case("TransferClient.Paginated.endpointSearch", "transfer", "paginated.endpoint_search", filter_fulltext="Tutorial", filter_scope="all"),
    Case("TransferClient.Paginated.taskEventList", "transfer", "paginated.task_event_list", task_id=lambda c: c["task_id"]),
    Case("TransferClient.Paginated.taskSuccessfulTransfers", "transfer", "paginated.task_successful_transfers", task_id=lambda c: c["task_id"]),
    Case("TransferClient.Paginated.taskSkippedErrors", "transfer", "paginated.task_skipped_errors", task_id=lambda c: c["task_id"]),
    Case("TransferClient.Paginated.endpointManagerTaskList", "transfer", "paginated.endpoint_manager_task_list", filter_status="ACTIVE"),
    # Auth
    Case("AuthClient.userinfo", "auth", "userinfo"),
    Case("AuthClient.oauth2Userinfo", "auth", "userinfo"),
    Case("AuthClient.getIdentities", "auth", "get_identities", usernames=["bob@globusid.org", "carol@anl.gov"], provision=True),
    Case("AuthClient.getConsents", "auth", "get_consents", identity_id=lambda c: c["identity_id"], all=True),
    # Groups
    Case("GroupsClient.getMyGroups", "groups", "get_my_groups", statuses=["active", "invited"]),
    Case("GroupsClient.getGroup", "groups", "get_group", group_id=lambda c: c["group_id"], include=["memberships", "my_memberships"]),
    # Search
    Case("SearchClient.getIndex", "search", "get_index", index_id=INDEX),
    Case("SearchClient.search", "search", "search", index_id=INDEX, q="tutorial", offset=0, limit=3, advanced=True),
    Case("SearchClient.postSearch", "search", "post_search", index_id=INDEX, data={"q": "tutorial", "limit": 3, "offset": 0, "advanced": False}),
    Case("SearchClient.Paginated.search", "search", "paginated.search", index_id=INDEX, q="tutorial"),
    # Flows
    Case("SpecificFlowClient.runFlow", "flow", "run_flow", body={"input": 1}, label="differential", tags=["a", "b"],
         run_monitors=["urn:globus:auth:identity:" + MISSING], run_managers=["urn:globus:auth:identity:" + MISSING],
         keep=lambda c, r: c.update(run_id=r["run_id"])),
    Case("FlowsClient.listFlows", "flows", "list_flows", filter_role="flow_viewer", filter_fulltext="tutorial", orderby="title ASC", marker="m1",
         py=renamed(filter_role="filter_roles")),
    Case("FlowsClient.getFlow", "flows", "get_flow", flow_id=FLOW),
    Case("FlowsClient.listRuns", "flows", "list_runs", filter_flow_id=FLOW, filter_role="run_owner", marker="m1",
         py=renamed(filter_role="filter_roles")),
    Case("FlowsClient.getRun", "flows", "get_run", run_id=lambda c: c["run_id"], include_flow_description=True),
    Case("FlowsClient.cancelRun", "flows", "cancel_run", run_id=lambda c: c["run_id"]),
    Case("FlowsClient.Paginated.listFlows", "flows", "paginated.list_flows", filter_role="flow_viewer",
         py=renamed(filter_role="filter_roles")),
    Case("FlowsClient.Paginated.listRuns", "flows", "paginated.list_runs", filter_flow_id=FLOW),
    # Timers
    Case("TimersClient.createTimer", "timers", "create_timer", timer=lambda c: {**TIMER, "body": transfer_doc(c)},
         py=lambda sdk, a: {"timer": py_timer(sdk, a["timer"])}, keep=lambda c, r: c.update(job_id=r["timer"]["job_id"])),
    Case("TimersClient.listJobs", "timers", "list_jobs"),
    Case("TimersClient.getJob", "timers", "get_job", job_id=lambda c: c["job_id"]),
    Case("TimersClient.pauseJob", "timers", "pause_job", job_id=lambda c: c["job_id"]),
    Case("TimersClient.resumeJob", "timers", "resume_job", job_id=lambda c: c["job_id"]),
    Case("TimersClient.deleteJob", "timers", "delete_job", job_id=lambda c: c["job_id"]),
    Case("TimersClient.addAppTransferDataAccessScope", "timers", "add_app_transfer_data_access_scope", compare="scopes",
         collection_ids=[MAPPED, TUTORIAL2]),
    # GCS (the manager of the tutorial endpoint)
    Case("GCSClient.forEndpoint", "transfer", "get_endpoint", endpoint_id=TUTORIAL1),
    Case("GCSClient.getGCSInfo", "gcs", "get_gcs_info"),
    Case("GCSClient.getCollectionList", "gcs", "get_collection_list", marker="m1"),
    Case("GCSClient.paginatedCollectionList", "gcs", "paginated.get_collection_list"),
    Case("GCSClient.getCollection", "gcs", "get_collection", collection_id=TUTORIAL1),
    # Any service (BaseClient.request in Python; the paginator of a listing against Python's own)
    Case("ServiceClient.request", "transfer", "request", service="transfer", method="GET", path="/task_list", query_params={"limit": "3"},
         py=lambda sdk, a: {"method": "GET", "path": "/v0.10/task_list", "query_params": a["query_params"]}),
    Case("ServiceClient.paginator", "transfer", "paginated.endpoint_search", service="transfer", method="GET", path="/endpoint_search",
         query_params={"filter_fulltext": "Tutorial"}, py=lambda sdk, a: {"filter_fulltext": "Tutorial"}),
]

# Differences that stay, each with its reason (the README's "differences from the Python SDK").
FIRST_OFFSET = "query: the first page of an offset listing says offset=0; the Python paginator leaves it out (the service's default)"
BOOLEAN = "query: a true flag is sent as `true`; the Python SDK sends Python's `True` (Transfer's ls: `1`); the services read each alike"
KNOWN_DIFFERENCES = {
    "TransferClient.operationLs": BOOLEAN,
    "SearchClient.search": BOOLEAN,
    "FlowsClient.getRun": BOOLEAN,
    "TransferClient.Paginated.taskList": FIRST_OFFSET,
    "TransferClient.Paginated.endpointSearch": FIRST_OFFSET,
    "TransferClient.Paginated.taskEventList": FIRST_OFFSET,
    "SearchClient.Paginated.search": FIRST_OFFSET,
    "ServiceClient.paginator": FIRST_OFFSET,
    "GCSClient.getGCSInfo": "authorization: GCSClient sends its token to its own manager's /info, which the Python SDK calls without one (the answer is public)",
}


def parse_scopes(text):
    """Scope strings as (name, optional, dependencies) trees."""
    tokens = re.findall(r"\[|\]|[^\s\[\]]+", text)

    def scopes(i):
        out = []
        while i < len(tokens) and tokens[i] != "]":
            name = tokens[i]
            i += 1
            deps = []
            if i < len(tokens) and tokens[i] == "[":
                deps, i = scopes(i + 1)
                i += 1
            out.append((name.lstrip("*"), name.startswith("*"), deps))
        return out, i
    return scopes(0)[0]


def canonical_scopes(texts):
    """Scope strings merged by name (dependencies united, as both SDKs ask for them at login),
    sorted, as one string."""
    merged = {}

    def merge(into, scopes):
        for name, optional, deps in scopes:
            entry = into.setdefault((name, optional), {})
            merge(entry, deps)

    for text in texts:
        merge(merged, parse_scopes(text))

    def show(tree):
        return " ".join(sorted(("*" if opt else "") + name + (f"[{show(deps)}]" if deps else "") for (name, opt), deps in tree.items()))
    return show(merged)
