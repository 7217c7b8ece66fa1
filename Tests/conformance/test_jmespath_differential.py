"""The JMESPath differential fuzzer, short: generated expressions and documents, our implementation
(the jmespath-check executable beside the kernel) against Python's jmespath. No mismatch, no crash,
no hang, no unnamed error (see jmespath_fuzz.py for the rule and the known deviations). `make fuzz`
runs a million cases."""
import os

import pytest

from jmespath_fuzz import report, run

KERNEL_BIN = os.environ.get("GLOBUS_KERNEL_BIN", "globus-kernel")
HERE = os.path.dirname(os.path.abspath(__file__))
CASES = 50_000


def checker_path():
    candidates = [os.environ.get("JMESPATH_CHECK_BIN"),
                  os.path.join(os.path.dirname(KERNEL_BIN), "jmespath-check") if os.path.dirname(KERNEL_BIN) else None,
                  os.path.join(HERE, "..", "..", ".build", "debug", "jmespath-check")]
    for path in candidates:
        if path and os.access(path, os.X_OK):
            return path
    pytest.fail("no jmespath-check: build it with `swift build --product jmespath-check`")


def test_ours_and_pythons_jmespath_agree_on_generated_cases():
    counts, reasons, findings, seconds = run(checker_path(), CASES, seed="test", workers=2)
    text = report(counts, reasons, findings, seconds, CASES)
    print(text)
    assert sum(counts.values()) == CASES
    assert counts.get("agree", 0) > CASES * 0.9
    assert not counts.get("mismatch") and not counts.get("violation"), text
