package io.hftp.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Reading and writing proxy URIs. */
class SocksProxyTest {
    @Test
    void readsBothSchemes() {
        SocksProxy tor = SocksProxy.parse("socks5h://127.0.0.1:9050");
        assertThat(tor.host()).isEqualTo("127.0.0.1");
        assertThat(tor.port()).isEqualTo(9050);
        assertThat(tor.remoteResolution()).isTrue();
        assertThat(tor)
                .isEqualTo(SocksProxy.socks5h("127.0.0.1", 9050))
                .hasSameHashCodeAs(SocksProxy.socks5h("127.0.0.1", 9050));

        SocksProxy local = SocksProxy.parse("socks5://proxy.example:1080");
        assertThat(local.host()).isEqualTo("proxy.example");
        assertThat(local.port()).isEqualTo(1080);
        assertThat(local.remoteResolution()).isFalse();
        assertThat(local)
                .isEqualTo(SocksProxy.socks5("proxy.example", 1080))
                .isNotEqualTo(SocksProxy.socks5h("proxy.example", 1080));
    }

    @Test
    void acceptsCaseAnIpv6AddressAndATrailingSlash() {
        assertThat(SocksProxy.parse("SOCKS5H://localhost:9050/")).isEqualTo(SocksProxy.socks5h("localhost", 9050));
        SocksProxy v6 = SocksProxy.parse("socks5://[::1]:1080");
        assertThat(v6.host()).isEqualTo("::1");
        assertThat(v6.toString()).isEqualTo("socks5://[::1]:1080");
        assertThat(SocksProxy.parse(" socks5h://127.0.0.1:9050 ")).isEqualTo(SocksProxy.socks5h("127.0.0.1", 9050));
    }

    @Test
    void writesWhatItReads() {
        for (String uri :
                new String[] {"socks5h://127.0.0.1:9050", "socks5://localhost:1", "socks5://[fe80::1]:65535"}) {
            assertThat(SocksProxy.parse(uri)).hasToString(uri);
            assertThat(SocksProxy.parse(SocksProxy.parse(uri).toString())).isEqualTo(SocksProxy.parse(uri));
        }
    }

    @Test
    void saysWhatIsWrongWithABadUri() {
        assertBad(
                "http://127.0.0.1:8080",
                "unsupported scheme 'http', expected socks5://HOST:PORT or socks5h://HOST:PORT");
        assertBad("socks4://127.0.0.1:1080", "unsupported scheme 'socks4'");
        assertBad("127.0.0.1:9050", "expected socks5://HOST:PORT or socks5h://HOST:PORT");
        assertBad("localhost:9050", "expected socks5://HOST:PORT or socks5h://HOST:PORT");
        assertBad("9050", "expected socks5://HOST:PORT or socks5h://HOST:PORT");
        assertBad("", "expected socks5://HOST:PORT or socks5h://HOST:PORT");
        assertBad("socks5h://127.0.0.1", "no port");
        assertBad("socks5h://127.0.0.1:", "no port");
        assertBad("socks5h://:9050", "not a HOST:PORT pair");
        assertBad("socks5h://", "expected socks5://HOST:PORT or socks5h://HOST:PORT");
        assertBad("socks5h://127.0.0.1:port", "not a HOST:PORT pair");
        assertBad("socks5h://127.0.0.1:0", "proxy port out of range: 0");
        assertBad("socks5h://127.0.0.1:65536", "proxy port out of range: 65536");
        assertBad("socks5h://127.0.0.1:99999999999", "not a HOST:PORT pair");
        assertBad("socks5h://user:secret@127.0.0.1:9050", "proxy authentication is not supported");
        assertBad("socks5h://127.0.0.1:9050/tor", "a proxy URI has no path, query or fragment");
        assertBad("socks5h://127.0.0.1:9050?x=1", "a proxy URI has no path, query or fragment");
        assertBad("socks5h://127.0.0.1 :9050", "expected socks5://HOST:PORT or socks5h://HOST:PORT");
    }

    private static void assertBad(String uri, String reason) {
        assertThatThrownBy(() -> SocksProxy.parse(uri))
                .as(uri)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("bad proxy '" + uri + "': ")
                .hasMessageContaining(reason);
    }

    @Test
    void factoriesCheckTheirArguments() {
        assertThatThrownBy(() -> SocksProxy.socks5h("127.0.0.1", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SocksProxy.socks5("127.0.0.1", 65536)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SocksProxy.socks5("", 1080)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SocksProxy.socks5(null, 1080)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void optionsCarryTheProxyAndDefaultToNone() {
        assertThat(HftpClientOptions.defaults().proxy()).isNull();
        SocksProxy tor = SocksProxy.socks5h("127.0.0.1", 9050);
        HftpClientOptions options = HftpClientOptions.builder().proxy(tor).build();
        assertThat(options.proxy()).isSameAs(tor);
        // Other changes keep it; null removes it.
        assertThat(options.toBuilder()
                        .connectTimeout(java.time.Duration.ofSeconds(3))
                        .maxLineLength(100)
                        .build()
                        .proxy())
                .isSameAs(tor);
        assertThat(options.toBuilder().proxy(null).build().proxy()).isNull();
        assertThat(options.toString()).contains("proxy=socks5h://127.0.0.1:9050");
    }

    @Test
    void namesEachSocksReply() {
        assertThat(SocksConnector.reply(1)).isEqualTo("general failure");
        assertThat(SocksConnector.reply(4)).isEqualTo("host unreachable");
        assertThat(SocksConnector.reply(5)).isEqualTo("connection refused");
        assertThat(SocksConnector.reply(8)).isEqualTo("address type not supported");
        assertThat(SocksConnector.reply(0xF0)).isEqualTo("onion service descriptor not found");
        assertThat(SocksConnector.reply(0xF6)).isEqualTo("invalid onion address");
        assertThat(SocksConnector.reply(9)).isEqualTo("unknown reply");
    }
}
