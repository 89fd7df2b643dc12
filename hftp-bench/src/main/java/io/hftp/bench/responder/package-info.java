/**
 * The minimal Netty responder: the floor of any server built on Netty's pipeline for small
 * requests, measured beside the minimal C responder (the machine's ceiling) and the daemon.
 */
package io.hftp.bench.responder;
