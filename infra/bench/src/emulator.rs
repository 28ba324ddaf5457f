//! A Lambda Runtime API emulator (the HTTP interface a custom runtime such as `lambda_runtime`
//! polls, <https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html>), for the `lambda`
//! part of `make bench`: the function's real binary runs as a child process pointed at it with
//! `AWS_LAMBDA_RUNTIME_API`, and the bench hands it events one at a time.
//!
//! - `GET  /2018-06-01/runtime/invocation/next`: waits for the next event; answers it with the
//!   headers `Lambda-Runtime-Aws-Request-Id`, `-Deadline-Ms`, `-Invoked-Function-Arn`, `-Trace-Id`;
//! - `POST /2018-06-01/runtime/invocation/{id}/response` and `.../{id}/error`: the outcome;
//! - `POST /2018-06-01/runtime/init/error`: the function could not start.
//!
//! Loopback only; one invocation at a time, as Lambda gives one execution environment.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tokio::sync::{mpsc, oneshot, watch};

/// What the function answered to one event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// `POST .../{id}/response`: the payload.
    Response(Bytes),
    /// `POST .../{id}/error`: the error document (and `Lambda-Runtime-Function-Error-Type`).
    Error { kind: String, body: Bytes },
}

struct Invocation {
    id: String,
    event: Bytes,
    reply: oneshot::Sender<Outcome>,
}

struct Shared {
    function_arn: String,
    timeout: Duration,
    /// The events waiting for the runtime's next `/next`.
    queue: tokio::sync::Mutex<mpsc::Receiver<Invocation>>,
    /// The invocations handed out and not yet answered, by request id.
    pending: Mutex<HashMap<String, oneshot::Sender<Outcome>>>,
    /// How many `/next` polls arrived since the start (a new process's first one ends its init).
    polls: watch::Sender<u64>,
    /// The body of `/runtime/init/error`, if the function reported one.
    init_error: Mutex<Option<String>>,
}

/// A running emulator; stops when dropped.
pub struct Emulator {
    address: std::net::SocketAddr,
    shared: Arc<Shared>,
    sender: mpsc::Sender<Invocation>,
    server: Option<tokio::task::JoinHandle<()>>,
    next_id: std::sync::atomic::AtomicU64,
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(server) = &self.server {
            server.abort();
        }
    }
}

const PREFIX: &str = "/2018-06-01/runtime";

impl Emulator {
    /// Listens on `127.0.0.1:port` (0: any free port). `timeout` is the function's (the
    /// deadline handed to the runtime), `function_arn` what it is told it runs as.
    pub async fn start(port: u16, function_arn: &str, timeout: Duration) -> Result<Self, String> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .map_err(|e| format!("emulator: cannot listen on 127.0.0.1:{port}: {e}"))?;
        let address = listener.local_addr().map_err(|e| e.to_string())?;
        let (sender, receiver) = mpsc::channel(1);
        let shared = Arc::new(Shared {
            function_arn: function_arn.to_string(),
            timeout,
            queue: tokio::sync::Mutex::new(receiver),
            pending: Mutex::new(HashMap::new()),
            polls: watch::channel(0).0,
            init_error: Mutex::new(None),
        });
        let router = axum::Router::new()
            .route(&format!("{PREFIX}/invocation/next"), get(next))
            .route(
                &format!("{PREFIX}/invocation/{{id}}/response"),
                post(response),
            )
            .route(&format!("{PREFIX}/invocation/{{id}}/error"), post(error))
            .route(&format!("{PREFIX}/init/error"), post(init_error))
            .with_state(shared.clone());
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Ok(Self {
            address,
            shared,
            sender,
            server: Some(server),
            next_id: std::sync::atomic::AtomicU64::new(1),
        })
    }

    /// Stops listening, and waits until the port is free again (the next process's emulator
    /// may take the same port).
    pub async fn stop(mut self) {
        if let Some(server) = self.server.take() {
            server.abort();
            let _ = server.await;
        }
    }

    /// The value of `AWS_LAMBDA_RUNTIME_API` for the function's process.
    pub fn runtime_api(&self) -> String {
        self.address.to_string()
    }

    /// The number of `/next` polls so far; pass it to [`Emulator::wait_for_poll`].
    pub fn polls(&self) -> u64 {
        *self.shared.polls.borrow()
    }

    /// Waits until a `/next` poll beyond the first `seen` ones arrives (a new process polling
    /// for the first time: its init is over), or `limit` passes.
    pub async fn wait_for_poll(&self, seen: u64, limit: Duration) -> Result<(), String> {
        let mut polls = self.shared.polls.subscribe();
        let polled = tokio::time::timeout(limit, polls.wait_for(|n| *n > seen))
            .await
            .map(|r| r.is_ok());
        match polled {
            Ok(true) => Ok(()),
            Ok(false) => Err("emulator stopped".into()),
            Err(_) => Err(format!("no /next poll within {limit:?}")),
        }
    }

    /// The `/runtime/init/error` the function reported, if any (taken).
    pub fn take_init_error(&self) -> Option<String> {
        self.shared
            .init_error
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
    }

    /// Hands `event` to the function and waits for its outcome (at most `limit`).
    pub async fn invoke(&self, event: Bytes, limit: Duration) -> Result<Outcome, String> {
        let id = format!(
            "bench-{:08}",
            self.next_id
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        );
        let (reply, outcome) = oneshot::channel();
        self.sender
            .send(Invocation {
                id: id.clone(),
                event,
                reply,
            })
            .await
            .map_err(|_| "emulator stopped".to_string())?;
        match tokio::time::timeout(limit, outcome).await {
            Ok(Ok(outcome)) => Ok(outcome),
            Ok(Err(_)) => Err(format!("invocation {id} dropped")),
            Err(_) => Err(format!("invocation {id}: no answer within {limit:?}")),
        }
    }
}

fn header(value: &str) -> HeaderValue {
    HeaderValue::from_str(value).unwrap_or_else(|_| HeaderValue::from_static("invalid"))
}

async fn next(State(shared): State<Arc<Shared>>) -> Response {
    shared.polls.send_modify(|n| *n += 1);
    // One poller at a time (one execution environment); it waits here for the next event.
    let invocation = shared.queue.lock().await.recv().await;
    let Some(invocation) = invocation else {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    };
    let deadline = SystemTime::now()
        .checked_add(shared.timeout)
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| d.as_millis())
        .unwrap_or_default();
    shared
        .pending
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(invocation.id.clone(), invocation.reply);
    let mut headers = HeaderMap::new();
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    headers.insert("lambda-runtime-aws-request-id", header(&invocation.id));
    headers.insert("lambda-runtime-deadline-ms", header(&deadline.to_string()));
    headers.insert(
        "lambda-runtime-invoked-function-arn",
        header(&shared.function_arn),
    );
    headers.insert(
        "lambda-runtime-trace-id",
        header(&format!(
            "Root=1-{:08x}-{:0>24};Parent={:0>16};Sampled=0",
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or_default(),
            invocation.id.trim_start_matches("bench-"),
            "1"
        )),
    );
    (StatusCode::OK, headers, invocation.event).into_response()
}

fn finish(shared: &Shared, id: &str, outcome: Outcome) -> StatusCode {
    let reply = shared
        .pending
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .remove(id);
    match reply {
        Some(reply) => {
            let _ = reply.send(outcome);
            StatusCode::ACCEPTED
        }
        // Lambda answers 400 to an unknown or already answered request id.
        None => StatusCode::BAD_REQUEST,
    }
}

async fn response(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    body: Bytes,
) -> StatusCode {
    finish(&shared, &id, Outcome::Response(body))
}

async fn error(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let kind = headers
        .get("lambda-runtime-function-error-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("Unhandled")
        .to_string();
    finish(&shared, &id, Outcome::Error { kind, body })
}

async fn init_error(State(shared): State<Arc<Shared>>, body: Bytes) -> StatusCode {
    *shared.init_error.lock().unwrap_or_else(|e| e.into_inner()) =
        Some(String::from_utf8_lossy(&body).into_owned());
    StatusCode::ACCEPTED
}

/// The emulator's own round trip: a minimal runtime in this process (one HTTP/1.1 connection,
/// as `lambda_runtime` keeps) answers each event with itself; the time from handing the event
/// over to receiving the answer, `rounds` times. The floor under every warm figure.
pub async fn floor(port: u16, rounds: usize) -> Result<Vec<Duration>, String> {
    let emulator = Emulator::start(
        port,
        "arn:aws:lambda:us-east-1:000000000000:function:floor",
        Duration::from_secs(10),
    )
    .await?;
    let api = emulator.runtime_api();
    let runtime = tokio::spawn(async move {
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(1)
            .build()
            .map_err(|e| e.to_string())?;
        loop {
            let next = client
                .get(format!("http://{api}{PREFIX}/invocation/next"))
                .send()
                .await
                .map_err(|e| e.to_string())?;
            let id = next
                .headers()
                .get("lambda-runtime-aws-request-id")
                .and_then(|v| v.to_str().ok())
                .ok_or("no request id")?
                .to_string();
            let event = next.bytes().await.map_err(|e| e.to_string())?;
            client
                .post(format!("http://{api}{PREFIX}/invocation/{id}/response"))
                .body(event)
                .send()
                .await
                .map_err(|e| e.to_string())?;
        }
        #[allow(unreachable_code)]
        Ok::<(), String>(())
    });
    let event = Bytes::from_static(br#"{"ping":true}"#);
    let mut times = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let started = Instant::now();
        let outcome = emulator
            .invoke(event.clone(), Duration::from_secs(10))
            .await?;
        times.push(started.elapsed());
        if outcome != Outcome::Response(event.clone()) {
            runtime.abort();
            emulator.stop().await;
            return Err(format!("floor: unexpected outcome {outcome:?}"));
        }
    }
    runtime.abort();
    // The port is free again for the functions' emulators.
    emulator.stop().await;
    Ok(times)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    /// A real `lambda_runtime` function (the crate every function's binary uses) served by the
    /// emulator: events reach its handler with their context, answers and errors come back,
    /// an answer to an unknown request id is refused.
    #[tokio::test]
    async fn a_lambda_runtime_function_runs_against_the_emulator() {
        let port = std::env::var("LAMBDA_EMULATOR_PORT")
            .ok()
            .and_then(|p| p.parse().ok())
            .unwrap_or(0);
        let arn = "arn:aws:lambda:us-east-1:000000000000:function:echo";
        let emulator = Emulator::start(port, arn, Duration::from_secs(30))
            .await
            .unwrap();
        // SAFETY: this test is its process's only one (nextest), set before the runtime reads them.
        unsafe {
            std::env::set_var("AWS_LAMBDA_RUNTIME_API", emulator.runtime_api());
            std::env::set_var("AWS_LAMBDA_FUNCTION_NAME", "echo");
            std::env::set_var("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128");
            std::env::set_var("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        }
        let polls = emulator.polls();
        let function = tokio::spawn(lambda_runtime::run(lambda_runtime::service_fn(
            |event: lambda_runtime::LambdaEvent<Value>| async move {
                if event.payload["fail"] == json!(true) {
                    return Err(lambda_runtime::Error::from("asked to fail"));
                }
                Ok::<Value, lambda_runtime::Error>(json!({
                    "echo": event.payload,
                    "request_id": event.context.request_id,
                    "arn": event.context.invoked_function_arn,
                    "deadline_ahead": event.context.deadline > 0,
                }))
            },
        )));
        emulator
            .wait_for_poll(polls, Duration::from_secs(30))
            .await
            .expect("the runtime polls /next once it is up");

        for n in 0..3 {
            let outcome = emulator
                .invoke(
                    Bytes::from(json!({"n": n}).to_string()),
                    Duration::from_secs(30),
                )
                .await
                .unwrap();
            let Outcome::Response(body) = outcome else {
                panic!("expected a response, got {outcome:?}");
            };
            let body: Value = serde_json::from_slice(&body).unwrap();
            assert_eq!(body["echo"], json!({"n": n}));
            assert_eq!(body["arn"], arn);
            assert_eq!(body["deadline_ahead"], true);
            assert!(body["request_id"].as_str().unwrap().starts_with("bench-"));
        }
        let failed = emulator
            .invoke(
                Bytes::from(json!({"fail": true}).to_string()),
                Duration::from_secs(30),
            )
            .await
            .unwrap();
        let Outcome::Error { body, .. } = failed else {
            panic!("expected an error, got {failed:?}");
        };
        assert!(String::from_utf8_lossy(&body).contains("asked to fail"));
        assert!(emulator.take_init_error().is_none());

        // An answer for a request nobody is waiting for.
        let stray = reqwest::Client::new()
            .post(format!(
                "http://{}{PREFIX}/invocation/nobody/response",
                emulator.runtime_api()
            ))
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(stray.status(), 400);
        function.abort();

        // A function that cannot start says so.
        let reported = reqwest::Client::new()
            .post(format!(
                "http://{}{PREFIX}/init/error",
                emulator.runtime_api()
            ))
            .body(r#"{"errorMessage":"no table"}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(reported.status(), 202);
        assert!(emulator.take_init_error().unwrap().contains("no table"));
        emulator.stop().await;

        // The floor: the emulator's own round trip, through the same port once it is free.
        assert_eq!(floor(port, 3).await.unwrap().len(), 3);
    }
}
