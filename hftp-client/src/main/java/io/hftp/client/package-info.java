/** The HFTP client library and command. */
package io.hftp.client;
