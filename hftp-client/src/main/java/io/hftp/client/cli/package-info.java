/**
 * The {@code hftp} command (picocli): listing, file sizes and downloads from the terminal, on top of
 * the client library in {@code io.hftp.client}, which does not depend on this package.
 */
package io.hftp.client.cli;
