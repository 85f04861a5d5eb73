"""Poll a job until it is done, on the side-car (seed 004's "poll status with a Lambda
function and a Wait").

submit -> Wait 5 s -> poll -> assess (exposes ``status`` and ``polls``) -> a Choice: DONE
goes to collect; after 5 polls the execution fails as ``JobTimedOut``; otherwise back to
the Wait. Every visit of poll and assess runs its function again and records a new result;
the document shows the latest. assess needs poll's output of *this* round: the read
predicate knows the loop and waits for a poll newer than assess's previous visit.
"""

from _poll_job_steps import assess, collect, poll, submit

from sfs3dsl import Choice, Fail, JsonPath, SideCar, Wait, Workflow

#: The loop's bound: a job not done after this many polls fails the execution.
MAX_POLLS = 5

sidecar = SideCar(prefix="poll-job/", timeout_seconds=11)

wait = Wait("wait", seconds=5)
status, polls = JsonPath("$.status"), JsonPath("$.polls")
loop = (wait
        >> sidecar.step(poll)
        >> sidecar.step(assess, expose=("status", "polls"))
        >> (Choice("done?")
            .when(status == "DONE", sidecar.step(collect))
            .when(polls >= MAX_POLLS, Fail("gave-up", error="JobTimedOut",
                                           cause=f"the job was not done after {MAX_POLLS} polls"))
            .otherwise(wait)))

poll_job = Workflow(
    "poll-job",
    sidecar.step(submit) >> loop,
    comment="Poll a job: submit, then wait, poll and assess until it is done (at most 5 polls)",
)
