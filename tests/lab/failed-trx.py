#!/usr/bin/env python3
"""Writes a .trx holding ONE failed test, for a test run that could not produce results of its own (the VM did not
boot, the run timed out, the test host crashed): the summary then counts a failure instead of staying silent.

usage: failed-trx.py FILE TEST_NAME REASON"""
import sys, uuid, datetime
import xml.etree.ElementTree as ET

path, name, reason = sys.argv[1:4]
NS = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"
ET.register_namespace("", NS)
now = datetime.datetime.now(datetime.timezone.utc).isoformat()
test_id, exec_id, list_id = (str(uuid.uuid4()) for _ in range(3))

run = ET.Element(f"{{{NS}}}TestRun", id=str(uuid.uuid4()), name=name)
ET.SubElement(run, f"{{{NS}}}Times", creation=now, queuing=now, start=now, finish=now)
results = ET.SubElement(run, f"{{{NS}}}Results")
result = ET.SubElement(results, f"{{{NS}}}UnitTestResult", executionId=exec_id, testId=test_id, testName=name,
                       computerName="lab", duration="00:00:00", startTime=now, endTime=now,
                       testType="13cdc9d9-ddb5-4fa4-a97d-d965ccfc6d4b", outcome="Failed", testListId=list_id)
error = ET.SubElement(ET.SubElement(result, f"{{{NS}}}Output"), f"{{{NS}}}ErrorInfo")
ET.SubElement(error, f"{{{NS}}}Message").text = reason
definitions = ET.SubElement(run, f"{{{NS}}}TestDefinitions")
test = ET.SubElement(definitions, f"{{{NS}}}UnitTest", name=name, storage="lab", id=test_id)
ET.SubElement(test, f"{{{NS}}}Execution", id=exec_id)
ET.SubElement(test, f"{{{NS}}}TestMethod", codeBase="lab", adapterTypeName="lab", className="Lab", name=name)
ET.SubElement(ET.SubElement(run, f"{{{NS}}}TestLists"), f"{{{NS}}}TestList", name="Results Not in a List", id=list_id)
summary = ET.SubElement(run, f"{{{NS}}}ResultSummary", outcome="Failed")
ET.SubElement(summary, f"{{{NS}}}Counters", total="1", executed="1", passed="0", failed="1", error="0", timeout="0",
              aborted="0", inconclusive="0", passedButRunAborted="0", notRunnable="0", notExecuted="0",
              disconnected="0", warning="0", completed="0", inProgress="0", pending="0")
ET.ElementTree(run).write(path, encoding="utf-8", xml_declaration=True)
