"""A .trx writer (the Visual Studio test results format tests/lab/sum-trx.py adds up) for the lab's scripted tests:
each case is one UnitTestResult with its outcome, duration, message and output."""
import datetime
import uuid
import xml.etree.ElementTree as ET

NS = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"
TEST_TYPE = "13cdc9d9-ddb5-4fa4-a97d-d965ccfc6d4b"


def _duration(seconds):
    seconds = max(0.0, seconds)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{int(h):02}:{int(m):02}:{s:010.7f}"


def write(path, run_name, results):
    """results: dicts with name, outcome ("Passed"/"Failed"), seconds, message (on failure), output."""
    ET.register_namespace("", NS)
    now = datetime.datetime.now(datetime.timezone.utc).isoformat()
    list_id = str(uuid.uuid4())
    run = ET.Element(f"{{{NS}}}TestRun", id=str(uuid.uuid4()), name=run_name)
    ET.SubElement(run, f"{{{NS}}}Times", creation=now, queuing=now, start=now, finish=now)
    results_el = ET.SubElement(run, f"{{{NS}}}Results")
    definitions = ET.SubElement(run, f"{{{NS}}}TestDefinitions")
    for r in results:
        test_id, exec_id = str(uuid.uuid4()), str(uuid.uuid4())
        result = ET.SubElement(results_el, f"{{{NS}}}UnitTestResult", executionId=exec_id, testId=test_id,
                               testName=r["name"], computerName="lab-vm", duration=_duration(r.get("seconds", 0)),
                               startTime=now, endTime=now, testType=TEST_TYPE, outcome=r["outcome"], testListId=list_id)
        output = ET.SubElement(result, f"{{{NS}}}Output")
        if r.get("output"):
            ET.SubElement(output, f"{{{NS}}}StdOut").text = r["output"]
        if r["outcome"] != "Passed":
            error = ET.SubElement(output, f"{{{NS}}}ErrorInfo")
            ET.SubElement(error, f"{{{NS}}}Message").text = r.get("message", "")
        test = ET.SubElement(definitions, f"{{{NS}}}UnitTest", name=r["name"], storage="tests/e2e", id=test_id)
        ET.SubElement(test, f"{{{NS}}}Execution", id=exec_id)
        class_name, _, method = r["name"].rpartition(".")
        ET.SubElement(test, f"{{{NS}}}TestMethod", codeBase="tests/e2e", adapterTypeName="lab",
                      className=class_name or "E2E", name=method)
    ET.SubElement(ET.SubElement(run, f"{{{NS}}}TestLists"), f"{{{NS}}}TestList", name="Results Not in a List", id=list_id)
    passed = sum(1 for r in results if r["outcome"] == "Passed")
    failed = len(results) - passed
    summary = ET.SubElement(run, f"{{{NS}}}ResultSummary", outcome="Failed" if failed else "Completed")
    ET.SubElement(summary, f"{{{NS}}}Counters", total=str(len(results)), executed=str(len(results)), passed=str(passed),
                  failed=str(failed), error="0", timeout="0", aborted="0", inconclusive="0", passedButRunAborted="0",
                  notRunnable="0", notExecuted="0", disconnected="0", warning="0", completed="0", inProgress="0",
                  pending="0")
    ET.ElementTree(run).write(path, encoding="utf-8", xml_declaration=True)
