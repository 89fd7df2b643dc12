/** JMH micro-benchmarks of the codec: request decoding, reply encoding, base64 slice streaming. */
package io.hftp.bench.jmh;
