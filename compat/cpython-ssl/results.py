"""Reads regrtest's JUnit XML and verbose log for test_ssl and compares the
results with the list of tests expected to fail (expected-failures.txt: one `Class.test_name` per
line, `#` and a one-line reason after it).

Exit status 1 when a test off the list failed, a listed test did not fail
(the list must shrink as pyssl grows), or fewer tests ran than CPython
runs; the last line is `test_ssl on pyssl: N passed, M failed, K skipped`.

    python3 results.py JUNIT.xml LOG EXPECTED_FAILURES MIN_TESTS

regrtest's JUnit writer records a test whose subtests failed as an empty
`<testcase/>`, so failures are taken from the log's `FAIL:` / `ERROR:`
lines as well (unittest's summary, one per failed test or subtest).
"""

import re
import sys
import xml.etree.ElementTree as ET

FAILURE_LINE = re.compile(r"^(?:FAIL|ERROR): \S+ \(test\.test_ssl\.(\w+)\.(\w+)\)")


def load_expected(path):
    expected = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            name, _, reason = line.partition("#")
            name, reason = name.strip(), reason.strip()
            if not reason:
                sys.exit(f"{path}:{n}: {name} has no reason")
            expected[name] = reason
    return expected


def main():
    junit, log, expected_path = sys.argv[1], sys.argv[2], sys.argv[3]
    min_tests = int(sys.argv[4])
    expected = load_expected(expected_path)
    results = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        # name: "test.test_ssl.ContextTests.test_options"
        full = case.get("name")
        if not full:
            continue
        name = ".".join(full.split(".")[-2:])
        status = case.get("status", "run")
        kids = {c.tag for c in case}
        if "skipped" in kids or status == "skipped":
            results[name] = "skipped"
        elif "failure" in kids or "error" in kids:
            results[name] = "failed"
        else:
            results[name] = "passed"
    with open(log, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = FAILURE_LINE.match(line)
            if m:
                results[f"{m.group(1)}.{m.group(2)}"] = "failed"
    passed = sorted(n for n, r in results.items() if r == "passed")
    failed = sorted(n for n, r in results.items() if r == "failed")
    skipped = sorted(n for n, r in results.items() if r == "skipped")
    problems = []
    for n in failed:
        if n not in expected:
            problems.append(f"FAILED, not on the expected-failure list: {n}")
    for n, reason in sorted(expected.items()):
        r = results.get(n)
        if r == "passed":
            problems.append(f"PASSED, but listed as expected to fail (remove it): {n}  # {reason}")
        elif r is None:
            problems.append(f"listed but not run: {n}")
    if len(results) < min_tests:
        problems.append(f"only {len(results)} tests ran; CPython runs {min_tests}")
    for n in failed:
        if n in expected:
            print(f"expected failure: {n}  # {expected[n]}")
    for p in problems:
        print(p)
    print(f"test_ssl on pyssl: {len(passed)} passed, {len(failed)} failed, {len(skipped)} skipped")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
