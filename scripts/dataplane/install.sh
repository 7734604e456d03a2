#!/usr/bin/env bash
# Installs what the local data plane needs, on a bare Debian machine, idempotently:
#   - Java 17, Maven, PostgreSQL 15 and rdkafka's build dependencies from Debian (apt-get,
#     skipped when present);
#   - the Kafka broker + Kafka Connect classpath (kafka_2.13, connect-runtime, log4j2) and the
#     Debezium JDBC sink plugin (+ PostgreSQL JDBC driver), resolved by Maven from Maven Central
#     into ${HEARTBEAT_CACHE:-$HOME/.cache/heartbeat-platform}/jars/.
# A directory that already holds its `.complete` marker is not resolved again, so a warm run takes
# well under a second. Versions come from versions.env beside this script.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"
cache="${HEARTBEAT_CACHE:-$HOME/.cache/heartbeat-platform}"
jars="$cache/jars"

need_apt=()
command -v java >/dev/null || need_apt+=(openjdk-17-jre-headless)
command -v mvn >/dev/null || need_apt+=(maven)
[ -x "/usr/lib/postgresql/$POSTGRES_MAJOR/bin/initdb" ] || need_apt+=("postgresql-$POSTGRES_MAJOR")
command -v psql >/dev/null || need_apt+=("postgresql-client-$POSTGRES_MAJOR")
# Build dependencies of rdkafka (vendored librdkafka with TLS/SASL: OpenSSL headers, a C compiler).
for pkg in libssl-dev pkg-config gcc g++ make; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ "${#need_apt[@]}" -gt 0 ]; then
    echo "install.sh: apt-get install ${need_apt[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
    # Debian's package starts a cluster as a system service; the data plane runs its own.
    command -v pg_ctlcluster >/dev/null && pg_ctlcluster --force "$POSTGRES_MAJOR" main stop 2>/dev/null || true
fi

# resolve NAME DEPENDENCIES_XML: copies the runtime closure of the dependencies into $jars/NAME.
resolve() {
    local name="${1##*/}" deps="$2" dir="$jars/$1"
    if [ -f "$dir/.complete" ]; then
        return
    fi
    local work
    work="$(mktemp -d)"
    cat >"$work/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>heartbeat-platform</groupId>
  <artifactId>dataplane-$name</artifactId>
  <version>0</version>
  <packaging>pom</packaging>
  <dependencies>$deps</dependencies>
</project>
EOF
    echo "install.sh: resolving $name with Maven"
    rm -rf "$dir"
    mvn -q -B -f "$work/pom.xml" dependency:copy-dependencies \
        -DincludeScope=runtime -DoutputDirectory="$dir"
    touch "$dir/.complete"
    rm -rf "$work"
}

# dep GROUP ARTIFACT VERSION [EXCLUDED_GROUP...]: one <dependency>, without the excluded groups.
dep() {
    local exclusions="" group
    for group in "${@:4}"; do
        exclusions+="<exclusion><groupId>$group</groupId><artifactId>*</artifactId></exclusion>"
    done
    echo "<dependency><groupId>$1</groupId><artifactId>$2</artifactId><version>$3</version><exclusions>$exclusions</exclusions></dependency>"
}

resolve "kafka-$KAFKA_VERSION" "
  $(dep org.apache.kafka "kafka_$SCALA_BINARY_VERSION" "$KAFKA_VERSION")
  $(dep org.apache.kafka connect-runtime "$KAFKA_VERSION")
  $(dep org.apache.kafka connect-json "$KAFKA_VERSION")
  $(dep org.apache.kafka connect-transforms "$KAFKA_VERSION")
  $(dep org.apache.logging.log4j log4j-api "$LOG4J2_VERSION")
  $(dep org.apache.logging.log4j log4j-core "$LOG4J2_VERSION")
  $(dep org.apache.logging.log4j log4j-slf4j2-impl "$LOG4J2_VERSION")
  $(dep org.slf4j slf4j-api "$SLF4J_VERSION")"

# The plugin uses the worker's Jackson (a second copy breaks Jackson's module ServiceLoader with
# "BlackbirdModule not a subtype") and needs no driver but PostgreSQL's.
resolve "connect-plugins/debezium-jdbc-$DEBEZIUM_VERSION" "
  $(dep io.debezium debezium-connector-jdbc "$DEBEZIUM_VERSION" \
      com.fasterxml.jackson.core com.mysql org.mariadb.jdbc com.microsoft.sqlserver com.oracle.database.jdbc)
  $(dep org.postgresql postgresql "$POSTGRES_JDBC_VERSION")"

echo "install.sh: ready in $jars"
