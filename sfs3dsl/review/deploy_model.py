"""A deployment file as a reviewer reads it: IAM grants, functions, API routes, buckets, the
API's keys and usage plan, state machine settings, notifications, and every other resource.

:func:`deployment_model` reads a serverless.yml fragment or a SAM/CloudFormation template
(as data) into a :class:`Model` whose parts are keyed so that reordering is never a change:

* an IAM statement is split into one :class:`Grant` per action and resource (a role's
  inline ``Policies``, ``AWS::IAM::Policy``/``ManagedPolicy`` documents, a bucket policy,
  ``provider.iam.role.statements``); a role's ``ManagedPolicyArns`` are grants too;
* functions are keyed by their serverless key (a template's ``StepALambdaFunction`` is
  ``stepA``) and their settings by serverless names (``memorySize``, ``environment``...),
  so the same change in serverless.yml and template.yaml is one change;
* routes are keyed ``METHOD /path``, whether they come from a function's ``http`` event, the
  plugin's state machine events or a SAM ``Api`` event;
* the side-car steps' handler settings (:mod:`.handler_model`) are keyed by step;
* everything else (new resource types included: alarms, dashboards, rules...) is kept
  whole under its logical id and compared field by field.

Every reader tolerates shapes it does not know: an unexpected value becomes a generic
setting, never an exception. CloudFormation intrinsics are shown in ``Fn::Sub`` syntax
(``${OrderProcessData.Arn}/order/*``). Hand-written: cfn-lint and the Serverless Framework
read these files to check or deploy one, not to compare two.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from sfs3dsl.review.cfn_values import as_dict, as_list, cfn_text, is_intrinsic

Json = dict[str, Any]

_ROLE_TYPES: Final = ("AWS::IAM::Role",)
_POLICY_TYPES: Final = ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy")
_FUNCTION_TYPES: Final = ("AWS::Serverless::Function", "AWS::Lambda::Function")
_MACHINE_TYPES: Final = ("AWS::Serverless::StateMachine", "AWS::StepFunctions::StateMachine")
#: A template's function properties under the fragment's names, so both read alike.
_FUNCTION_NAMES: Final = {"Handler": "handler", "Runtime": "runtime",
                          "MemorySize": "memorySize", "Timeout": "timeout", "Role": "role",
                          "Tracing": "tracing", "Layers": "layers",
                          "ReservedConcurrentExecutions": "reservedConcurrency"}
_BUCKET_NAMES: Final = {"BucketEncryption": "encryption",
                        "PublicAccessBlockConfiguration": "publicAccessBlock",
                        "VersioningConfiguration": "versioning",
                        "LifecycleConfiguration": "lifecycle",
                        "OwnershipControls": "ownership"}
_MACHINE_SKIP: Final = ("definition", "Definition", "DefinitionString", "DefinitionUri",
                        "events", "Events", "notifications")


@dataclass(frozen=True, slots=True)
class Grant:
    """One action on one resource, allowed or denied by a policy of ``owner``.

    ``kind`` is ``"iam"`` (a role's or policy's statement) or ``"bucket"`` (a bucket
    policy's, ``owner`` then being the bucket). ``condition`` and ``principal`` are compact
    JSON text, empty when the statement has none.
    """

    kind: str
    owner: str
    effect: str
    action: str
    resource: str
    condition: str = ""
    principal: str = ""

    def text(self, actions: str | None = None, resources: str | None = None) -> str:
        """``Allow s3:GetObject on ${B.Arn}/p/*``; ``actions`` and ``resources`` in place
        of its own (the grants of one statement shown as one)."""
        out = f"{self.effect} {actions or self.action} on {resources or self.resource}"
        if self.principal:
            out += f" to {self.principal}"
        return out + (f" if {self.condition}" if self.condition else "")

    def to_json(self) -> Json:
        out: Json = {"effect": self.effect, "action": self.action, "resource": self.resource}
        if self.condition:
            out["condition"] = json.loads(self.condition)
        if self.principal:
            out["principal"] = self.principal
        return out


@dataclass
class Model:
    """The reviewable parts of one deployment file; every dict is in document order."""

    grants: dict[Grant, None] = field(default_factory=dict)  # an ordered set
    roles: dict[str, Json] = field(default_factory=dict)  # settings besides the grants
    functions: dict[str, Json] = field(default_factory=dict)
    steps: dict[str, Json] = field(default_factory=dict)  # side-car handlers' settings
    routes: dict[str, Json] = field(default_factory=dict)
    buckets: dict[str, Json] = field(default_factory=dict)
    api: dict[str, Json] = field(default_factory=dict)
    state_machines: dict[str, Json] = field(default_factory=dict)
    notifications: dict[str, None] = field(default_factory=dict)  # "machine STATUS -> target"
    resources: dict[str, Json] = field(default_factory=dict)


# --- grants ---------------------------------------------------------------------------------

def _statements(document: Any) -> Iterator[Mapping[str, Any]]:
    for statement in as_list(as_dict(document).get("Statement")):
        if isinstance(statement, Mapping):
            yield statement


def _grants(kind: str, owner: str, document: Any) -> Iterator[Grant]:
    for statement in _statements(document):
        effect = str(statement.get("Effect", "Allow"))
        actions = [str(a) for a in as_list(statement.get("Action"))]
        actions += [f"NOT {a}" for a in as_list(statement.get("NotAction"))]
        resources = [cfn_text(r) for r in as_list(statement.get("Resource"))]
        resources += [f"NOT {cfn_text(r)}" for r in as_list(statement.get("NotResource"))]
        condition = statement.get("Condition")
        cond = json.dumps(condition, sort_keys=True, separators=(",", ":"), default=str) \
            if condition else ""
        principal = statement.get("Principal", statement.get("NotPrincipal"))
        who = "" if principal is None else cfn_text(principal)
        for action in actions or ["(none)"]:
            for resource in resources or ["(none)"]:
                yield Grant(kind, owner, effect, action, resource, cond, who)


def _role(model: Model, name: str, props: Mapping[str, Any]) -> None:
    for policy in as_list(props.get("Policies")):
        for grant in _grants("iam", name, as_dict(policy).get("PolicyDocument")):
            model.grants[grant] = None
    for arn in as_list(props.get("ManagedPolicyArns")):
        model.grants[Grant("iam", name, "Allow", "(managed policy)", cfn_text(arn))] = None
    model.roles[name] = {k: v for k, v in props.items()
                         if k not in ("Policies", "ManagedPolicyArns")}


# --- functions and routes -------------------------------------------------------------------

def function_key(logical_id: str) -> str:
    """``StepALambdaFunction`` -> ``stepA`` (the serverless key), other ids unchanged."""
    stem = logical_id.removesuffix("LambdaFunction")
    if stem == logical_id or not stem:
        return logical_id
    return stem[:1].lower() + stem[1:]


def _route(model: Model, method: Any, path: Any, target: str, private: bool,
           extra: Mapping[str, Any]) -> None:
    key = f"{str(method).upper()} /{str(path).lstrip('/')}"
    model.routes[key] = {"target": target, "private": private, **extra}


def _serverless_function(model: Model, key: str, fn: Mapping[str, Any]) -> None:
    settings: Json = {}
    for name, value in fn.items():
        if name == "events":
            for event in as_list(value):
                http = as_dict(event).get("http")
                if isinstance(http, Mapping):
                    extra = {k: v for k, v in http.items()
                             if k not in ("path", "method", "private", "request")}
                    _route(model, http.get("method"), http.get("path"), key,
                           bool(http.get("private")), extra)
                else:
                    settings.setdefault("events", []).append(event)
        elif name == "environment":
            settings["environment"] = {str(k): v for k, v in as_dict(value).items()}
        else:
            settings[name] = value
    model.functions[key] = settings


def _template_function(model: Model, logical: str, props: Mapping[str, Any]) -> None:
    key = function_key(logical)
    settings: Json = {}
    for name, value in props.items():
        if name == "Events":
            _template_events(model, key, value)
        elif name == "Environment":
            settings["environment"] = dict(as_dict(as_dict(value).get("Variables")))
        elif name == "VpcConfig":
            vpc = as_dict(value)
            settings["vpc"] = {"subnetIds": vpc.get("SubnetIds"),
                               "securityGroupIds": vpc.get("SecurityGroupIds")}
        elif name == "Role":
            role = as_dict(value).get("Fn::GetAtt")
            settings["role"] = role[0] if isinstance(role, list) and role and \
                list(role[1:]) == ["Arn"] else value
        else:
            settings[_FUNCTION_NAMES.get(name, name)] = value
    model.functions[key] = settings


def _template_events(model: Model, target: str, events: Any) -> None:
    for name, event in as_dict(events).items():
        props = as_dict(as_dict(event).get("Properties"))
        if as_dict(event).get("Type") == "Api":
            private = bool(as_dict(props.get("Auth")).get("ApiKeyRequired"))
            extra = {k: v for k, v in props.items()
                     if k not in ("Path", "Method", "Auth", "RestApiId", "RequestParameters")}
            _route(model, props.get("Method"), props.get("Path"), target, private, extra)
        else:
            model.resources[f"{target} event {name}"] = dict(as_dict(event))


# --- state machines -------------------------------------------------------------------------

def _machine(model: Model, key: str, machine: Mapping[str, Any]) -> None:
    for event in as_list(machine.get("events")):
        http = as_dict(as_dict(event).get("http"))
        if http:
            # the plugin's default action starts an execution, as a SAM Api event does
            action = http.get("action")
            target = key if action in (None, "StartExecution") else f"{key} ({action})"
            extra = {k: v for k, v in http.items()
                     if k not in ("path", "method", "private", "action", "request")}
            _route(model, http.get("method"), http.get("path"), target,
                   bool(http.get("private")), extra)
    for status, targets in as_dict(machine.get("notifications")).items():
        for target in as_list(targets):
            for kind, where in as_dict(target).items():
                model.notifications[f"{key} {status} -> {kind} {cfn_text(where)}"] = None
    model.state_machines[key] = {k: v for k, v in machine.items() if k not in _MACHINE_SKIP}


#: The targets of the serverless-step-functions plugin's ``notifications`` (and of the SAM
#: template's rules made from them), and the target parameters the plugin names otherwise.
_NOTIFY_KINDS: Final = ("sns", "sqs", "lambda", "kinesis", "firehose", "stepFunctions")
_NOTIFY_PARAMETERS: Final = {"SqsParameters": ("MessageGroupId", "messageGroupId"),
                             "KinesisParameters": ("PartitionKeyPath", "partitionKeyPath")}


def _status_rule(model: Model, props: Mapping[str, Any]) -> bool:
    """Read an EventBridge rule on a state machine's execution status changes as the
    plugin's ``notifications`` read (``OrderStateMachine FAILED -> sqs ...``), so a SAM
    template's notification changes are listed as a fragment's are; False, leaving it a
    resource, for any other rule or any setting the plugin's form cannot say."""
    pattern = as_dict(props.get("EventPattern"))
    detail = as_dict(pattern.get("detail"))
    machines = as_list(detail.get("stateMachineArn"))
    if set(props) - {"EventPattern", "State", "Targets"} or props.get("State") != "ENABLED" \
            or set(pattern) != {"source", "detail-type", "detail"} \
            or pattern.get("source") != ["aws.states"] \
            or pattern.get("detail-type") != ["Step Functions Execution Status Change"] \
            or set(detail) != {"status", "stateMachineArn"} or len(machines) != 1 \
            or set(as_dict(machines[0])) != {"Ref"}:
        return False
    lines: list[str] = []
    for item in as_list(props.get("Targets")):
        target = as_dict(item)
        kind = str(target.get("Id", "")).rstrip("0123456789")
        if kind not in _NOTIFY_KINDS or set(target) - {"Id", "Arn", "RoleArn",
                                                         *_NOTIFY_PARAMETERS}:
            return False
        extra = {name: as_dict(target[key]).get(field)
                 for key, (field, name) in _NOTIFY_PARAMETERS.items() if key in target}
        where = {"arn": target.get("Arn"), **extra} if extra else target.get("Arn")
        lines += [f"{as_dict(machines[0])['Ref']} {status} -> {kind} {cfn_text(where)}"
                  for status in as_list(detail.get("status"))]
    for line in lines:
        model.notifications[line] = None
    return True


def _template_machine(model: Model, logical: str, props: Mapping[str, Any]) -> None:
    _template_events(model, logical, props.get("Events"))
    model.state_machines[logical] = {k: v for k, v in props.items() if k not in _MACHINE_SKIP}


# --- the readers ----------------------------------------------------------------------------

def _resources(model: Model, resources: Mapping[str, Any]) -> None:
    policies: list[tuple[str, Mapping[str, Any]]] = []
    for name, resource in resources.items():
        kind = str(as_dict(resource).get("Type", ""))
        props = as_dict(as_dict(resource).get("Properties"))
        if kind in _ROLE_TYPES:
            _role(model, name, props)
        elif kind in _POLICY_TYPES:
            for grant in _grants("iam", name, props.get("PolicyDocument")):
                model.grants[grant] = None
            model.roles[name] = {k: v for k, v in props.items() if k != "PolicyDocument"}
        elif kind == "AWS::S3::BucketPolicy":
            policies.append((name, props))
        elif kind == "AWS::S3::Bucket":
            attributes = {k: v for k, v in as_dict(resource).items()
                          if k not in ("Type", "Properties")}
            settings = {**attributes, **{_BUCKET_NAMES.get(k, k): v for k, v in props.items()}}
            settings.update(_encryption(settings.get("encryption")))
            model.buckets[name] = settings
        elif kind in _FUNCTION_TYPES:
            _template_function(model, name, props)
        elif kind in _MACHINE_TYPES:
            _template_machine(model, name, props)
        elif kind == "AWS::Events::Rule" and _status_rule(model, props):
            pass
        else:
            model.resources[name] = dict(as_dict(resource))
    for name, props in policies:
        bucket = props.get("Bucket")
        owner = cfn_text(bucket).removeprefix("${").removesuffix("}") \
            if is_intrinsic(bucket) else f"bucket policy {name}"
        for grant in _grants("bucket", owner, props.get("PolicyDocument")):
            model.grants[grant] = None


def _encryption(value: Any) -> Json:
    """A bucket's one default-encryption rule as ``encryption.SSEAlgorithm`` and so on,
    rather than under ``ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault``."""
    rules = as_list(as_dict(value).get("ServerSideEncryptionConfiguration"))
    if len(rules) != 1 or len(as_dict(value)) != 1 or not isinstance(rules[0], Mapping):
        return {}
    rule = rules[0]
    return {"encryption": {**as_dict(rule.get("ServerSideEncryptionByDefault")),
                           **{k: v for k, v in rule.items()
                              if k != "ServerSideEncryptionByDefault"}}}


def _provider(model: Model, provider: Mapping[str, Any]) -> None:
    for name, value in provider.items():
        if name == "apiGateway":
            model.api["apiGateway"] = dict(as_dict(value))
        elif name in ("iam", "iamRoleStatements"):
            document = {"Statement": as_dict(as_dict(value).get("role")).get("statements")
                        if name == "iam" else value}
            for grant in _grants("iam", "provider", document):
                model.grants[grant] = None
        else:
            model.api.setdefault("provider", {})[name] = value


def _section(model: Model, section: str, entries: Any) -> None:
    """A template's Parameters, Outputs...: each entry a generic resource."""
    for key, entry in as_dict(entries).items():
        model.resources[f"{section}.{key}"] = dict(entry) if isinstance(entry, Mapping) \
            else {"value": entry}


def deployment_model(document: Any) -> Model:
    """The reviewable parts of a serverless.yml fragment or a SAM/CloudFormation template.

    Example:
        >>> m = deployment_model({"functions": {"a": {"timeout": 10}}})
        >>> m.functions
        {'a': {'timeout': 10}}
    """
    model = Model()
    doc = as_dict(document)
    for name, value in doc.items():
        if name == "functions":
            for key, fn in as_dict(value).items():
                _serverless_function(model, str(key), as_dict(fn))
        elif name == "stepFunctions":
            for key, machine in as_dict(as_dict(value).get("stateMachines")).items():
                _machine(model, str(as_dict(machine).get("id", key)), as_dict(machine))
            rest = {k: v for k, v in as_dict(value).items() if k != "stateMachines"}
            if rest:
                model.resources["stepFunctions"] = rest
        elif name == "provider":
            _provider(model, as_dict(value))
        elif name == "sidecarSteps":  # review.handler_model's reading of the handlers
            model.steps.update((str(k), dict(as_dict(v))) for k, v in as_dict(value).items())
        elif name in ("resources", "Resources"):
            # the fragment nests a template under resources; a template has them on top
            inner = as_dict(value).get("Resources") if name == "resources" else value
            _resources(model, as_dict(inner))
            if name == "resources":
                for section, entries in as_dict(value).items():
                    if section != "Resources":
                        _section(model, section, entries)
        elif name in ("Parameters", "Outputs", "Conditions", "Mappings"):
            _section(model, name, value)
        elif name in ("package", "AWSTemplateFormatVersion", "Description", "Transform"):
            continue  # what ships and how the file is read, not what is deployed
        else:
            model.resources[name] = {"value": value}
    return model
