#!/usr/bin/env python3
"""Regenerates src/write_back/validate/zoom_schemas.json: the request schemas of the calls a
write-back row can make, taken from Zoom's own OpenAPI descriptions.

Run from the repository root, with the shared copies of Zoom's files one level up:

    python3 tools/extract-zoom-schemas.py ../shared/zoom-openapi \
        > src/write_back/validate/zoom_schemas.json

Reads zoom-users-api.2026-02.json (user operations: the newest users reference) and
zoom-meeting-api.2023-10.json (meetings, webinars, registrants). For each operation it keeps the
request body schema and the query parameters, trimmed to the keywords the validator reads, and
applies the corrections listed in CORRECTIONS below. It stops on anything it does not know how to
carry over ($ref, allOf, oneOf, anyOf, an unknown format), so a newer spec forces a decision
instead of a silent gap.
"""

import json
import re
import sys
from pathlib import Path

USERS = "zoom-users-api.2026-02.json"
MEETINGS = "zoom-meeting-api.2023-10.json"

# operationId -> (file, path, method); the ids are the ones `Endpoint::operation` returns.
OPERATIONS = {
    "userCreate": (USERS, "/users", "post"),
    "userUpdate": (USERS, "/users/{userId}", "patch"),
    "userDelete": (USERS, "/users/{userId}", "delete"),
    "userStatus": (USERS, "/users/{userId}/status", "put"),
    "meetingCreate": (MEETINGS, "/users/{userId}/meetings", "post"),
    "meetingUpdate": (MEETINGS, "/meetings/{meetingId}", "patch"),
    "meetingDelete": (MEETINGS, "/meetings/{meetingId}", "delete"),
    "meetingRegistrantCreate": (MEETINGS, "/meetings/{meetingId}/registrants", "post"),
    "meetingRegistrantStatus": (MEETINGS, "/meetings/{meetingId}/registrants/status", "put"),
    "webinarCreate": (MEETINGS, "/users/{userId}/webinars", "post"),
    "webinarUpdate": (MEETINGS, "/webinars/{webinarId}", "patch"),
    "webinarDelete": (MEETINGS, "/webinars/{webinarId}", "delete"),
    "webinarRegistrantCreate": (MEETINGS, "/webinars/{webinarId}/registrants", "post"),
    "webinarRegistrantStatus": (MEETINGS, "/webinars/{webinarId}/registrants/status", "put"),
}

KEPT = ["type", "required", "enum", "minLength", "maxLength", "minimum", "maximum",
        "maxItems", "format", "properties", "items"]
# Formats the validator checks; others (password, int64, …) say nothing it can test.
FORMATS = {"email", "date-time"}
UNSUPPORTED = ["$ref", "allOf", "oneOf", "anyOf", "not", "additionalProperties"]
EXACT_DOUBLE = 2 ** 53

# Where Zoom's schema contradicts its own description, the description wins (it is what Zoom's
# server does); each entry is (operations, path, keyword, why). The checks it implies live in
# src/write_back/validate/rules.rs.
CORRECTIONS = [
    (["meetingCreate", "meetingUpdate", "webinarUpdate"], "recurrence.weekly_days", "enum",
     "the enum lists single days, the description allows a comma-separated list such as \"1,3\""),
    (["userUpdate"], "manager", "format",
     "typed email, but the description takes an email address or a display name"),
]


def fail(message):
    sys.exit(f"extract-zoom-schemas: {message}")


def exact_integers(description):
    return {int(n) for n in re.findall(r"`(-?\d+)`", description or "")}


def trim(schema, where):
    """The schema with only the keywords in KEPT, with Zoom's systematic slips repaired."""
    for keyword in UNSUPPORTED:
        if keyword in schema:
            fail(f"{where}: `{keyword}` is not carried over; decide how to resolve it")
    if "type" not in schema:
        fail(f"{where}: no type")
    out = {k: schema[k] for k in KEPT if k in schema}
    kind = out["type"]
    if kind == "array" and "maximum" in out:
        # Zoom writes an item count as `maximum` on arrays ("registrants": up to 30).
        out["maxItems"] = out.pop("maximum")
    if kind == "integer":
        # `pmi` carries minLength/maxLength 10 on an integer: a digit count, checked in rules.rs.
        out.pop("minLength", None)
        out.pop("maxLength", None)
        if "enum" in out:
            out["enum"] = [restore(v, schema, where) for v in out["enum"]]
    if "format" in out and out["format"] not in FORMATS:
        del out["format"]
    if "required" in out and not out["required"]:
        del out["required"]
    if "properties" in out:
        out["properties"] = {k: trim(v, f"{where}.{k}") for k, v in out["properties"].items()}
    if "items" in out:
        out["items"] = trim(out["items"], f"{where}[]")
    return out


def restore(value, schema, where):
    """Enum literals above 2^53 went through a double somewhere (72057594037927940 for 2^56);
    the description still lists the exact numbers, so take the one that rounds the same."""
    if abs(value) <= EXACT_DOUBLE:
        return value
    exact = [n for n in exact_integers(schema.get("description")) if float(n) == float(value)]
    if len(exact) != 1:
        fail(f"{where}: cannot restore enum value {value} from the description")
    return exact[0]


def correct(operations):
    for names, path, keyword, why in CORRECTIONS:
        for name in names:
            node = operations[name]["body"]
            for key in path.split("."):
                node = node["properties"][key]
            if keyword not in node:
                fail(f"{name}.{path}: the correction of `{keyword}` no longer applies ({why})")
            del node[keyword]


def operation(spec, name, path, method):
    op = spec["paths"][path][method]
    if op.get("operationId") != name:
        fail(f"{method.upper()} {path} is {op.get('operationId')}, expected {name}")
    out = {}
    query = {p["name"]: trim(p["schema"], f"{name}?{p['name']}")
             for p in op.get("parameters", []) if p["in"] == "query"}
    if any(p.get("required") for p in op.get("parameters", []) if p["in"] == "query"):
        fail(f"{name}: a required query parameter is not supported")
    if query:
        out["query"] = query
    body = op.get("requestBody")
    if body:
        out["body"] = trim(body["content"]["application/json"]["schema"], name)
        clash = set(query) & set(out["body"].get("properties", {}))
        if clash:
            fail(f"{name}: {sorted(clash)} are both query parameters and body keys")
    return out


def main():
    if len(sys.argv) != 2:
        fail("usage: extract-zoom-schemas.py <directory of Zoom's OpenAPI files>")
    directory = Path(sys.argv[1])
    specs = {f: json.loads((directory / f).read_text()) for f in (USERS, MEETINGS)}
    operations = {name: operation(specs[f], name, path, method)
                  for name, (f, path, method) in OPERATIONS.items()}
    correct(operations)
    out = {
        "source": f"generated by tools/extract-zoom-schemas.py from {USERS} (users) and "
                  f"{MEETINGS} (meetings, webinars, registrants); do not edit by hand",
        "operations": operations,
    }
    json.dump(out, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
