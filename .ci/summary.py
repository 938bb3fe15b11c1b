"""Adds up the results every test runner of a CI log reported (cargo test's
`test result:` lines, test_ssl on pyssl, the fuzz targets) into one line:
`ci: N passed, M failed`."""

import re
import sys

passed = failed = 0
patterns = [
    re.compile(r"^test result: \w+\. (\d+) passed; (\d+) failed"),
    re.compile(r"^test_ssl on pyssl: (\d+) passed, (\d+) failed"),
    re.compile(r"^fuzz: (\d+) passed, (\d+) failed"),
]
with open(sys.argv[1], encoding="utf-8", errors="replace") as f:
    for line in f:
        for p in patterns:
            m = p.match(line.strip())
            if m:
                passed += int(m.group(1))
                failed += int(m.group(2))
print(f"ci: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
