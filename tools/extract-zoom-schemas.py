#!/usr/bin/env python3
"""Extracts what the project needs of Zoom's own OpenAPI descriptions, in two modes.

Input: Zoom's published OpenAPI descriptions, in a directory given on the command line. Zoom
publishes them at https://developers.zoom.us/api-hub/users/methods/endpoints.json (the users
reference, https://developers.zoom.us/docs/api/users/) and
https://developers.zoom.us/api-hub/meetings/methods/endpoints.json (meetings, webinars,
registrants, recordings: https://developers.zoom.us/docs/api/meetings/), and for `--responses`
also https://developers.zoom.us/api-hub/phone/methods/endpoints.json (Zoom Phone:
https://developers.zoom.us/docs/api/phone/). Save them in one directory as
zoom-users-api.2026-02.json, zoom-meeting-api.2023-10.json and zoom-phone-api.2024-12-27.json
(the dates are those of the versions the checked-in output was made from: users February 2026,
meetings October 2023, phone December 2024), then run from the repository root:

    python3 tools/extract-zoom-schemas.py DIR > src/write_back/validate/zoom_schemas.json
    python3 tools/extract-zoom-schemas.py --responses DIR \
        > crates/zoom-simulator/src/tests/zoom_response_schemas.json

The first mode writes the request schemas of the calls a write-back row can make: for each
operation the request body schema and the query parameters, trimmed to the keywords the
validator reads, with the corrections listed in CORRECTIONS below.

`--responses` also reads Zoom's Team Chat description
(https://developers.zoom.us/docs/api/team-chat/, saved in the same directory as
zoom-team-chat-api.2026-02-07.json, the February 2026 version) and writes, for every operation
the client calls and the recording writes the simulator serves, the body schema of each success
(200/201/204; `null` where Zoom documents no body) and the Zoom error codes each error status
lists, with the corrections in RESPONSE_CORRECTIONS, plus the error body schema, which is ours
(Zoom's OpenAPI gives none). The simulator's tests check its answers against them.

`--webhooks` writes the payload schema of each user and Team Chat message event the simulator
sends, from Zoom's published webhooks descriptions (the events of
https://developers.zoom.us/docs/api/users/events/, saved in the same directory as
zoom-users-webhooks.2026-02.json, the February 2026 version, and of
https://developers.zoom.us/docs/api/team-chat/events/, saved as
zoom-team-chat-webhooks.2026-02-07.json, the February 2026 version):

    python3 tools/extract-zoom-schemas.py --webhooks DIR \
        > crates/zoom-simulator/src/tests/zoom_webhook_schemas.json

It keeps `additionalProperties`, which Zoom sets on these payloads, where the other modes refuse it.
The simulator's tests check the events it delivers against them.

Every mode stops on anything it does not know how to carry over ($ref, oneOf, anyOf, and
allOf in a request), so a newer spec forces a decision instead of a silent gap.
"""

import json
import re
import sys
from pathlib import Path

USERS = "zoom-users-api.2026-02.json"
MEETINGS = "zoom-meeting-api.2023-10.json"
PHONE = "zoom-phone-api.2024-12-27.json"
# Team Chat (https://developers.zoom.us/docs/api/team-chat/), the February 2026 version.
CHAT = "zoom-team-chat-api.2026-02-07.json"

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

# The reads the client makes; with OPERATIONS, every operation `Endpoint::operation` names.
READS = {
    "users": (USERS, "/users", "get"),
    "user": (USERS, "/users/{userId}", "get"),
    "meetings": (MEETINGS, "/users/{userId}/meetings", "get"),
    "meeting": (MEETINGS, "/meetings/{meetingId}", "get"),
    "meetingInvitation": (MEETINGS, "/meetings/{meetingId}/invitation", "get"),
    "pastMeetingDetails": (MEETINGS, "/past_meetings/{meetingId}", "get"),
    "pastMeetings": (MEETINGS, "/past_meetings/{meetingId}/instances", "get"),
    "pastMeetingParticipants": (MEETINGS, "/past_meetings/{meetingId}/participants", "get"),
    "pastWebinars": (MEETINGS, "/past_webinars/{webinarId}/instances", "get"),
    "listWebinarParticipants": (MEETINGS, "/past_webinars/{webinarId}/participants", "get"),
    "meetingRegistrants": (MEETINGS, "/meetings/{meetingId}/registrants", "get"),
    "meetingRegistrantGet": (MEETINGS, "/meetings/{meetingId}/registrants/{registrantId}", "get"),
    "webinars": (MEETINGS, "/users/{userId}/webinars", "get"),
    "webinar": (MEETINGS, "/webinars/{webinarId}", "get"),
    "webinarRegistrants": (MEETINGS, "/webinars/{webinarId}/registrants", "get"),
    "webinarRegistrantGet": (MEETINGS, "/webinars/{webinarId}/registrants/{registrantId}", "get"),
    "recordingsList": (MEETINGS, "/users/{userId}/recordings", "get"),
    "phoneUserRecordings": (PHONE, "/phone/users/{userId}/recordings", "get"),
    "getChannels": (CHAT, "/chat/users/{userId}/channels", "get"),
    "listChannelMembers": (CHAT, "/chat/users/{userId}/channels/{channelId}/members", "get"),
    "getChatSessions": (CHAT, "/chat/users/{userId}/sessions", "get"),
    "getChatMessages": (CHAT, "/chat/users/{userId}/messages", "get"),
}

# Answers Zoom describes as a oneOf of alternatives chosen by the query: (operation, status)
# -> the title of the alternative the client's queries get. The sessions listing answers the
# starred-sessions shape only to `search_star`, which the mirror never sends.
ONE_OF_CHOICES = {("getChatSessions", "200"): "search_by_type_timeframe"}

# The recording writes the simulator serves (the mirror does not make them; a `raw` row may).
RECORDING_WRITES = {
    "recordingDelete": (MEETINGS, "/meetings/{meetingId}/recordings", "delete"),
    "recordingStatusUpdate": (MEETINGS, "/meetings/{meetingUUID}/recordings/status", "put"),
}

# `GET /accounts/{accountId}/recordings` is in neither file (it belongs to Zoom's master-account
# reference); Zoom documents its answer with the same shape as List all recordings, so it gets
# that operation's schemas.
ACCOUNT_RECORDINGS = ("ListRecordingsOfAnAccount", "recordingsList")


class Rules:
    """What `trim` carries over: the keywords kept, the formats kept (others, such as int64 or
    password, say nothing a validator can test) and the keywords it refuses."""

    def __init__(self, kept, formats, unsupported):
        self.kept, self.formats, self.unsupported = kept, formats, unsupported


REQUESTS = Rules(
    ["type", "required", "enum", "minLength", "maxLength", "minimum", "maximum", "maxItems",
     "format", "properties", "items"],
    {"email", "date-time"},
    ["$ref", "allOf", "oneOf", "anyOf", "not", "additionalProperties"],
)
# Response schemas go to a JSON Schema validator, which reads allOf itself.
RESPONSES = Rules(
    REQUESTS.kept + ["allOf"],
    {"email", "date-time", "date"},
    ["$ref", "oneOf", "anyOf", "not", "additionalProperties"],
)
# Webhook payloads: as responses, and `additionalProperties: false`, which Zoom's event schemas
# use to say what an event never carries.
WEBHOOKS = Rules(
    RESPONSES.kept + ["additionalProperties"],
    RESPONSES.formats,
    ["$ref", "oneOf", "anyOf", "not"],
)
USER_WEBHOOKS = "zoom-users-webhooks.2026-02.json"
CHAT_WEBHOOKS = "zoom-team-chat-webhooks.2026-02-07.json"
# The events the simulator sends, by the file that describes them.
EVENTS = {
    USER_WEBHOOKS: ["user.created", "user.updated", "user.activated", "user.deactivated",
                    "user.deleted", "user.disassociated"],
    CHAT_WEBHOOKS: ["chat_message.sent", "chat_message.replied", "chat_message.updated",
                    "chat_message.deleted"]
                   + [f"team_chat.{place}_message_{step}" for place in ("channel", "dm")
                      for step in ("posted", "updated", "deleted")],
}
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

# The same for answers: ([(operation, success status)], path, keyword, new value or None to
# delete it, why); `[]` steps into an array's items. The simulator answers as the description
# says, and says so where it builds the answer.
RESPONSE_CORRECTIONS = [
    ([("meeting", "200")], "type", "enum", [1, 2, 3, 4, 8],
     "the description lists `4` - PMI Meeting, which the enum leaves out"),
    ([("meeting", "200"), ("meetingCreate", "201")], "recurrence.weekly_days", "enum", None,
     "the enum lists single days, the description allows a comma-separated list such as \"1,3\""),
    ([("recordingsList", "200")], "meetings[].recording_files[].file_type", "enum", None,
     "a file still being processed is listed with an empty file_type"),
    ([("recordingsList", "200")], "meetings[].recording_files[].status", "enum", None,
     "a file still being processed is not `completed` yet"),
    ([("phoneUserRecordings", "200")], "recordings", "maxItems", None,
     "the array says at most 100, but `page_size` takes up to 300 and a page holds that many"),
]

ERROR_CODE = re.compile(r"\*\*Error Code:\*\*\s*`(\d+)`")

# Zoom's OpenAPI files describe errors in prose only; this is the body Zoom's error reference
# documents. 401 and 429 can answer any call: an invalid or expired token (code 124) and the
# rate limits (code 429, https://developers.zoom.us/docs/api/rate-limits/).
ERROR = {
    "source": "ours, not Zoom's OpenAPI: the error body of "
              "https://developers.zoom.us/docs/api/errors/ (a validation failure adds `errors`), "
              "and the statuses every call can answer",
    "schema": {
        "type": "object",
        "required": ["code", "message"],
        "additionalProperties": False,
        "properties": {
            "code": {"type": "integer"},
            "message": {"type": "string", "minLength": 1},
            "errors": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "required": ["field", "message"],
                    "additionalProperties": False,
                    "properties": {"field": {"type": "string", "minLength": 1},
                                   "message": {"type": "string", "minLength": 1}},
                },
            },
        },
    },
    "every_call": {"401": [124], "429": [429]},
}


def fail(message):
    sys.exit(f"extract-zoom-schemas: {message}")


def exact_integers(description):
    return {int(n) for n in re.findall(r"`(-?\d+)`", description or "")}


def trim(schema, where, rules):
    """The schema with only the keywords `rules` keeps, with Zoom's systematic slips repaired."""
    for keyword in rules.unsupported:
        if keyword in schema:
            fail(f"{where}: `{keyword}` is not carried over; decide how to resolve it")
    if "type" not in schema and "allOf" not in schema:
        fail(f"{where}: no type")
    out = {k: schema[k] for k in rules.kept if k in schema}
    kind = out.get("type")
    if kind == "array" and "maximum" in out:
        # Zoom writes an item count as `maximum` on arrays ("registrants": up to 30).
        out["maxItems"] = out.pop("maximum")
    if kind == "integer":
        # `pmi` carries minLength/maxLength 10 on an integer: a digit count, checked in rules.rs.
        out.pop("minLength", None)
        out.pop("maxLength", None)
        if "enum" in out:
            out["enum"] = [restore(v, schema, where) for v in out["enum"]]
    if "format" in out and out["format"] not in rules.formats:
        del out["format"]
    if not isinstance(out.get("additionalProperties", False), bool):
        fail(f"{where}: a schema for additionalProperties is not carried over")
    if "required" in out and not out["required"]:
        del out["required"]
    if "required" in out:
        # The chat sessions answer names each required key twice.
        out["required"] = list(dict.fromkeys(out["required"]))
    if "properties" in out:
        out["properties"] = {k: trim(v, f"{where}.{k}", rules)
                             for k, v in out["properties"].items()}
    if "items" in out:
        out["items"] = trim(out["items"], f"{where}[]", rules)
    if "allOf" in out:
        out["allOf"] = [trim(part, f"{where}&{i}", rules) for i, part in enumerate(out["allOf"])]
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


def amend(node, name, path, keyword, value, why):
    """Sets `keyword` at `path` (dotted property names; `[]` steps into items) to `value`, or
    deletes it when `value` is None."""
    for step in path.split("."):
        key, items = (step[:-2], True) if step.endswith("[]") else (step, False)
        node = node["properties"][key]
        if items:
            node = node["items"]
    if keyword not in node:
        fail(f"{name}.{path}: the correction of `{keyword}` no longer applies ({why})")
    if value is None:
        del node[keyword]
    else:
        node[keyword] = value


def correct(operations):
    for names, path, keyword, why in CORRECTIONS:
        for name in names:
            amend(operations[name]["body"], name, path, keyword, None, why)


def correct_responses(operations):
    for answers, path, keyword, value, why in RESPONSE_CORRECTIONS:
        for name, status in answers:
            schema = operations[name]["responses"].get(status)
            if schema is None:
                fail(f"{name}: no {status} body to correct ({why})")
            amend(schema, name, path, keyword, value, why)


def lookup(spec, name, path, method):
    op = spec["paths"][path][method]
    if op.get("operationId") != name:
        fail(f"{method.upper()} {path} is {op.get('operationId')}, expected {name}")
    return op


def operation(spec, name, path, method):
    op = lookup(spec, name, path, method)
    out = {}
    query = {p["name"]: trim(p["schema"], f"{name}?{p['name']}", REQUESTS)
             for p in op.get("parameters", []) if p["in"] == "query"}
    if any(p.get("required") for p in op.get("parameters", []) if p["in"] == "query"):
        fail(f"{name}: a required query parameter is not supported")
    if query:
        out["query"] = query
    body = op.get("requestBody")
    if body:
        out["body"] = trim(body["content"]["application/json"]["schema"], name, REQUESTS)
        clash = set(query) & set(out["body"].get("properties", {}))
        if clash:
            fail(f"{name}: {sorted(clash)} are both query parameters and body keys")
    return out


def answers(spec, name, path, method):
    """The success bodies by status (`None`: no body), and the Zoom error codes each error
    status's description lists (empty when it lists none)."""
    op = lookup(spec, name, path, method)
    responses, errors = {}, {}
    for status, response in op["responses"].items():
        if not status.isdigit():
            fail(f"{name}: response `{status}` is not a status code")
        if 200 <= int(status) < 300:
            content = response.get("content", {}).get("application/json")
            schema = content and choose(content["schema"], name, status)
            responses[status] = (trim(schema, f"{name} {status}", RESPONSES)
                                 if content else None)
        else:
            codes = ERROR_CODE.findall(response.get("description", ""))
            errors[status] = sorted({int(c) for c in codes})
    if not responses:
        fail(f"{name}: no success documented")
    return {"method": method.upper(), "path": path, "responses": responses, "errors": errors}


def choose(schema, name, status):
    """The alternative ONE_OF_CHOICES names where Zoom's answer is a oneOf; the schema as it is
    elsewhere."""
    if "oneOf" not in schema:
        return schema
    title = ONE_OF_CHOICES.get((name, status))
    chosen = [s for s in schema["oneOf"] if s.get("title") == title]
    if len(chosen) != 1:
        fail(f"{name} {status}: a oneOf without a chosen alternative (ONE_OF_CHOICES)")
    return chosen[0]


def requests(specs):
    operations = {name: operation(specs[f], name, path, method)
                  for name, (f, path, method) in OPERATIONS.items()}
    correct(operations)
    return {
        "source": f"generated by tools/extract-zoom-schemas.py from {USERS} (users) and "
                  f"{MEETINGS} (meetings, webinars, registrants); do not edit by hand",
        "operations": operations,
    }


def responses(specs):
    called = {**READS, **OPERATIONS, **RECORDING_WRITES}
    operations = {name: answers(specs[f], name, path, method)
                  for name, (f, path, method) in sorted(called.items())}
    correct_responses(operations)
    alias, model = ACCOUNT_RECORDINGS
    operations[alias] = {**operations[model], "path": "/accounts/{accountId}/recordings",
                         "note": f"not in Zoom's files; documented with the answer of {model}"}
    return {
        "source": f"generated by tools/extract-zoom-schemas.py --responses from {USERS} (users), "
                  f"{MEETINGS} (meetings, webinars, registrants, recordings), {PHONE} "
                  f"(phone recordings) and {CHAT} (Team Chat); do not edit by hand",
        "error": ERROR,
        "operations": operations,
    }


def webhooks(specs):
    events = {}
    for file, names in EVENTS.items():
        for event in names:
            op = specs[file]["paths"][event]["post"]
            if op.get("operationId") != event:
                fail(f"{event} is described as {op.get('operationId')}")
            schema = op["requestBody"]["content"]["application/json"]["schema"]
            events[event] = trim(schema, event, WEBHOOKS)
    return {
        "source": f"generated by tools/extract-zoom-schemas.py --webhooks from {USER_WEBHOOKS} "
                  f"(user events) and {CHAT_WEBHOOKS} (Team Chat message events); "
                  "do not edit by hand",
        "events": events,
    }


MODES = {"--responses": (responses, (USERS, MEETINGS, PHONE, CHAT)),
         "--webhooks": (webhooks, tuple(EVENTS))}


def main():
    args = sys.argv[1:]
    mode, files = requests, (USERS, MEETINGS)
    if args[:1] and args[0] in MODES:
        (mode, files), args = MODES[args[0]], args[1:]
    if len(args) != 1:
        fail("usage: extract-zoom-schemas.py [--responses | --webhooks] "
             "<directory of Zoom's OpenAPI files>")
    directory = Path(args[0])
    specs = {f: json.loads((directory / f).read_text()) for f in files}
    json.dump(mode(specs), sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
