"""jupyter_kernel_test against the build-local kernelspec: every feature sample defined."""
import unittest

import jupyter_kernel_test as jkt


class GlobusKernelTests(jkt.KernelTests):
    kernel_name = "globus"
    language_name = "globus"
    file_extension = ".globus"

    code_hello_world = "%echo hello, world"
    code_stderr = "%echo --stderr oops"
    code_generate_error = "%no-such-command"
    code_execute_result = [
        {"code": "%env JKT_SAMPLE=42\n%env JKT_SAMPLE", "result": "42"},
        {"code": "%time %env JKT_SAMPLE", "result": "42"},
        {"code": "%globus config storage=memory\n%globus config storage", "result": "memory"},
    ]
    code_display_data = [
        {"code": "%help", "mime": "text/markdown"},
        {"code": "%help echo", "mime": "text/html"},
        {"code": "%sleep --progress 0", "mime": "text/plain"},
        {"code": "%globus help call\n%echo (help shown above)", "mime": "text/markdown"},
    ]
    code_page_something = "%globus?"
    code_clear_output = "%clear"
    code_inspect_sample = "%globus call"

    completion_samples = [
        {"text": "%ec", "matches": ["%echo"]},
        {"text": "%e", "matches": ["%echo", "%env"]},
        {"text": "%echo --st", "matches": ["--stderr"]},
        {"text": "%help ec", "matches": ["echo"]},
        {"text": "%glo", "matches": ["%globus"]},
        {"text": "%globus ca", "matches": ["call"]},
        {"text": "%globus call tra", "matches": ["transfer"]},
        {"text": "%globus login --se", "matches": ["--service", "--session-domain", "--session-identity", "--session-policy"]},
    ]
    complete_code_samples = ["%echo hi", "", "%help", "%echo 'a b'", "# a comment", "%globus whoami",
                             "%%globus call transfer POST /transfer\n{\"DATA\": []}"]
    incomplete_code_samples = ["%echo 'unterminated", '%echo "open', "%echo \\", "%globus call transfer GET \\",
                               "%%globus call transfer POST /transfer\n{\"DATA\": ["]
    invalid_code_samples = ["%%%", "hello", "%no-such-command"]

    supported_history_operations = ("tail", "range", "search")
    code_history_pattern = "%env*"


if __name__ == "__main__":
    unittest.main()
