package dev.switchboard.it;


import dev.switchboard.it.host.PublishServlet;
import org.jboss.shrinkwrap.api.ArchivePath;
import org.jboss.shrinkwrap.api.Filters;
import org.jboss.shrinkwrap.api.Node;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The WAR that ships, as Arquillian deploys it: configured the way a user would, with context init-params. */
public final class Deployments {

    public static final String PUBLISHER_KEY = "it-publisher-key";

    /**
     * The container the ITs run in, as the tests tell them apart: the Arquillian qualifier, where {@code tomcat-vt}
     * (Tomcat on virtual threads) is Tomcat.
     */
    public static String container() {
        String launch = System.getProperty("arquillian.launch", "tomcat");
        return launch.endsWith("-vt") ? launch.substring(0, launch.length() - 3) : launch;
    }

    private Deployments() {
    }

    /** Payara and GlassFish: Tyrus through the servlet upgrade, on Grizzly (their request and response objects). */
    public static boolean onGrizzly() {
        return List.of("payara", "glassfish").contains(container());
    }

    /**
     * {@code target/switchboard.war} with Switchboard settings added to its {@code WEB-INF/web.xml} as context-params,
     * the way a user configures it (the rest of the shipped descriptor, its error page, stays).
     */
    public static WebArchive shippedWar(Map<String, String> settings) {
        File war = new File(System.getProperty("switchboard.war", "target/switchboard.war"));
        assertTrue(war.isFile(), "package the WAR first (mvn verify): " + war.getAbsolutePath());
        WebArchive archive = ShrinkWrap.create(ZipImporter.class, "switchboard.war").importFrom(war).as(WebArchive.class);
        String params = settings.entrySet().stream()
                .map(e -> "\n  <context-param><param-name>switchboard." + e.getKey() + "</param-name><param-value>"
                        + e.getValue() + "</param-value></context-param>")
                .collect(Collectors.joining());
        Node shipped = archive.get("WEB-INF/web.xml");
        assertTrue(shipped != null, "the WAR ships a WEB-INF/web.xml");
        String xml;
        try (InputStream in = shipped.getAsset().openStream()) {
            xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int open = xml.indexOf('>', xml.indexOf("<web-app")) + 1;
        return archive.setWebXML(new StringAsset(xml.substring(0, open) + params + xml.substring(open)));
    }

    public static WebArchive shippedWar() {
        return shippedWar(Map.of("publisherKey", PUBLISHER_KEY, "demoIntervalMs", "0"));
    }

    /** The realm user (Tomcat: src/test/containers/tomcat/conf/tomcat-users.xml; Payara: the test post-boot file). */
    public static final String USER = "alice";
    public static final String PASSWORD = "alice-test-only";

    /**
     * A host application that adds Switchboard the way docs/integration.md says: the classes jar
     * ({@code target/switchboard-classes.jar}, what ships) and its dependencies (the shipped WAR's WEB-INF/lib) in its
     * WEB-INF/lib, its own servlets and pages, a FORM login for role chat-user, guests off, and Switchboard moved under
     * {@code /switchboard/} next to its JavaScript client.
     */
    public static WebArchive hostApp() {
        File jar = new File(System.getProperty("switchboard.classesJar", "target/switchboard-classes.jar"));
        assertTrue(jar.isFile(), "package first (mvn verify): " + jar.getAbsolutePath());
        WebArchive host = ShrinkWrap.create(WebArchive.class, "host.war")
                .addAsLibrary(jar)
                .addPackage(PublishServlet.class.getPackage())
                .setWebXML(new StringAsset(HOST_WEB_XML))
                .addAsWebInfResource(new StringAsset(HOST_ROLE_MAPPING), "glassfish-web.xml")
                .addAsWebResource(new StringAsset(HOST_LOGIN), "login.html")
                .addAsWebResource(new StringAsset("<!doctype html><title>no</title><p>wrong password"), "login-error.html")
                .addAsWebResource(new StringAsset(HOST_PAGE), "secure/index.html");
        File war = new File(System.getProperty("switchboard.war", "target/switchboard.war"));
        WebArchive shipped = ShrinkWrap.create(ZipImporter.class, "switchboard.war").importFrom(war).as(WebArchive.class);
        for (Map.Entry<ArchivePath, Node> lib : shipped.getContent(Filters.include("/WEB-INF/lib/.*\\.jar")).entrySet()) {
            host.add(lib.getValue().getAsset(), lib.getKey());
        }
        return host;
    }

    private static final String HOST_WEB_XML = """
            <?xml version="1.0" encoding="UTF-8"?>
            <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
              <context-param><param-name>switchboard.guests</param-name><param-value>false</param-value></context-param>
              <context-param><param-name>switchboard.chatPath</param-name><param-value>/switchboard/ws/chat</param-value></context-param>
              <context-param><param-name>switchboard.notificationsPath</param-name><param-value>/switchboard/ws/notifications</param-value></context-param>
              <context-param><param-name>switchboard.apiPath</param-name><param-value>/switchboard/api</param-value></context-param>
              <context-param><param-name>switchboard.demoIntervalMs</param-name><param-value>0</param-value></context-param>
              <context-param><param-name>switchboard.statsIntervalMs</param-name><param-value>0</param-value></context-param>
              <security-constraint>
                <web-resource-collection><web-resource-name>app</web-resource-name><url-pattern>/secure/*</url-pattern></web-resource-collection>
                <auth-constraint><role-name>chat-user</role-name></auth-constraint>
              </security-constraint>
              <login-config>
                <auth-method>FORM</auth-method>
                <realm-name>file</realm-name>
                <form-login-config>
                  <form-login-page>/login.html</form-login-page>
                  <form-error-page>/login-error.html</form-error-page>
                </form-login-config>
              </login-config>
              <security-role><role-name>chat-user</role-name></security-role>
            </web-app>
            """;

    /** Payara/GlassFish: role chat-user is the file realm group chat-user. Tomcat ignores the file. */
    private static final String HOST_ROLE_MAPPING = """
            <?xml version="1.0" encoding="UTF-8"?>
            <glassfish-web-app>
              <security-role-mapping><role-name>chat-user</role-name><group-name>chat-user</group-name></security-role-mapping>
            </glassfish-web-app>
            """;

    private static final String HOST_LOGIN = """
            <!doctype html><title>Sign in</title>
            <form method="post" action="j_security_check">
              <input name="j_username"> <input name="j_password" type="password"> <button>Sign in</button>
            </form>
            """;

    /** The host's own page with Switchboard's client embedded (docs/integration.md, step 4). */
    public static final String HOST_PAGE = """
            <!doctype html><title>Orders</title>
            <h1>Orders</h1><ul id="live"></ul>
            <script type="module">
              import { NotificationClient } from '../switchboard/js/switchboard.js';
              const live = new NotificationClient({ base: new URL('../switchboard/', location.href) });
              live.on('notification', (n) => {
                const li = document.createElement('li');
                li.textContent = JSON.stringify(n.data);
                document.getElementById('live').append(li);
              });
              live.connect().subscribe('orders');
            </script>
            """;

    /** The context root of {@code switchboard.war} as a URI ending in '/'. */
    public static URI base(URL url) {
        return base(url, "switchboard");
    }

    /**
     * The context root of the archive {@code context}.war as a URI ending in '/'. Where the container's adapter hands
     * over the server's root instead, the archive's context is added: Payara Micro's adapter (3.1) reads the context
     * roots from Payara's console output, which it polls every 200 ms, and once in a while parses it before the
     * deployment's lines are in (2026-12-05: every request of a test class went to {@code /ws/chat}, 404).
     */
    public static URI base(URL url, String context) {
        String s = url.toExternalForm();
        URI base = URI.create(s.endsWith("/") ? s : s + "/");
        return base.getPath().equals("/") ? base.resolve(context + "/") : base;
    }
}
