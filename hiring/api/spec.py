"""Operations of the REST API and the OpenAPI description generated from them.

Each view declares its operation with `operation(...)`: the scope it needs, the pydantic
models of its query and body, and its responses. The decorator checks the scope, parses
and validates the input, and the same declaration produces /api/v1/openapi.json, so the
description cannot drift from the code."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from flask import Flask, abort, g, request
from pydantic import BaseModel, ValidationError

from hiring.api.problems import Problem, ValidationProblem

PROBLEM = "application/problem+json"
API_VERSION = "1.0.0"


@dataclass(frozen=True)
class Operation:
    summary: str
    scope: str
    tag: str
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    responses: dict[int, tuple[str, type[BaseModel] | str | None]] = field(
        default_factory=dict)  # status -> (description, model or media type)
    headers: tuple[tuple[str, str], ...] = ()  # request headers: (name, description)
    description: str = ""


def operation(*, summary: str, scope: str, tag: str, query: type[BaseModel] | None = None,
              body: type[BaseModel] | None = None,
              responses: dict[int, tuple[str, type[BaseModel] | str | None]] | None = None,
              headers: tuple[tuple[str, str], ...] = (), description: str = ""
              ) -> Callable[[Callable], Callable]:
    """Declare a view an API operation: check the key's scope, parse its input."""
    declared = Operation(summary=summary, scope=scope, tag=tag, query=query, body=body,
                         responses=responses or {}, headers=headers, description=description)

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(**kwargs):
            if scope not in g.api_key.scopes:
                abort(403, f"This key lacks the scope {scope}.")
            if query is not None:
                kwargs["query"] = _parse(query, request.args.to_dict(), "query")
            if body is not None:
                payload = request.get_json(silent=True) if request.is_json else None
                if not isinstance(payload, dict):
                    abort(400, "The body must be a JSON object (Content-Type: "
                               "application/json).")
                kwargs["body"] = _parse(body, payload, "body")
            return view(**kwargs)

        wrapped.api = declared
        wrapped.access = "api"  # a key with the scope, checked here (see test_access)
        wrapped.writes = True  # every call is recorded in the audit log
        return wrapped

    return decorate


def _parse(model: type[BaseModel], data: Any, where: str) -> BaseModel:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ValidationProblem([
            {"field": ".".join([where, *(str(part) for part in error["loc"])]),
             "message": error["msg"]} for error in exc.errors(include_url=False)]) from None


def _schema(model: type[BaseModel], components: dict, mode: str = "serialization") -> dict:
    """Put the model's schema (and those it refers to) in the components; refer to it."""
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}", mode=mode)
    for name, definition in schema.pop("$defs", {}).items():
        components[name] = definition
    components[model.__name__] = schema
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _path(rule: str) -> tuple[str, list[dict]]:
    """Turn /invitations/<int:invitation_id> into /invitations/{invitation_id}."""
    parameters = []
    parts = []
    for part in rule.split("/"):
        if part.startswith("<") and part.endswith(">"):
            converter, _, name = part[1:-1].rpartition(":")
            parameters.append({"name": name, "in": "path", "required": True,
                               "schema": {"type": "integer", "minimum": 0}
                               if converter == "int" else {"type": "string"}})
            part = "{" + name + "}"
        parts.append(part)
    return "/".join(parts), parameters


def _response(description: str, content: type[BaseModel] | str | None, components: dict,
              status: int) -> dict:
    if content is None:
        return {"description": description}
    if isinstance(content, str):
        return {"description": description,
                "content": {content: {"schema": {"type": "string", "format": "binary"}}}}
    media = PROBLEM if status >= 400 else "application/json"
    return {"description": description,
            "content": {media: {"schema": _schema(content, components)}}}


ERRORS = {
    400: "The request cannot be read (not JSON, bad characters).",
    401: "No key, or a key that is unknown or revoked.",
    403: "The key lacks the scope this operation needs.",
    429: "Too many calls with this key in the last minute; see Retry-After.",
}


def openapi(app: Flask, *, blueprint: str, server: str) -> dict:
    """Return the OpenAPI 3.1 description of the blueprint's operations."""
    components: dict[str, dict] = {}
    paths: dict[str, dict] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        view = app.view_functions[rule.endpoint]
        declared: Operation | None = getattr(view, "api", None)
        if declared is None or not rule.endpoint.startswith(blueprint + "."):
            continue
        path, parameters = _path(rule.rule.removeprefix(server))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            entry: dict[str, Any] = {
                "operationId": rule.endpoint.rsplit(".", 1)[1],
                "summary": declared.summary, "tags": [declared.tag],
                "security": [{"bearer": [declared.scope]}],
                "x-scope": declared.scope,
            }
            if declared.description:
                entry["description"] = declared.description
            query = []
            if declared.query is not None:
                schema = declared.query.model_json_schema()
                for name, prop in schema.get("properties", {}).items():
                    query.append({"name": name, "in": "query",
                                  "required": name in schema.get("required", []),
                                  "schema": {k: v for k, v in prop.items() if k != "title"},
                                  **({"description": prop["description"]}
                                     if "description" in prop else {})})
            headers = [{"name": name, "in": "header", "required": False,
                        "description": text, "schema": {"type": "string", "maxLength": 200}}
                       for name, text in declared.headers]
            if parameters or query or headers:
                entry["parameters"] = [*parameters, *query, *headers]
            if declared.body is not None:
                entry["requestBody"] = {"required": True, "content": {
                    "application/json": {"schema": _schema(declared.body, components,
                                                           "validation")}}}
            responses = {str(status): _response(text, content, components, status)
                         for status, (text, content) in declared.responses.items()}
            for status, text in ERRORS.items():
                responses.setdefault(str(status), _response(text, Problem, components,
                                                            status))
            if declared.query is not None or declared.body is not None:
                responses.setdefault("422", _response(
                    "The input breaks a rule; `errors` names each field.", Problem,
                    components, 422))
            entry["responses"] = dict(sorted(responses.items()))
            paths.setdefault(path, {})[method.lower()] = entry
    return {
        "openapi": "3.1.0",
        "info": {"title": "hiring REST API", "version": API_VERSION,
                 "description": "Invite candidates and read their results from another "
                                "system, such as an applicant tracking system. Every call "
                                "needs `Authorization: Bearer <key>`; HR creates keys "
                                "with scopes on the API keys page."},
        "servers": [{"url": server}],
        "paths": paths,
        "components": {
            "schemas": dict(sorted(components.items())),
            "securitySchemes": {"bearer": {
                "type": "http", "scheme": "bearer",
                "description": "An API key: hiring_<prefix>_<secret>. Scopes: "
                               "results:read, invitations:write."}},
        },
    }
