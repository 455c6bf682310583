#!/usr/bin/env bash
# What a poller mode does with handlers that compute: bench/lib/SkewedCpu.java against VIRTUAL and CARRIER,
# alternated, ROUNDS rounds, each printing a balanced and a skewed scenario (two connections computing on two poll
# sets, then on one). Server and client in one JVM on every core, traffic on 127.0.0.1 only, bounded.
#   bench/carrier-skew.sh                  # 10 ms handlers, 40 requests per connection, 3 rounds
#   MS=3 COUNT=133 ROUNDS=5 bench/carrier-skew.sh
# Needs the sample jar and its libs (./mvnw -B -ntp -pl sample-http -am package -DskipTests).
exec "$(dirname "$0")/lib/skew-rounds.sh" SkewedCpu VIRTUAL CARRIER
