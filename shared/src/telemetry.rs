//! JSON logs for CloudWatch (and readable ones locally with `LOG_FORMAT=pretty`).

pub fn init() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false);
    let result = if std::env::var("LOG_FORMAT").as_deref() == Ok("pretty") {
        builder.compact().try_init()
    } else {
        builder.json().flatten_event(true).without_time().try_init()
    };
    // A second init (tests, dev server) is harmless.
    let _ = result;
}
