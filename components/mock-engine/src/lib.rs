//! An in-process mock of the Pulumi engine's `ResourceMonitor` and `Engine` gRPC services,
//! for tests only (it is not a Pulumi replacement: it keeps no state and plans nothing).
//!
//! It records every `RegisterResource` (type, name, custom flag, parent, dependencies,
//! property dependencies, provider, inputs with their secret markers, options), every
//! `RegisterResourceOutputs` and every log message, and answers with a URN, an id, and outputs:
//! the inputs echoed back, a fake `arn` for every AWS resource, plus the per-type fakes a test
//! sets with [`MockEngine::fake_outputs`] (all unknown during a preview, as a real provider's
//! computed outputs are).
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! let engine = mock_engine::MockEngine::start(mock_engine::Mode::Update).await?;
//! let settings = engine.settings("proj", "dev", &[("proj:key", "value")]);
//! pulumi_runtime::run(settings, |_ctx| async { Ok(serde_json::json!({})) }).await?;
//! assert!(engine.registrations().is_empty());
//! # Ok(()) }
//! ```

pub mod query;
mod record;
mod server;

pub use record::{LogEntry, Registration};
pub use server::{FakeOutputs, MockEngine, Mode};
