"""Reads regrtest's JUnit XML for test_ssl and compares it with the list of
tests expected to fail (expected-failures.txt: one `Class.test_name` per
line, `#` and a one-line reason after it).

Exit status 1 when a test off the list failed, a listed test did not fail
(the list must shrink as pyssl grows), or fewer tests ran than CPython
runs; the last line is `test_ssl on pyssl: N passed, M failed, K skipped`.

    python3 results.py JUNIT.xml EXPECTED_FAILURES MIN_TESTS
"""

import sys
import xml.etree.ElementTree as ET


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
    junit, expected_path, min_tests = sys.argv[1], sys.argv[2], int(sys.argv[3])
    expected = load_expected(expected_path)
    results = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        # name: "test.test_ssl.ContextTests.test_options"
        full = case.get("name", "")
        name = ".".join(full.split(".")[-2:])
        status = case.get("status", "run")
        kids = {c.tag for c in case}
        if "skipped" in kids or status == "skipped":
            results[name] = "skipped"
        elif "failure" in kids or "error" in kids:
            results[name] = "failed"
        else:
            results[name] = "passed"
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
