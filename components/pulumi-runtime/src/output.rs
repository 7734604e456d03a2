//! `Output<T>`: a value that arrives later, may be unknown during a preview, may be secret, and
//! remembers the resources it came from.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::fmt;
use std::future::Future;
use std::sync::Arc;

use futures::FutureExt;
use futures::future::{BoxFuture, Shared};
use serde::Serialize;

use crate::Urn;

/// What an [`Output`] resolves to.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved<T> {
    /// The value, or `None` while it is unknown (only during a preview).
    pub value: Option<T>,
    /// Whether the value is secret: it is encrypted in state and masked in logs.
    pub secret: bool,
    /// The resources the value depends on.
    pub deps: BTreeSet<Urn>,
}

impl<T> Resolved<T> {
    /// A known, plain value with no dependencies.
    pub fn known(value: T) -> Self {
        Self {
            value: Some(value),
            secret: false,
            deps: BTreeSet::new(),
        }
    }

    fn with_value<U>(self, value: Option<U>) -> Resolved<U> {
        Resolved {
            value,
            secret: self.secret,
            deps: self.deps,
        }
    }
}

/// Why an [`Output`] could not resolve: a failed registration or a failed step before it.
#[derive(Debug, Clone)]
pub struct OutputError(Arc<str>);

impl OutputError {
    /// An error with this message.
    pub fn new(message: impl fmt::Display) -> Self {
        Self(message.to_string().into())
    }
}

impl fmt::Display for OutputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for OutputError {}

type SharedResolution<T> = Shared<BoxFuture<'static, Result<Resolved<T>, OutputError>>>;

/// A value that may not be available yet. Cloning is cheap; all clones share one resolution.
///
/// Every combinator keeps the secret flag (a secret in, a secret out) and the union of the
/// dependencies, and an unknown input makes the result unknown without running the closure.
pub struct Output<T: Clone + Send + Sync + 'static> {
    resolution: SharedResolution<T>,
}

impl<T: Clone + Send + Sync + 'static> Clone for Output<T> {
    fn clone(&self) -> Self {
        Self {
            resolution: self.resolution.clone(),
        }
    }
}

impl<T: Clone + Send + Sync + 'static> fmt::Debug for Output<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Output(..)")
    }
}

impl<T: Clone + Send + Sync + 'static> From<T> for Output<T> {
    fn from(value: T) -> Self {
        Output::new(value)
    }
}

impl From<&str> for Output<String> {
    fn from(value: &str) -> Self {
        Output::new(value.to_owned())
    }
}

impl<T: Clone + Send + Sync + 'static> Output<T> {
    /// A known, plain value.
    pub fn new(value: T) -> Self {
        Self::from_resolved(Resolved::known(value))
    }

    /// A known value that must be kept secret.
    pub fn secret(value: T) -> Self {
        Self::new(value).into_secret()
    }

    /// A value that is not known (as during a preview).
    pub fn unknown() -> Self {
        Self::from_resolved(Resolved {
            value: None,
            secret: false,
            deps: BTreeSet::new(),
        })
    }

    /// An output that has already resolved.
    pub fn from_resolved(resolved: Resolved<T>) -> Self {
        Self::from_future(async move { Ok(resolved) })
    }

    /// An output computed by a future.
    pub fn from_future<F>(future: F) -> Self
    where
        F: Future<Output = Result<Resolved<T>, OutputError>> + Send + 'static,
    {
        Self {
            resolution: future.boxed().shared(),
        }
    }

    /// An output that failed.
    pub fn error(error: OutputError) -> Self {
        Self::from_future(async move { Err(error) })
    }

    /// Waits for the value.
    pub async fn resolve(&self) -> Result<Resolved<T>, OutputError> {
        self.resolution.clone().await
    }

    /// Transforms the value once known. Secrets and dependencies carry over.
    pub fn map<U, F>(&self, f: F) -> Output<U>
    where
        U: Clone + Send + Sync + 'static,
        F: FnOnce(T) -> U + Send + 'static,
    {
        let this = self.clone();
        Output::from_future(async move {
            let resolved = this.resolve().await?;
            let value = resolved.value.clone().map(f);
            Ok(resolved.with_value(value))
        })
    }

    /// Transforms the value with a step that may fail; the error fails the output.
    pub fn try_map<U, F>(&self, f: F) -> Output<U>
    where
        U: Clone + Send + Sync + 'static,
        F: FnOnce(T) -> Result<U, OutputError> + Send + 'static,
    {
        let this = self.clone();
        Output::from_future(async move {
            let resolved = this.resolve().await?;
            let value = resolved.value.clone().map(f).transpose()?;
            Ok(resolved.with_value(value))
        })
    }

    /// Chains a step that itself yields an output (for example a lookup by the value).
    /// The result is secret if either side is, and depends on both sides' resources.
    pub fn apply<U, F>(&self, f: F) -> Output<U>
    where
        U: Clone + Send + Sync + 'static,
        F: FnOnce(T) -> Output<U> + Send + 'static,
    {
        let this = self.clone();
        Output::from_future(async move {
            let outer = this.resolve().await?;
            let Some(value) = outer.value.clone() else {
                return Ok(outer.with_value(None));
            };
            let inner = f(value).resolve().await?;
            let mut deps = outer.deps;
            deps.extend(inner.deps);
            Ok(Resolved {
                value: inner.value,
                secret: outer.secret || inner.secret,
                deps,
            })
        })
    }

    /// Marks the value secret.
    pub fn into_secret(self) -> Self {
        Output::from_future(async move {
            let mut resolved = self.resolve().await?;
            resolved.secret = true;
            Ok(resolved)
        })
    }

    /// Adds resources this value depends on (used when a value is read from a resource).
    pub fn with_deps(self, extra: impl IntoIterator<Item = Urn> + Send + 'static) -> Self {
        Output::from_future(async move {
            let mut resolved = self.resolve().await?;
            resolved.deps.extend(extra);
            Ok(resolved)
        })
    }

    /// Pairs this output with another; see [`all`] for many of one type.
    pub fn zip<U: Clone + Send + Sync + 'static>(&self, other: &Output<U>) -> Output<(T, U)> {
        let (a, b) = (self.clone(), other.clone());
        Output::from_future(async move {
            let (a, b) = futures::try_join!(a.resolve(), b.resolve())?;
            let value = a.value.zip(b.value);
            let mut deps = a.deps;
            deps.extend(b.deps);
            Ok(Resolved {
                value,
                secret: a.secret || b.secret,
                deps,
            })
        })
    }
}

/// Waits for every output: known only when all are, secret when any is, with every dependency.
pub fn all<T: Clone + Send + Sync + 'static>(
    outputs: impl IntoIterator<Item = Output<T>>,
) -> Output<Vec<T>> {
    let outputs: Vec<_> = outputs.into_iter().collect();
    Output::from_future(async move {
        let resolved =
            futures::future::try_join_all(outputs.iter().map(|output| output.resolve())).await?;
        let mut combined = Resolved {
            value: Some(Vec::with_capacity(resolved.len())),
            secret: false,
            deps: BTreeSet::new(),
        };
        for item in resolved {
            combined.secret |= item.secret;
            combined.deps.extend(item.deps);
            combined.value = combined.value.zip(item.value).map(|(mut values, value)| {
                values.push(value);
                values
            });
        }
        Ok(combined)
    })
}

/// Concatenates string outputs in order (ARNs, URLs, `urn::id` references).
pub fn concat(parts: impl IntoIterator<Item = Output<String>>) -> Output<String> {
    all(parts).map(|parts| parts.concat())
}

// ---- serialising outputs into resource inputs ---------------------------------------------

/// The prefix of the placeholder an output leaves in a serialised input tree.
pub(crate) const PLACEHOLDER_PREFIX: &str = "\u{1}heartbeat-output:";

thread_local! {
    static COLLECTOR: RefCell<Option<Vec<Output<serde_json::Value>>>> = const { RefCell::new(None) };
}

/// Serialises `value` to JSON, replacing each [`Output`] inside it by a placeholder string and
/// returning those outputs in placeholder order.
pub(crate) fn serialize_collecting<S: Serialize + ?Sized>(
    value: &S,
) -> Result<(serde_json::Value, Vec<Output<serde_json::Value>>), serde_json::Error> {
    COLLECTOR.with(|cell| {
        let previous = cell.replace(Some(Vec::new()));
        let result = serde_json::to_value(value);
        let collected = cell.replace(previous).unwrap_or_default();
        result.map(|json| (json, collected))
    })
}

impl<T: Clone + Send + Sync + Serialize + 'static> Serialize for Output<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let index = COLLECTOR.with(|cell| {
            cell.borrow_mut().as_mut().map(|outputs| {
                outputs.push(self.try_map(|value| {
                    serde_json::to_value(value).map_err(|e| {
                        OutputError::new(format!("cannot serialise an output value: {e}"))
                    })
                }));
                outputs.len() - 1
            })
        });
        match index {
            Some(index) => serializer.serialize_str(&format!("{PLACEHOLDER_PREFIX}{index}")),
            None => Err(serde::ser::Error::custom(
                "an Output can only be serialised as a resource input or a stack output",
            )),
        }
    }
}
