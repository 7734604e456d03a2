//! A single-node Kafka broker in KRaft mode (combined broker + controller) on loopback.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::Message;
use rdkafka::producer::{BaseProducer, BaseRecord, Producer};
use tempfile::TempDir;

use crate::install::{Installation, write_log4j2_config};
use crate::process::{Supervised, free_port, java, run};

/// Any valid KRaft cluster id; each broker has its own data directory, so one constant suffices.
const CLUSTER_ID: &str = "aGVhcnRiZWF0LXBsYXRmb3";
/// How long a broker may take to answer its first metadata request.
const START_TIMEOUT: Duration = Duration::from_secs(90);

/// A record read back from a topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumedRecord {
    /// The partition it was read from.
    pub partition: i32,
    /// Its offset in that partition.
    pub offset: i64,
    /// Its key, if any.
    pub key: Option<Vec<u8>>,
    /// Its value, if any.
    pub value: Option<Vec<u8>>,
}

/// A running broker. Dropping it kills the JVM and deletes its data directory.
#[derive(Debug)]
pub struct Kafka {
    process: Option<Supervised>,
    port: u16,
    install: Installation,
    dir: TempDir,
}

impl Kafka {
    /// Formats a fresh data directory, starts the broker on free loopback ports and waits until
    /// it answers metadata requests.
    pub fn start() -> anyhow::Result<Self> {
        let install = Installation::find()?;
        let dir = tempfile::Builder::new()
            .prefix("heartbeat-kafka-")
            .tempdir()?;
        let (port, controller_port) = (free_port()?, free_port()?);
        let config = write_server_properties(dir.path(), port, controller_port)?;
        let log4j2 = write_log4j2_config(dir.path())?;
        let format_log = dir.path().join("format.log");
        run(
            "kafka.tools.StorageTool format",
            java(&install.kafka_classpath(), &log4j2, &format_log, "256m")
                .arg("kafka.tools.StorageTool")
                .args(["format", "--ignore-formatted", "-t", CLUSTER_ID, "-c"])
                .arg(&config),
        )?;
        let mut kafka = Self {
            process: None,
            port,
            install,
            dir,
        };
        kafka.resume()?;
        Ok(kafka)
    }

    /// `host:port` to give clients as `bootstrap.servers`.
    pub fn bootstrap_servers(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// The broker's data and log directory.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Kills the broker (SIGKILL, as a crash would) keeping its data, so [`Self::resume`] can
    /// bring the same broker back on the same port.
    pub fn kill(&mut self) {
        if let Some(mut process) = self.process.take() {
            process.kill();
        }
    }

    /// Starts the broker on its existing data directory (after [`Self::kill`], or the first time)
    /// and waits until it answers metadata requests.
    pub fn resume(&mut self) -> anyhow::Result<()> {
        if self.process.is_some() {
            return Ok(());
        }
        let log4j2 = write_log4j2_config(self.dir.path())?;
        let log = self.dir.path().join("server.log");
        let mut command = java(&self.install.kafka_classpath(), &log4j2, &log, "1g");
        command
            .arg("kafka.Kafka")
            .arg(self.dir.path().join("server.properties"));
        let mut process = Supervised::spawn("kafka broker", command, &log)?;
        let admin = self.client_config().create::<BaseConsumer>()?;
        process.wait_ready(START_TIMEOUT, || {
            admin
                .fetch_metadata(None, Duration::from_secs(2))
                .is_ok_and(|m| !m.brokers().is_empty())
        })?;
        self.process = Some(process);
        Ok(())
    }

    /// A client configuration pointing at this broker, for callers to extend.
    pub fn client_config(&self) -> ClientConfig {
        let mut config = ClientConfig::new();
        config.set("bootstrap.servers", self.bootstrap_servers());
        config
    }

    /// Creates a topic with `partitions` partitions (replication factor 1) and waits for it.
    pub fn create_topic(&self, name: &str, partitions: i32) -> anyhow::Result<()> {
        let admin: AdminClient<DefaultClientContext> = self.client_config().create()?;
        let results = block_on(admin.create_topics(
            &[NewTopic::new(name, partitions, TopicReplication::Fixed(1))],
            &AdminOptions::new().operation_timeout(Some(Duration::from_secs(30))),
        ))?;
        for result in results {
            if let Err((topic, code)) = result {
                bail!("creating topic {topic}: {code}");
            }
        }
        Ok(())
    }

    /// Produces `(key, value)` records to `topic` and waits until the broker acknowledged all.
    pub fn produce(&self, topic: &str, records: &[(&str, &str)]) -> anyhow::Result<()> {
        let producer: BaseProducer = self
            .client_config()
            .set("enable.idempotence", "true")
            .create()?;
        for (key, value) in records {
            producer
                .send(BaseRecord::to(topic).key(*key).payload(*value))
                .map_err(|(e, _)| e)
                .with_context(|| format!("producing to {topic}"))?;
        }
        producer
            .flush(Duration::from_secs(30))
            .with_context(|| format!("flushing records to {topic}"))?;
        Ok(())
    }

    /// Reads `topic` from the beginning until `count` records arrived or `timeout` passed
    /// (then returns what it has: callers assert on the records).
    pub fn consume(
        &self,
        topic: &str,
        count: usize,
        timeout: Duration,
    ) -> anyhow::Result<Vec<ConsumedRecord>> {
        let consumer: BaseConsumer = self
            .client_config()
            .set(
                "group.id",
                format!("local-dataplane-{}", std::process::id()),
            )
            .set("auto.offset.reset", "earliest")
            .set("enable.auto.commit", "false")
            .set("isolation.level", "read_committed")
            .create()?;
        consumer.subscribe(&[topic])?;
        let deadline = std::time::Instant::now() + timeout;
        let mut records = Vec::with_capacity(count);
        while records.len() < count && std::time::Instant::now() < deadline {
            match consumer.poll(Duration::from_millis(200)) {
                Some(Ok(m)) => records.push(ConsumedRecord {
                    partition: m.partition(),
                    offset: m.offset(),
                    key: m.key().map(<[u8]>::to_vec),
                    value: m.payload().map(<[u8]>::to_vec),
                }),
                Some(Err(e)) => return Err(e).with_context(|| format!("consuming {topic}")),
                None => {}
            }
        }
        Ok(records)
    }
}

/// Runs one future to completion on the current thread (the admin client's calls are futures
/// driven by librdkafka's own threads, so a simple park-based executor suffices).
fn block_on<F: std::future::Future>(future: F) -> F::Output {
    use std::sync::Arc;
    use std::task::{Context as TaskContext, Poll, Wake, Waker};

    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = TaskContext::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        std::thread::park();
    }
}

/// Writes the broker's `server.properties` and returns its path.
fn write_server_properties(dir: &Path, port: u16, controller_port: u16) -> anyhow::Result<PathBuf> {
    let data = dir.join("data");
    let properties = format!(
        "process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:{controller_port}
listeners=PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller_port}
advertised.listeners=PLAINTEXT://127.0.0.1:{port}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs={data}
num.partitions=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.flush.interval.messages=9223372036854775807
",
        data = data.display()
    );
    let path = dir.join("server.properties");
    std::fs::write(&path, properties).with_context(|| format!("writing {}", path.display()))?;
    Ok(path)
}
