/** The HFTP client library: pipelined connections and parallel sliced downloads (the command is in {@code io.hftp.client.cli}). */
package io.hftp.client;
