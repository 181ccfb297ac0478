#!/usr/bin/env python3
"""Adds up the outcome counters of every .trx file under the given folders and prints 'N passed, N failed'.
Exit status 1 when anything failed. A run that could not produce results of its own leaves a .trx with one failed
test (failed-trx.py), so it counts here.

With --executed: prints only the number of tests executed (used by run-kernel-tests.sh)."""
import sys, glob, os
import xml.etree.ElementTree as ET

ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
args = sys.argv[1:]
executed_only = bool(args) and args[0] == "--executed"
if executed_only:
    args = args[1:]
passed = failed = skipped = executed = 0
files = []
for folder in args:
    files += glob.glob(os.path.join(folder, "**", "*.trx"), recursive=True)
for f in sorted(files):
    root = ET.parse(f).getroot()
    c = root.find("t:ResultSummary/t:Counters", ns)
    if c is None:
        continue
    p = int(c.get("passed", 0)); fl = int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0)) + int(c.get("aborted", 0))
    s = int(c.get("notExecuted", 0))
    passed += p; failed += fl; skipped += s; executed += int(c.get("executed", 0))
    if executed_only:
        continue
    for r in root.iterfind("t:Results/t:UnitTestResult", ns):
        if r.get("outcome") not in ("Passed",):
            msg = r.find("t:Output/t:ErrorInfo/t:Message", ns)
            print(f"  {r.get('outcome')}: {r.get('testName')}: {(msg.text or '').strip()[:500] if msg is not None else ''}")
# Failures of the harness itself (a test process that crashed, a VM that did not boot) are written one per line
# to *.infra-failure files by test.sh and run-kernel-tests.sh, so they count instead of vanishing.
for folder in args:
    for f in sorted(glob.glob(os.path.join(folder, "**", "*.infra-failure"), recursive=True)):
        for line in open(f):
            if line.strip():
                failed += 1
                print(f"  Failed (harness): {line.strip()}")
if executed_only:
    print(executed)
    sys.exit(0)
print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
sys.exit(1 if failed else 0)
