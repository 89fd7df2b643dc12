/** The HFTP daemon. */
package io.hftp.server;
