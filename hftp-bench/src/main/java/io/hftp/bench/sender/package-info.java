/** The minimal blocking slice server, the ceiling big-slice throughput is compared with. */
package io.hftp.bench.sender;
