#!/usr/bin/env bash
# What a connection's first run on its acceptor does with handlers that compute: bench/lib/AcceptorSkew.java with
# firstRunOnAcceptor on (the default) and off, alternated, ROUNDS rounds; every request on a new connection
# (Connection: close). Server and client in one JVM on every core, traffic on 127.0.0.1 only, bounded.
#   bench/acceptor-skew.sh                 # 10 ms handlers, 40 requests per client, 3 rounds
#   MS=3 COUNT=133 ROUNDS=5 bench/acceptor-skew.sh
#   ACCEPT_MODE=REUSEPORT bench/acceptor-skew.sh   # a listener per acceptor (default: the server's, SHARED_LISTENER)
# Needs the sample jar and its libs (./mvnw -B -ntp -pl sample-http -am package -DskipTests).
JAVA_OPTS="${JAVA_OPTS:-} -DacceptMode=${ACCEPT_MODE:-}" \
  exec "$(dirname "$0")/lib/skew-rounds.sh" AcceptorSkew true false
