package dev.switchboard.standalone;

import dev.switchboard.settings.Settings;
import dev.switchboard.testing.WsClient;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The runner with a keystore serves https and wss: a self-signed certificate made by the JDK's keytool. */
class TlsRunnerTest {

    private static final char[] PASSWORD = "test-only-keystore".toCharArray();

    @Test
    void theRunnerServesWssWithAPkcs12Keystore() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "tls-test"));
        Path keystore = dir.resolve("switchboard.p12");
        Files.deleteIfExists(keystore);
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "switchboard", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
                .redirectErrorStream(true).redirectOutput(dir.resolve("keytool.log").toFile()).start();
        assertTrue(keytool.waitFor(60, TimeUnit.SECONDS), "keytool did not finish");
        assertEquals(0, keytool.exitValue(), () -> "keytool failed: " + read(dir.resolve("keytool.log")));

        HttpClient trusting = HttpClient.newBuilder().sslContext(trusting(keystore)).connectTimeout(Duration.ofSeconds(10)).build();
        try (Runner runner = Runner.start(Settings.of(Map.of("statsIntervalMs", "0", "demoIntervalMs", "0")),
                "127.0.0.1", 0, null, new Runner.Tls(keystore, PASSWORD))) {
            URI base = runner.baseUri();
            assertEquals("https", base.getScheme());
            HttpResponse<String> health = trusting.send(HttpRequest.newBuilder(base.resolve("api/health"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode());
            URI chat = URI.create("wss://localhost:" + runner.port() + "/ws/chat?name=tess");
            try (WsClient tess = WsClient.connect(trusting, chat, Map.of())) {
                assertEquals("switchboard.v1", tess.subprotocol());
                tess.send("type", "join", "room", "secure").expect("joined");
                tess.send("type", "say", "room", "secure", "text", "over TLS");
                assertEquals("over TLS", tess.await("message").getString("text"));
            }
        }
    }

    /** An SSLContext that trusts exactly the certificate in {@code keystore}. */
    static SSLContext trusting(Path keystore) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            keys.load(in, PASSWORD);
        }
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        for (String alias : List.copyOf(java.util.Collections.list(keys.aliases()))) {
            trusted.setCertificateEntry(alias, keys.getCertificate(alias));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
