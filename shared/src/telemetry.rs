//! JSON logs for CloudWatch (and readable ones locally with `LOG_FORMAT=pretty`).
//!
//! `RUST_LOG` takes `level` or `target=level` directives (`info,shared::sync=debug`): a
//! [`Targets`] filter, not `EnvFilter`, whose span and field filters need a regex engine in every
//! binary (several hundred KB of each function).

use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// The filter `RUST_LOG` names, `info` when it is unset or not understood.
fn filter(rust_log: Option<&str>) -> Targets {
    rust_log
        .and_then(|value| value.parse::<Targets>().ok())
        .unwrap_or_else(|| Targets::new().with_default(LevelFilter::INFO))
}

pub fn init() {
    let filter = filter(std::env::var("RUST_LOG").ok().as_deref());
    let registry = tracing_subscriber::registry().with(filter);
    let result = if std::env::var("LOG_FORMAT").as_deref() == Ok("pretty") {
        registry
            .with(
                tracing_subscriber::fmt::layer()
                    .compact()
                    .with_target(false),
            )
            .try_init()
    } else {
        registry
            .with(
                tracing_subscriber::fmt::layer()
                    .json()
                    .flatten_event(true)
                    .without_time()
                    .with_target(false),
            )
            .try_init()
    };
    // A second init (tests, dev server) is harmless.
    let _ = result;
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing::Level;

    #[test]
    fn rust_log_directives_set_levels_per_target_with_info_by_default() {
        let unset = filter(None);
        assert!(unset.would_enable("shared::orders", &Level::INFO));
        assert!(!unset.would_enable("shared::orders", &Level::DEBUG));
        let directives = filter(Some("warn,shared::sync=debug"));
        assert!(directives.would_enable("shared::sync::worker", &Level::DEBUG));
        assert!(!directives.would_enable("shared::orders", &Level::INFO));
        assert!(directives.would_enable("shared::orders", &Level::WARN));
        // Not understood: the default, never silence.
        let garbage = filter(Some("shared[{x=1}]=nonsense"));
        assert!(garbage.would_enable("shared::orders", &Level::INFO));
    }
}
