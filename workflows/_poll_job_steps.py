"""The step functions of the poll-job workflow: plain Python, no sfs3dsl import.

A stand-in for a long job behind an API: ``submit`` starts it, ``poll`` asks for its state
and ``assess`` turns the answer into the status the Choice branches on. The job here is done
after the number of polls the document asks for (``pollsNeeded``, default 2).
"""

from __future__ import annotations

from typing import Any

Document = dict[str, Any]


def submit(doc: Document) -> Document:
    """Start the job."""
    return {"jobId": f"job-{doc.get('name', 'report')}", "pollsNeeded": doc.get("pollsNeeded", 2)}


def poll(doc: Document) -> Document:
    """Ask the job how far it is: one more poll than the last time."""
    previous = doc.get("poll-output", {}).get("polls", 0)
    polls = previous + 1
    done = polls >= doc["submit-output"]["pollsNeeded"]
    return {"jobId": doc["submit-output"]["jobId"], "polls": polls,
            "state": "SUCCEEDED" if done else "IN_PROGRESS"}


def assess(doc: Document) -> Document:
    """Say what the Choice needs: DONE or RUNNING, and how many polls it took."""
    answer = doc["poll-output"]
    return {"status": "DONE" if answer["state"] == "SUCCEEDED" else "RUNNING",
            "polls": answer["polls"]}


def collect(doc: Document) -> Document:
    """Fetch the job's result once it is done."""
    return {"result": f"{doc['submit-output']['jobId']} finished after "
                      f"{doc['assess-output']['polls']} poll(s)"}
