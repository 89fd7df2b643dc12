/** A Netty load generator for HFTP servers: request rate and latency, slice throughput, many connections. */
package io.hftp.bench.load;
