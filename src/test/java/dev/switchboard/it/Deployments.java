package dev.switchboard.it;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import java.io.File;
import java.net.URI;
import java.net.URL;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The WAR that ships, as Arquillian deploys it: configured the way a user would, with context init-params. */
public final class Deployments {

    public static final String PUBLISHER_KEY = "it-publisher-key";

    private Deployments() {
    }

    /** {@code target/switchboard.war} plus a {@code WEB-INF/web.xml} that only sets Switchboard settings. */
    public static WebArchive shippedWar(Map<String, String> settings) {
        File war = new File(System.getProperty("switchboard.war", "target/switchboard.war"));
        assertTrue(war.isFile(), "package the WAR first (mvn verify): " + war.getAbsolutePath());
        WebArchive archive = ShrinkWrap.create(ZipImporter.class, "switchboard.war").importFrom(war).as(WebArchive.class);
        String params = settings.entrySet().stream()
                .map(e -> "  <context-param><param-name>switchboard." + e.getKey() + "</param-name><param-value>"
                        + e.getValue() + "</param-value></context-param>")
                .collect(Collectors.joining("\n"));
        return archive.setWebXML(new StringAsset("""
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0" metadata-complete="false">
                %s
                </web-app>
                """.formatted(params)));
    }

    public static WebArchive shippedWar() {
        return shippedWar(Map.of("publisherKey", PUBLISHER_KEY, "demoIntervalMs", "0"));
    }

    /** The context root as a URI ending in '/'. */
    public static URI base(URL url) {
        String s = url.toExternalForm();
        return URI.create(s.endsWith("/") ? s : s + "/");
    }
}
