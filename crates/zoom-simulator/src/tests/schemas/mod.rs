//! Every answer the simulator gives on the routes the client uses (and the recording writes it
//! serves for tests: trash, delete, recover), successes and errors, checked
//! against what Zoom publishes for that operation: the response schemas of its OpenAPI files
//! (extracted into `zoom_response_schemas.json`), the error statuses and codes they list, and
//! the error body of Zoom's error reference. What the simulator answers beyond them on purpose
//! is in [`EXTRAS`], each with its reason.
//!
//! One test drives all routes, so that it can also tell that each was driven: every operation
//! answered at least one success and one error, and every extra was needed.
//!
//! Behaviour Zoom documents in prose rather than in schemas (page tokens lasting 15 minutes,
//! double-encoded UUIDs, the month window of the recording listings) is kept as the simulator
//! has it and tested beside it; where the prose contradicts a schema, the tool's corrections
//! say which one the simulator follows. `GET /accounts/{accountId}/recordings` is in neither of
//! Zoom's files: Zoom documents its answer with the shape of List all recordings
//! (`recordingsList`), whose schema it is checked against. The Team Chat sessions listing is
//! checked against the alternative of its answer that a query without `search_star` gets.

mod changes;
mod chat;
mod contract;
mod reads;
mod refusals;

use std::collections::HashSet;

use reqwest::Method;
use serde_json::Value;

use super::*;
use contract::{CONTRACT, Extra};
use zoom_api::plan::Plan;

const EXTRAS: &[Extra] = &[
    Extra {
        endpoint: None,
        status: 400,
        code: Some(4711),
        why: "a token without the call's scope, which any call can meet; Zoom's error \
              reference lists this family (\"does not contain scopes\") under 4700",
    },
    Extra {
        endpoint: None,
        status: 400,
        code: Some(300),
        why: "an invalid query parameter, body field or body, or an invalid or expired \
              next_page_token (each listing documents its tokens as lasting 15 minutes): 300 is \
              Zoom's validation code on any call, its error reference shows the `errors` added",
    },
    Extra {
        endpoint: Some(Endpoint::UpdateUserStatus),
        status: 400,
        code: Some(1120),
        why: "a pending user (an invitation) cannot be (de)activated; 1120 is Zoom's code for \
              a user who is only an invitation on the other user calls",
    },
    Extra {
        endpoint: Some(Endpoint::ListMeetingRegistrants),
        status: 300,
        code: Some(300),
        why: "a meeting without registration: a literal HTTP 300 with code 300, as the \
              simulator has answered it (Zoom's file documents no answer for this case; the \
              message tells it from an expired page token)",
    },
    Extra {
        endpoint: Some(Endpoint::ListWebinarRegistrants),
        status: 300,
        code: Some(300),
        why: "a webinar without registration, answered as the meeting listing answers it",
    },
    Extra {
        endpoint: Some(Endpoint::ListMeetingRegistrants),
        status: 404,
        code: Some(3001),
        why: "no such meeting: 3001 as on the meeting's own calls and Zoom's batch registration \
              call (the listing documents only 1001, for the meeting's host)",
    },
    Extra {
        endpoint: Some(Endpoint::GetMeetingRegistrant),
        status: 404,
        code: Some(3001),
        why: "no such meeting, as on the meeting's own calls",
    },
    Extra {
        endpoint: Some(Endpoint::CreateMeetingRegistrant),
        status: 404,
        code: Some(3001),
        why: "no such meeting, as on the meeting's own calls",
    },
    Extra {
        endpoint: Some(Endpoint::UpdateMeetingRegistrantStatus),
        status: 404,
        code: Some(3001),
        why: "no such meeting, as on the meeting's own calls",
    },
    Extra {
        endpoint: Some(Endpoint::GetMeetingInvitation),
        status: 404,
        code: Some(3001),
        why: "no such meeting, as on the meeting's own calls (the invitation documents only \
              3161)",
    },
    Extra {
        endpoint: Some(Endpoint::GetMeetingRegistrant),
        status: 404,
        code: Some(404),
        why: "no such registrant; Zoom documents no answer for it, and a 404 is what a client \
              must take as \"not there\"",
    },
    Extra {
        endpoint: Some(Endpoint::GetWebinarRegistrant),
        status: 404,
        code: Some(404),
        why: "no such registrant, as for meetings",
    },
    Extra {
        endpoint: Some(Endpoint::CreateMeetingRegistrant),
        status: 404,
        code: Some(404),
        why: "registration is off: Zoom documents 404 with code 404 \"Registration has not been \
              enabled for this meeting\" on its batch registration call",
    },
    Extra {
        endpoint: Some(Endpoint::UpdateMeetingRegistrantStatus),
        status: 404,
        code: Some(404),
        why: "registration is off, as when registering",
    },
    Extra {
        endpoint: Some(Endpoint::UpdateWebinarRegistrantStatus),
        status: 400,
        code: Some(3000),
        why: "registration is off: the code webinarRegistrantCreate documents for it",
    },
    Extra {
        endpoint: Some(Endpoint::ListWebinars),
        status: 400,
        code: Some(200),
        why: "a host without the webinar plan: the answer webinarCreate documents for it",
    },
    Extra {
        endpoint: Some(Endpoint::ListAccountRecordings),
        status: 400,
        code: Some(200),
        why: "an account without the master-account plan; Zoom documents no answer, this is its \
              usual \"no permission\"",
    },
    Extra {
        endpoint: Some(Endpoint::ListPhoneUserRecordings),
        status: 403,
        code: Some(2031),
        why: "an account without Zoom Phone: Zoom's Phone reference says such an account gets a \
              403 and names the message, not the code; 2031 is the code Zoom's forum gives",
    },
    Extra {
        endpoint: Some(Endpoint::ListUserChannels),
        status: 404,
        code: Some(1001),
        why: "no such user: Zoom documents only the page token's 400 for this listing; 1001 is \
              what the other Team Chat calls on a user (sessions, messages) answer for one",
    },
    Extra {
        endpoint: Some(Endpoint::ListChannelMembers),
        status: 404,
        code: Some(1001),
        why: "no such user: Zoom documents only 400 (codes 200 and 300) for this listing; 1001 \
              is what the other Team Chat calls on a user (sessions, messages) answer for one",
    },
    Extra {
        endpoint: Some(Endpoint::ListChannelMembers),
        status: 404,
        code: Some(4130),
        why: "no such channel: the code Zoom's other calls on one channel (get, update, delete) \
              document for it",
    },
    Extra {
        endpoint: Some(Endpoint::ListAccountRecordings),
        status: 400,
        code: Some(1010),
        why: "another account's id; Zoom documents no answer, this is its \"does not belong to \
              this account\"",
    },
];

/// What the checks found, across the simulators one test starts.
#[derive(Default)]
struct Report {
    problems: Vec<String>,
    /// Operations that answered a success, and an error.
    succeeded: HashSet<Endpoint>,
    failed: HashSet<Endpoint>,
    extras_used: HashSet<usize>,
}

impl Report {
    fn check(&mut self, endpoint: Endpoint, call: &str, status: u16, body: &[u8]) {
        let (problems, extra) = CONTRACT.check(endpoint, status, body, EXTRAS);
        self.problems.extend(
            problems
                .into_iter()
                .map(|p| format!("{endpoint} ({call}) answered {status}: {p}")),
        );
        self.extras_used.extend(extra);
        if (200..300).contains(&status) {
            self.succeeded.insert(endpoint);
        } else {
            self.failed.insert(endpoint);
        }
    }

    fn finish(self) {
        for endpoint in Endpoint::ALL.into_iter().filter(|e| *e != Endpoint::Raw) {
            assert!(self.succeeded.contains(&endpoint), "{endpoint}: no success");
            assert!(self.failed.contains(&endpoint), "{endpoint}: no error");
        }
        for (i, extra) in EXTRAS.iter().enumerate() {
            assert!(
                self.extras_used.contains(&i),
                "never answered, so not needed: {} {:?} ({})",
                extra.status,
                extra.code,
                extra.why
            );
        }
        assert!(
            self.problems.is_empty(),
            "{} answers differ from Zoom's documentation:\n{}",
            self.problems.len(),
            self.problems.join("\n")
        );
    }
}

/// Calls on one simulator, each answer checked into the report.
struct Probe<'a> {
    f: &'a Fixture,
    token: String,
    report: &'a mut Report,
}

impl<'a> Probe<'a> {
    async fn new(f: &'a Fixture, report: &'a mut Report) -> Probe<'a> {
        let token = f.token().await;
        Probe { f, token, report }
    }

    fn handle(&self) -> SimHandle {
        self.f.sim.handle()
    }

    /// Sends the call and checks the answer, which must have status `expect`. A per-second 429
    /// that was not asked for (the test outruns the account's limit) is checked too, then the
    /// call is sent again a second later. The body, `Null` when empty.
    async fn call(
        &mut self,
        endpoint: Endpoint,
        method: Method,
        path: &str,
        body: Option<Value>,
        expect: u16,
    ) -> Value {
        let call = format!("{method} {path}");
        loop {
            let mut request = self
                .f
                .http
                .request(method.clone(), self.f.api(path))
                .bearer_auth(&self.token);
            if let Some(body) = &body {
                request = request.json(body);
            }
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let qps = header(&response, "x-ratelimit-type") == Some("QPS");
            let bytes = response.bytes().await.unwrap();
            self.report.check(endpoint, &call, status, &bytes);
            if status == 429 && qps && expect != 429 {
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
            assert_eq!(
                status,
                expect,
                "{call}: {}",
                String::from_utf8_lossy(&bytes)
            );
            return serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        }
    }

    async fn get(&mut self, endpoint: Endpoint, path: &str, expect: u16) -> Value {
        self.call(endpoint, Method::GET, path, None, expect).await
    }

    /// Every page of a token listing, from `first` (a path with a query); how many there were.
    async fn token_pages(&mut self, endpoint: Endpoint, first: &str) -> usize {
        let mut path = first.to_owned();
        let mut pages = 0;
        loop {
            let page = self.get(endpoint, &path, 200).await;
            pages += 1;
            match page["next_page_token"].as_str() {
                Some(next) if !next.is_empty() => path = format!("{first}&next_page_token={next}"),
                _ => return pages,
            }
        }
    }

    /// The first page's token, presented after it expired.
    async fn expired_token(&mut self, endpoint: Endpoint, first: &str) {
        let page = self.get(endpoint, first, 200).await;
        let next = page["next_page_token"].as_str().unwrap().to_owned();
        assert!(!next.is_empty(), "{first}: one page only");
        self.handle().expire_page_tokens();
        self.get(endpoint, &format!("{first}&next_page_token={next}"), 400)
            .await;
    }
}

fn account() -> SimulatorConfig {
    SimulatorConfig {
        account: AccountSpec {
            users: 30,
            seed: 11,
            meetings_per_user: 5,
            registrants_per_meeting: 6,
            webinars_per_user: 3,
            webinar_host_percent: 50,
            recordings_per_user: 3,
            ..AccountSpec::default()
        },
        plan: Plan::BusinessPlus,
        ..SimulatorConfig::default()
    }
}

#[tokio::test]
async fn every_answer_on_the_clients_routes_is_as_zoom_documents_it() {
    let mut report = Report::default();
    let f = Fixture::start(account()).await;
    let mut probe = Probe::new(&f, &mut report).await;
    reads::users(&mut probe).await;
    reads::meetings(&mut probe).await;
    reads::invitations(&mut probe).await;
    reads::past_meetings(&mut probe).await;
    reads::past_participants(&mut probe, SessionKind::Meeting).await;
    reads::past_participants(&mut probe, SessionKind::Webinar).await;
    reads::webinars(&mut probe).await;
    reads::registrants(&mut probe, SessionKind::Meeting).await;
    reads::registrants(&mut probe, SessionKind::Webinar).await;
    reads::recordings(&mut probe).await;
    reads::phone_recordings(&mut probe).await;
    chat::reads(&mut probe).await;
    changes::users(&mut probe).await;
    changes::meetings(&mut probe).await;
    changes::webinars(&mut probe).await;
    changes::registrants(&mut probe, SessionKind::Meeting).await;
    changes::registrants(&mut probe, SessionKind::Webinar).await;
    changes::recordings(&mut probe).await;
    refusals::at_the_gate(&mut probe).await;
    refusals::without_scopes(&mut report).await;
    refusals::without_account_recordings(&mut report).await;
    chat::on_the_free_plan(&mut report).await;
    report.finish();
}
