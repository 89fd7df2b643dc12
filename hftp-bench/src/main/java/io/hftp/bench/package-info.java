/** Benchmarks of HFTP. */
package io.hftp.bench;
