//! The `lambda` part of `make bench`: cold start, warm latency, peak memory and size of every
//! Lambda function of `template.yaml` (each `Binary` of a `BuildMethod: rust-cargolambda`
//! function, read from the template, so a new function is measured too).
//!
//! For each function its native release binary (built here, one package at a time as `sam
//! build` does, so each links only its own features) runs as a child process under the Runtime
//! API emulator of this crate ([`crate::emulator`]), with the environment the template gives
//! it, pointed at the local test stack: a fresh table, bus and queues, the template's secrets
//! created in moto, the reference ERP simulator as the ERP. It gets its sample events from
//! `events/<package>/` (HTTP samples to the function serving HTTP routes, SQS batches to the
//! queue consumer, scheduled events to the scheduled one), and the bench measures:
//! - 10 cold starts: from spawning the process to its first `/next` poll (`init`), and the
//!   first invocation after each;
//! - 200 warm invocations in the last process (p50, p99), cycling through its samples;
//! - the peak resident memory of that process after them (`VmHWM`);
//! - the size of the arm64 binary `make build` produces (`.aws-sam/build/<Function>/bootstrap`,
//!   cargo-lambda + zig, `infra/scripts/build.sh`) and of the native one.
//!
//! An invocation that returns an error, an HTTP answer of 5xx or an SQS batch with failed
//! items stops the part: error paths are never measured by accident. Figures go to
//! `target/bench/results.json` as `lambda_<function>_*` (snake_case), with the emulator's own
//! round trip (`lambda_emulator_floor_ms`) measured in the same run.
//!
//! `LAMBDA_BENCH_PORT` (default 0, any free port): the emulator listens there and the ERP
//! simulator on the next port. `LAMBDA_BENCH_ARM64=skip` leaves out the arm64 build and sizes,
//! `LAMBDA_BENCH_FUNCTIONS=catalog,notifications` measures only those binaries (quicker local
//! iterations; `make bench` builds and measures everything).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use serde_json::{json, Value};
use serde_yaml::Value as Yaml;
use shared::testing::TestEnv;

use super::{percentile, write_results};
use crate::emulator::{Emulator, Outcome};

const COLD_STARTS: usize = 10;
const WARM: usize = 200;
/// Limits that only stop a hung run: no figure depends on them.
const INIT_LIMIT: Duration = Duration::from_secs(30);
const INVOKE_LIMIT: Duration = Duration::from_secs(60);

/// The ERP key the erp-sync samples present (`events/erp-sync/*`): the bench's ERP keys secret
/// carries it as the inbound key, as the deployer would set the ERP's.
const SAMPLE_ERP_API_KEY: &str = "sample-erp-api-key";

fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// One function of the template.
#[derive(Debug, Clone)]
struct Function {
    logical_id: String,
    binary: String,
    /// The package's folder (`CodeUri`) and its Cargo package name.
    code_uri: String,
    package: String,
    memory_mb: u64,
    timeout_s: u64,
    /// The template's variables, still unresolved (`!Ref` and the like).
    environment: Vec<(String, Yaml)>,
    /// The types of its events (`HttpApi`, `SQS`, `Schedule`).
    event_types: Vec<String>,
}

impl Function {
    /// `expire-orders` -> `expire_orders`: the results' key.
    fn key(&self) -> String {
        self.binary.replace('-', "_")
    }
}

fn yaml_str<'a>(v: &'a Yaml, path: &[&str]) -> Option<&'a str> {
    let mut cur = v;
    for p in path {
        cur = cur.get(*p)?;
    }
    cur.as_str()
}

fn yaml_u64(v: &Yaml, path: &[&str]) -> Option<u64> {
    let mut cur = v;
    for p in path {
        cur = cur.get(*p)?;
    }
    cur.as_u64()
}

fn variables(v: Option<&Yaml>) -> Vec<(String, Yaml)> {
    v.and_then(|v| v.get("Environment"))
        .and_then(|e| e.get("Variables"))
        .and_then(|m| m.as_mapping())
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some((k.as_str()?.to_string(), v.clone())))
                .collect()
        })
        .unwrap_or_default()
}

fn package_name(code_uri: &str) -> Result<String, String> {
    let manifest = root().join(code_uri).join("Cargo.toml");
    let text =
        std::fs::read_to_string(&manifest).map_err(|e| format!("{}: {e}", manifest.display()))?;
    let mut in_package = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if in_package {
            if let Some(name) = line.strip_prefix("name") {
                let name = name.trim_start().trim_start_matches('=').trim();
                return Ok(name.trim_matches('"').to_string());
            }
        }
    }
    Err(format!("{}: no [package] name", manifest.display()))
}

/// The template, and its Rust functions (in template order).
fn template() -> Result<(Yaml, Vec<Function>), String> {
    let path = root().join("template.yaml");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let t: Yaml = serde_yaml::from_str(&text).map_err(|e| format!("template.yaml: {e}"))?;
    let globals = t.get("Globals").and_then(|g| g.get("Function"));
    let global_memory = globals
        .and_then(|g| yaml_u64(g, &["MemorySize"]))
        .unwrap_or(128);
    let global_timeout = globals.and_then(|g| yaml_u64(g, &["Timeout"])).unwrap_or(3);
    let global_env = variables(globals);
    let mut functions = Vec::new();
    let resources = t
        .get("Resources")
        .and_then(|r| r.as_mapping())
        .ok_or("template.yaml has no Resources")?;
    for (id, resource) in resources {
        let Some(id) = id.as_str() else { continue };
        if yaml_str(resource, &["Type"]) != Some("AWS::Serverless::Function")
            || yaml_str(resource, &["Metadata", "BuildMethod"]) != Some("rust-cargolambda")
        {
            continue;
        }
        let binary = yaml_str(resource, &["Metadata", "BuildProperties", "Binary"])
            .ok_or_else(|| format!("{id}: no BuildProperties.Binary"))?;
        let properties = resource.get("Properties");
        let code_uri = properties
            .and_then(|p| yaml_str(p, &["CodeUri"]))
            .ok_or_else(|| format!("{id}: no CodeUri"))?;
        let mut environment = global_env.clone();
        for (k, v) in variables(properties) {
            environment.retain(|(name, _)| *name != k);
            environment.push((k, v));
        }
        let event_types = properties
            .and_then(|p| p.get("Events"))
            .and_then(|e| e.as_mapping())
            .map(|events| {
                events
                    .values()
                    .filter_map(|e| yaml_str(e, &["Type"]).map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        functions.push(Function {
            logical_id: id.to_string(),
            binary: binary.to_string(),
            code_uri: code_uri.to_string(),
            package: package_name(code_uri)?,
            memory_mb: properties
                .and_then(|p| yaml_u64(p, &["MemorySize"]))
                .unwrap_or(global_memory),
            timeout_s: properties
                .and_then(|p| yaml_u64(p, &["Timeout"]))
                .unwrap_or(global_timeout),
            environment,
            event_types,
        });
    }
    // Queue consumers are wired by their own event source mappings (FunctionName: !Ref F).
    for resource in resources.values() {
        if yaml_str(resource, &["Type"]) != Some("AWS::Lambda::EventSourceMapping") {
            continue;
        }
        let target = resource
            .get("Properties")
            .and_then(|p| p.get("FunctionName"))
            .and_then(|n| match n {
                Yaml::Tagged(t) if t.tag == "Ref" => t.value.as_str(),
                _ => None,
            });
        if let Some(f) = functions
            .iter_mut()
            .find(|f| Some(f.logical_id.as_str()) == target)
        {
            f.event_types.push("SQS".into());
        }
    }
    if functions.is_empty() {
        return Err("template.yaml has no rust-cargolambda function".into());
    }
    Ok((t, functions))
}

fn run_command(mut command: std::process::Command, what: &str) -> Result<(), String> {
    let status = command
        .status()
        .map_err(|e| format!("{what}: cannot run: {e}"))?;
    if !status.success() {
        return Err(format!("{what} failed ({status})"));
    }
    Ok(())
}

/// Native release builds, one package at a time (as `sam build` builds each function with its
/// own package's features); cargo reuses what is up to date.
fn build_native(functions: &[Function]) -> Result<(), String> {
    let mut packages: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for f in functions {
        packages.entry(&f.package).or_default().push(&f.binary);
    }
    for (package, binaries) in packages {
        println!(
            "==> lambda: cargo build --release -p {package} ({})",
            binaries.join(", ")
        );
        let mut cargo =
            std::process::Command::new(std::env::var("CARGO").unwrap_or("cargo".into()));
        cargo
            .current_dir(root())
            .args(["build", "--release", "--quiet", "-p", package]);
        for b in binaries {
            cargo.args(["--bin", b]);
        }
        run_command(cargo, &format!("cargo build -p {package}"))?;
    }
    Ok(())
}

fn target_dir() -> PathBuf {
    std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| root().join("target"))
}

fn megabytes(path: &Path) -> Result<f64, String> {
    let len = std::fs::metadata(path)
        .map_err(|e| format!("{}: {e}", path.display()))?
        .len();
    Ok(round2(len as f64 / 1_000_000.0))
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// What the template's `!Ref`s and `!GetAtt`s stand for on the local stack.
struct Stack {
    env: TestEnv,
    /// Logical id -> value of `!Ref` (parameters and resources).
    refs: BTreeMap<String, String>,
}

/// Parameters the bench gives (the others take their defaults).
fn parameter_value(name: &str, erp_url: &str, sender: &str) -> Option<String> {
    match name {
        "ErpBaseUrl" => Some(erp_url.to_string()),
        "SenderEmail" => Some(sender.to_string()),
        _ => None,
    }
}

/// A secret like the template's `GenerateSecretString`: its template with the generated key.
fn generated_secret(id: &str, resource: &Yaml) -> Result<String, String> {
    let props = resource
        .get("Properties")
        .and_then(|p| p.get("GenerateSecretString"))
        .ok_or_else(|| format!("secret {id}: the bench only knows GenerateSecretString"))?;
    let mut value: Value =
        serde_json::from_str(yaml_str(props, &["SecretStringTemplate"]).unwrap_or("{}"))
            .map_err(|e| format!("secret {id}: SecretStringTemplate: {e}"))?;
    let key = yaml_str(props, &["GenerateStringKey"])
        .ok_or_else(|| format!("secret {id}: no GenerateStringKey"))?;
    let length = yaml_u64(props, &["PasswordLength"]).unwrap_or(32) as usize;
    let generated: String = if id == "ErpKeys" && key == "inbound" {
        SAMPLE_ERP_API_KEY.to_string()
    } else {
        let mut s = String::new();
        while s.len() < length {
            s.push_str(&shared::types::new_id());
        }
        s.truncate(length);
        s
    };
    value[key] = json!(generated);
    if id == "ErpKeys" {
        // The key the portal presents to the ERP (the simulator takes any).
        value["outbound"] = json!("bench-outbound-key");
    }
    Ok(value.to_string())
}

impl Stack {
    async fn new(template: &Yaml, erp_url: &str) -> Result<Self, String> {
        let env = TestEnv::new().await;
        // The report-aggregates sample counts an order the consumer reads from the table.
        shared::testing::put_report_sample_order(&env.app).await?;
        let mut refs = BTreeMap::new();
        if let Some(params) = template.get("Parameters").and_then(|p| p.as_mapping()) {
            for (name, p) in params {
                let Some(name) = name.as_str() else { continue };
                let value = parameter_value(name, erp_url, &env.app.config.sender_email)
                    .or_else(|| yaml_str(p, &["Default"]).map(str::to_string));
                if let Some(value) = value {
                    refs.insert(name.to_string(), value);
                }
            }
        }
        let secrets = aws_sdk_secretsmanager::Client::new(&env.sdk);
        let resources = template
            .get("Resources")
            .and_then(|r| r.as_mapping())
            .ok_or("no Resources")?;
        for (id, resource) in resources {
            let Some(id) = id.as_str() else { continue };
            let value = match yaml_str(resource, &["Type"]).unwrap_or_default() {
                "AWS::DynamoDB::Table" => env.names.table.clone(),
                "AWS::Events::EventBus" => env.names.bus.clone(),
                "AWS::SQS::Queue" => match id {
                    "EmailQueue" => env.queues.email_queue_url.clone(),
                    "EmailDeadLetterQueue" => env.queues.email_dlq_url.clone(),
                    "ErpSyncQueue" => env.queues.erp_sync_queue_url.clone(),
                    "ErpSyncDeadLetterQueue" => env.queues.erp_sync_dlq_url.clone(),
                    "ReportsQueue" => env.queues.reports_queue_url.clone(),
                    "ReportsDeadLetterQueue" => env.queues.reports_dlq_url.clone(),
                    // Not provisioned locally; a function naming it fails below, loudly.
                    _ => continue,
                },
                "AWS::SecretsManager::Secret" => secrets
                    .create_secret()
                    .name(format!("{}-{id}", env.names.table))
                    .secret_string(generated_secret(id, resource)?)
                    .send()
                    .await
                    .map_err(|e| format!("moto: create secret {id}: {e:?}"))?
                    .arn
                    .ok_or("moto: a secret without an ARN")?,
                _ => continue,
            };
            refs.insert(id.to_string(), value);
        }
        Ok(Self { env, refs })
    }

    fn resolve(&self, function: &str, name: &str, value: &Yaml) -> Result<String, String> {
        match value {
            Yaml::String(s) => Ok(s.clone()),
            Yaml::Number(n) => Ok(n.to_string()),
            Yaml::Bool(b) => Ok(b.to_string()),
            Yaml::Tagged(t) if t.tag == "Ref" => {
                let id = t.value.as_str().unwrap_or_default();
                self.refs.get(id).cloned().ok_or_else(|| {
                    format!("{function}: {name} = !Ref {id}: the lambda bench does not provide it (infra/bench/src/lambda.rs, Stack::new)")
                })
            }
            other => Err(format!(
                "{function}: {name} = {other:?}: the lambda bench cannot resolve it (infra/bench/src/lambda.rs)"
            )),
        }
    }

    /// The process environment of `f`: Lambda's own variables, the local stack's endpoints and
    /// credentials, and the template's variables.
    fn environment(
        &self,
        f: &Function,
        runtime_api: &str,
    ) -> Result<Vec<(String, String)>, String> {
        let mut vars = vec![
            ("AWS_LAMBDA_RUNTIME_API".into(), runtime_api.to_string()),
            ("AWS_LAMBDA_FUNCTION_NAME".into(), f.logical_id.clone()),
            (
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE".into(),
                f.memory_mb.to_string(),
            ),
            ("AWS_LAMBDA_FUNCTION_VERSION".into(), "$LATEST".into()),
            (
                "AWS_LAMBDA_LOG_GROUP_NAME".into(),
                format!("/aws/lambda/{}", f.logical_id),
            ),
            ("AWS_LAMBDA_LOG_STREAM_NAME".into(), "bench".into()),
            ("_HANDLER".into(), "bootstrap".into()),
            ("TZ".into(), ":UTC".into()),
            ("LANG".into(), "en_US.UTF-8".into()),
        ];
        for name in [
            "AWS_REGION",
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_ENDPOINT_URL",
            "AWS_ENDPOINT_URL_DYNAMODB",
        ] {
            let value = std::env::var(name)
                .map_err(|_| format!("{name} is not set (infra/scripts/bench.sh sets it)"))?;
            vars.push((name.into(), value));
        }
        vars.push((
            "AWS_DEFAULT_REGION".into(),
            std::env::var("AWS_REGION").unwrap_or_default(),
        ));
        for (name, value) in &f.environment {
            vars.push((name.clone(), self.resolve(&f.binary, name, value)?));
        }
        Ok(vars)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Http,
    Sqs,
    Schedule,
}

fn kind_of(event: &Value) -> Option<Kind> {
    if event.get("requestContext").is_some() {
        Some(Kind::Http)
    } else if event.get("Records").is_some() {
        Some(Kind::Sqs)
    } else if event["source"] == "aws.events" && event["detail-type"] == "Scheduled Event" {
        Some(Kind::Schedule)
    } else {
        None
    }
}

fn serves(f: &Function, kind: Kind) -> bool {
    let t = match kind {
        Kind::Http => "HttpApi",
        Kind::Sqs => "SQS",
        Kind::Schedule => "Schedule",
    };
    f.event_types.iter().any(|e| e == t)
}

struct Sample {
    name: String,
    kind: Kind,
    body: Bytes,
}

/// Each function's samples: every file of `events/<package folder>/` goes to the function of
/// that package that takes its kind of event (when two do, the one whose binary the file names).
fn samples(functions: &[Function]) -> Result<BTreeMap<String, Vec<Sample>>, String> {
    let mut out: BTreeMap<String, Vec<Sample>> = BTreeMap::new();
    let mut folders: Vec<&str> = functions.iter().map(|f| f.code_uri.as_str()).collect();
    folders.sort();
    folders.dedup();
    for code_uri in folders {
        let folder = Path::new(code_uri)
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let dir = root().join("events").join(folder);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut files: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        files.sort();
        for path in files {
            let file = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_string();
            let text = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let event: Value = serde_json::from_slice(&text)
                .map_err(|e| format!("events/{folder}/{file}: {e}"))?;
            let kind = kind_of(&event).ok_or_else(|| {
                format!("events/{folder}/{file}: not an HTTP, SQS or scheduled event")
            })?;
            let candidates: Vec<&Function> = functions
                .iter()
                .filter(|f| f.code_uri == code_uri && serves(f, kind))
                .collect();
            let target = match candidates.as_slice() {
                [one] => *one,
                [] => return Err(format!("events/{folder}/{file}: no function of {code_uri} takes a {kind:?} event")),
                several => several
                    .iter()
                    .filter(|f| file.contains(&f.binary) || event.to_string().contains(&format!("/b2b-portal-{}", f.binary)))
                    .max_by_key(|f| f.binary.len())
                    .copied()
                    .ok_or_else(|| format!("events/{folder}/{file}: several functions take it; name the binary in the file name"))?,
            };
            out.entry(target.binary.clone()).or_default().push(Sample {
                name: format!("{folder}/{file}"),
                kind,
                body: Bytes::from(text),
            });
        }
    }
    Ok(out)
}

/// Checks one outcome: an invocation error, a 5xx answer or failed batch items are failures.
/// Answers the HTTP status (HTTP samples).
fn check(function: &str, sample: &Sample, outcome: &Outcome) -> Result<Option<u64>, String> {
    let body = match outcome {
        Outcome::Response(body) => body,
        Outcome::Error { kind, body } => {
            return Err(format!(
                "{function} returned an error for {} ({kind}): {}",
                sample.name,
                String::from_utf8_lossy(body)
            ))
        }
    };
    let value: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    match sample.kind {
        Kind::Http => {
            let status = value["statusCode"].as_u64().ok_or_else(|| {
                format!("{function}: {}: not an HTTP API answer: {}", sample.name, String::from_utf8_lossy(body))
            })?;
            if status >= 500 {
                return Err(format!(
                    "{function}: {} answered {status}: {}",
                    sample.name, value["body"]
                ));
            }
            Ok(Some(status))
        }
        Kind::Sqs => match value["batchItemFailures"].as_array() {
            Some(failures) if !failures.is_empty() => Err(format!(
                "{function}: {}: failed batch items {failures:?} (see target/bench/lambda/{function}.log)",
                sample.name
            )),
            _ => Ok(None),
        },
        Kind::Schedule => Ok(None),
    }
}

/// The peak resident memory of a process, in MiB (`VmHWM` of /proc/<pid>/status).
fn peak_rss_mib(pid: u32) -> Result<f64, String> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .map_err(|e| format!("/proc/{pid}/status: {e}"))?;
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or("no VmHWM")?;
    Ok(round2(kb / 1024.0))
}

struct Figures {
    init_ms: Vec<f64>,
    first_ms: Vec<f64>,
    warm_ms: Vec<f64>,
    rss_mib: f64,
    statuses: BTreeMap<u64, usize>,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Starts the function's process under a fresh emulator; answers when its runtime polls.
async fn cold_start(
    stack: &Stack,
    f: &Function,
    binary: &Path,
    port: u16,
    log: &Path,
) -> Result<(Emulator, tokio::process::Child, Duration), String> {
    let arn = format!(
        "arn:aws:lambda:us-east-1:000000000000:function:{}",
        f.logical_id
    );
    let emulator = Emulator::start(port, &arn, Duration::from_secs(f.timeout_s)).await?;
    let vars = stack.environment(f, &emulator.runtime_api())?;
    let log_file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .map_err(|e| format!("{}: {e}", log.display()))?;
    let err_file = log_file.try_clone().map_err(|e| e.to_string())?;
    let mut command = tokio::process::Command::new(binary);
    command
        .env_clear()
        .envs(vars)
        .current_dir(binary.parent().unwrap_or(Path::new("/")))
        .stdin(Stdio::null())
        .stdout(Stdio::from(log_file))
        .stderr(Stdio::from(err_file))
        .kill_on_drop(true);
    let polls = emulator.polls();
    let started = Instant::now();
    let mut child = command
        .spawn()
        .map_err(|e| format!("{}: {e}", binary.display()))?;
    tokio::select! {
        polled = emulator.wait_for_poll(polls, INIT_LIMIT) => {
            let init = started.elapsed();
            polled.map_err(|e| format!("{}: {e} (log: {})", f.binary, log.display()))?;
            Ok((emulator, child, init))
        }
        exited = child.wait() => Err(format!(
            "{} exited during its init ({}): {} (log: {})",
            f.binary,
            exited.map(|s| s.to_string()).unwrap_or_else(|e| e.to_string()),
            emulator.take_init_error().unwrap_or_default(),
            log.display()
        )),
    }
}

async fn stop(emulator: Emulator, mut child: tokio::process::Child) {
    let _ = child.kill().await;
    emulator.stop().await;
}

async fn measure(
    stack: &Stack,
    f: &Function,
    samples: &[Sample],
    port: u16,
) -> Result<Figures, String> {
    let binary = target_dir().join("release").join(&f.binary);
    let log_dir = target_dir().join("bench").join("lambda");
    std::fs::create_dir_all(&log_dir).map_err(|e| e.to_string())?;
    let log = log_dir.join(format!("{}.log", f.binary));
    let _ = std::fs::remove_file(&log);
    let mut figures = Figures {
        init_ms: Vec::new(),
        first_ms: Vec::new(),
        warm_ms: Vec::new(),
        rss_mib: 0.0,
        statuses: BTreeMap::new(),
    };
    for round in 0..COLD_STARTS {
        let (emulator, child, init) = cold_start(stack, f, &binary, port, &log).await?;
        figures.init_ms.push(ms(init));
        let sample = &samples[round % samples.len()];
        let started = Instant::now();
        let outcome = emulator.invoke(sample.body.clone(), INVOKE_LIMIT).await;
        figures.first_ms.push(ms(started.elapsed()));
        let outcome = outcome.map_err(|e| format!("{}: {e} (log: {})", f.binary, log.display()))?;
        if let Some(status) = check(&f.binary, sample, &outcome)? {
            *figures.statuses.entry(status).or_default() += 1;
        }
        if round + 1 < COLD_STARTS {
            stop(emulator, child).await;
            continue;
        }
        // The last process stays warm.
        for i in 0..WARM {
            let sample = &samples[i % samples.len()];
            let started = Instant::now();
            let outcome = emulator.invoke(sample.body.clone(), INVOKE_LIMIT).await;
            figures.warm_ms.push(ms(started.elapsed()));
            let outcome =
                outcome.map_err(|e| format!("{}: {e} (log: {})", f.binary, log.display()))?;
            if let Some(status) = check(&f.binary, sample, &outcome)? {
                *figures.statuses.entry(status).or_default() += 1;
            }
        }
        let pid = child.id().ok_or("the process is gone")?;
        figures.rss_mib = peak_rss_mib(pid)?;
        stop(emulator, child).await;
    }
    Ok(figures)
}

fn sorted(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_by(|a, b| a.total_cmp(b));
    v
}

pub async fn run() -> Result<(), String> {
    let (template, mut functions) = template()?;
    // Samples go to their function among all of the template's.
    let samples = samples(&functions)?;
    if let Ok(only) = std::env::var("LAMBDA_BENCH_FUNCTIONS") {
        let only: Vec<&str> = only
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        if let Some(unknown) = only
            .iter()
            .find(|o| !functions.iter().any(|f| f.binary == **o))
        {
            return Err(format!(
                "LAMBDA_BENCH_FUNCTIONS: no function {unknown} in template.yaml"
            ));
        }
        functions.retain(|f| only.contains(&f.binary.as_str()));
    }
    build_native(&functions)?;
    let arm64 = std::env::var("LAMBDA_BENCH_ARM64").map_or(true, |v| v != "skip");
    if arm64 {
        println!("==> lambda: make build (arm64: sam build, cargo-lambda + zig)");
        let mut build = std::process::Command::new(root().join("infra/scripts/build.sh"));
        build.current_dir(root());
        run_command(build, "infra/scripts/build.sh")?;
    } else {
        println!("==> lambda: LAMBDA_BENCH_ARM64=skip: no arm64 build, no lambda_<f>_binary_mb");
    }
    for f in &functions {
        if !samples.contains_key(&f.binary) {
            return Err(format!(
                "{}: no sample event in events/{}/ (the lambda bench needs one per function)",
                f.binary,
                Path::new(&f.code_uri)
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or_default()
            ));
        }
    }
    let port: u16 = std::env::var("LAMBDA_BENCH_PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    let simulator = erp_simulator::Simulator::new(None);
    let erp = simulator
        .start(&format!(
            "127.0.0.1:{}",
            if port == 0 { 0 } else { port + 1 }
        ))
        .await
        .map_err(|e| format!("ERP simulator: {e}"))?;
    let stack = Stack::new(&template, &erp.url()).await?;

    let mut keys: Vec<(String, Value)> = Vec::new();
    let floor = sorted(
        crate::emulator::floor(port, WARM)
            .await?
            .into_iter()
            .map(ms)
            .collect(),
    );
    let floor_p50 = round3(percentile(&floor, 50.0));
    println!(
        "lambda: emulator round trip (floor) p50 {floor_p50} ms, p99 {:.3} ms",
        percentile(&floor, 99.0)
    );
    keys.push(("lambda_emulator_floor_ms".into(), json!(floor_p50)));
    println!(
        "{:<20} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>8}  statuses",
        "function",
        "arm64 MB",
        "native MB",
        "init p50",
        "first p50",
        "warm p50",
        "warm p99",
        "RSS MiB"
    );
    let outcome: Result<(), String> = async {
        for f in &functions {
            let key = f.key();
            let native = megabytes(&target_dir().join("release").join(&f.binary))?;
            let arm = if arm64 {
                Some(megabytes(
                    &root()
                        .join(".aws-sam/build")
                        .join(&f.logical_id)
                        .join("bootstrap"),
                )?)
            } else {
                None
            };
            let figures = measure(&stack, f, &samples[&f.binary], port).await?;
            let init = sorted(figures.init_ms);
            let first = sorted(figures.first_ms);
            let warm = sorted(figures.warm_ms);
            let row = [
                ("init_p50_ms", round3(percentile(&init, 50.0))),
                ("first_p50_ms", round3(percentile(&first, 50.0))),
                ("warm_p50_ms", round3(percentile(&warm, 50.0))),
                ("warm_p99_ms", round3(percentile(&warm, 99.0))),
                ("rss_mb", figures.rss_mib),
                ("binary_native_mb", native),
            ];
            println!(
                "{:<20} {:>9} {:>9.2} {:>9.2} {:>9.2} {:>9.2} {:>9.2} {:>8.2}  {:?}",
                f.binary,
                arm.map(|a| format!("{a:.2}")).unwrap_or("-".into()),
                native,
                row[0].1,
                row[1].1,
                row[2].1,
                row[3].1,
                row[4].1,
                figures.statuses
            );
            for (name, value) in row {
                keys.push((format!("lambda_{key}_{name}"), json!(value)));
            }
            if let Some(arm) = arm {
                keys.push((format!("lambda_{key}_binary_mb"), json!(arm)));
            }
        }
        Ok(())
    }
    .await;
    super::drop_table(&stack.env.app.store).await;
    erp.stop().await;
    outcome?;
    let results: BTreeMap<&str, Value> =
        keys.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    let path = write_results(&results)?;
    println!("lambda: figures merged into {}", path.display());
    Ok(())
}
