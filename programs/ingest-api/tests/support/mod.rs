//! Shared by the integration tests: an API on a free loopback port, its key, heartbeat bodies.

#![allow(dead_code)] // each test binary uses part of it

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use ingest_api::config::Config;
use ingest_api::{AppState, serve};
use serde_json::{Value, json};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The secret of every test client.
pub const SECRET: &str = "0123456789abcdef0123456789abcdef";

/// A running API; `stop` shuts it down gracefully.
pub struct Api {
    /// `http://127.0.0.1:port`.
    pub url: String,
    /// The state, to read its metrics.
    pub state: Arc<AppState>,
    stop: oneshot::Sender<()>,
    task: JoinHandle<anyhow::Result<()>>,
    _dir: tempfile::TempDir,
}

impl Api {
    /// Starts the API with `vars` on top of: a keys file with clients `device` and
    /// `revoked-device` (revoked), the null sink unless `INGEST_KAFKA_BOOTSTRAP_SERVERS` is set.
    pub async fn start(vars: &[(&str, &str)]) -> Api {
        let dir = tempfile::tempdir().unwrap();
        let keys = dir.path().join("keys");
        std::fs::write(
            &keys,
            format!("device {SECRET}\nrevoked-device {SECRET} revoked\n"),
        )
        .unwrap();
        let mut env: HashMap<String, String> = HashMap::from([
            ("INGEST_API_KEYS_FILE".into(), keys.display().to_string()),
            ("INGEST_LISTEN_ADDR".into(), "127.0.0.1:0".into()),
        ]);
        if !vars
            .iter()
            .any(|(k, _)| *k == "INGEST_KAFKA_BOOTSTRAP_SERVERS")
        {
            env.insert("INGEST_NULL_SINK".into(), "true".into());
        }
        env.extend(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let config = Config::from_lookup(|k| env.get(k).cloned()).unwrap();
        let state = Arc::new(AppState::from_config(&config).unwrap());
        let listener = tokio::net::TcpListener::bind(config.listen_addr)
            .await
            .unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(serve(listener, state.clone(), async {
            let _ = stopped.await;
        }));
        Api {
            url,
            state,
            stop,
            task,
            _dir: dir,
        }
    }

    /// Shuts down gracefully and waits until the server has flushed and returned.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        self.task.await.unwrap().unwrap();
    }

    /// The status of `GET path`.
    pub async fn get_status(&self, path: &str) -> u16 {
        let response = reqwest::get(format!("{}{path}", self.url)).await.unwrap();
        response.status().as_u16()
    }

    /// POSTs `body` to `path` as `device`, returning the status and the JSON answer.
    pub async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        let response = reqwest::Client::new()
            .post(format!("{}{path}", self.url))
            .header("authorization", format!("Bearer device.{SECRET}"))
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }
}

/// Now, in Unix epoch milliseconds.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// A valid heartbeat of `viewer` at playhead `position` seconds, with a unique event id.
pub fn heartbeat(viewer: &str, position: u32) -> Value {
    json!({
        "event_id": format!("{viewer}-evt-{position:06}"),
        "viewer_id": viewer,
        "video_id": "video-1",
        "session_id": format!("{viewer}-session"),
        "position_secs": position,
        "event_time_ms": now_ms(),
        "device": "tv",
    })
}
